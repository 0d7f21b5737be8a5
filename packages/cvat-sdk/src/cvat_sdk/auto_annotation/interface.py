"""The auto-annotation function interface: protocols, specs, contexts and helper factories.

A detection function has a `spec` (its labels, with ids of its own choosing) and a
`detect(context, image)` that returns shapes using those ids; `annotate_task` matches the
function's labels to the task's by name and rewrites the ids.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence, Set
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, Union

import attrs
from cvat_api import models
from cvat_api.exceptions import ApiValueError

from ..attributes import attribute_value_validator
from ..core.releases import official_since
from .exceptions import BadFunctionError

if TYPE_CHECKING:
    import PIL.Image


class AutoAnnotationFunction(Protocol):
    """What every kind of auto-annotation function has: a spec."""

    @property
    def spec(self) -> object:
        """The function's spec (a DetectionFunctionSpec or TrackingFunctionSpec)."""
        ...


def _validate_attributes(attributes: Sequence[Any], owner: str) -> None:
    seen: set[int] = set()
    for attr in attributes:
        desc = f"attribute {attr.name!r} of {owner}"
        if not hasattr(attr, "id"):
            raise BadFunctionError(f"{desc} has no ID")
        if attr.id in seen:
            raise BadFunctionError(f"{desc} has same ID as another attribute ({attr.id})")
        seen.add(attr.id)
        try:
            attribute_value_validator(attr)
        except ValueError as e:
            raise BadFunctionError(f"{desc} has invalid values: {e}") from e


def _validate_label(label: models.PatchedLabelRequest) -> None:
    desc = f"label {label.get('name')!r}"
    _validate_attributes(label.get("attributes") or [], desc)
    sublabels = label.get("sublabels") or []
    if not sublabels:
        return
    label_type = str(label.get("type", "any"))
    if label_type != "skeleton":
        raise BadFunctionError(f"{desc} with sublabels has type {label_type!r} (should be 'skeleton')")
    seen: set[int] = set()
    for sublabel in sublabels:
        sl_desc = f"sublabel {sublabel.get('name')!r} of {desc}"
        if not hasattr(sublabel, "id"):
            raise BadFunctionError(f"{sl_desc} has no ID")
        if sublabel.id in seen:
            raise BadFunctionError(f"{sl_desc} has same ID as another sublabel ({sublabel.id})")
        seen.add(sublabel.id)
        sl_type = str(sublabel.get("type", "any"))
        if sl_type != "points":
            raise BadFunctionError(f"{sl_desc} has type {sl_type!r} (should be 'points')")
        _validate_attributes(sublabel.get("attributes") or [], sl_desc)


def validate_function_labels(labels: Sequence[models.PatchedLabelRequest]) -> None:
    """Raise BadFunctionError unless the labels follow DetectionFunctionSpec's rules."""
    seen: set[int] = set()
    for label in labels:
        if not hasattr(label, "id"):
            raise BadFunctionError(f"label {label.get('name')!r} has no ID")
        if label.id in seen:
            raise BadFunctionError(f"label {label.get('name')} has same ID as another label ({label.id})")
        seen.add(label.id)
        _validate_label(label)


# The official SDK checks a spec when it is made since CVAT 2.27; before, annotate_task checked it.
_CHECKED_WHEN_MADE = official_since("2.27")


@attrs.frozen(kw_only=True)
class DetectionFunctionSpec:
    """What a detection function annotates: its labels (treat the object as immutable).

    Each label needs a distinct `id`; sublabels (skeleton labels only, of type "points") and
    attributes need ids distinct within their parent, and attribute `values` must suit their
    input type. A violation raises BadFunctionError: when the spec is made, or, in the sets for
    CVAT before 2.27 (as the official SDK did there), when a function with it is run.
    `label_spec`, `skeleton_label_spec`, `keypoint_spec` and the `*_attribute_spec` helpers build
    conforming objects.
    """

    labels: Sequence[models.PatchedLabelRequest] = attrs.field()

    @labels.validator
    def _check_labels(self, attribute: Any, value: Sequence[models.PatchedLabelRequest]) -> None:
        if _CHECKED_WHEN_MADE:
            validate_function_labels(value)


class DetectionFunctionContext(metaclass=abc.ABCMeta):
    """What a detection function is told about the image it gets."""

    @property
    @abc.abstractmethod
    def frame_name(self) -> str:
        """The file name of the frame in the task."""

    @property
    @abc.abstractmethod
    def conf_threshold(self) -> float | None:
        """Return only objects with at least this confidence (0..1); None: the function's choice."""

    @property
    @abc.abstractmethod
    def conv_mask_to_poly(self) -> bool:
        """If true, return polygons instead of masks."""


class DetectionFunction(AutoAnnotationFunction, Protocol):
    """A function that finds objects on an image.

    `detect` returns shapes with no `id` and no `source`, `frame` 0, and `label_id` (and each
    attribute's `spec_id`) from the function's spec; skeleton elements use sublabel ids. The
    caller may modify the returned objects, so the function must not keep them.
    """

    @property
    def spec(self) -> DetectionFunctionSpec:
        """The function's spec."""
        ...

    def detect(
        self, context: DetectionFunctionContext, image: PIL.Image.Image
    ) -> Sequence[models.LabeledShapeRequest | models.LabeledImageRequest]:
        """The shapes (and tags) found on `image`: any sequence, so a function annotated as returning
        `list[LabeledShapeRequest]` fits too."""
        ...


def _shape_types(value: Set[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen(kw_only=True)
class TrackingFunctionSpec:
    """What a tracking function tracks: the shape types it supports."""

    supported_shape_types: Set[str] = attrs.field(converter=_shape_types)

    @supported_shape_types.validator
    def _check_types(self, attribute: Any, value: Set[str]) -> None:
        known = {t.value for t in models.ShapeType}
        for shape_type in value:
            if shape_type not in known:
                raise ApiValueError(f"Invalid value for `value` ({shape_type}), must be one of {sorted(known)}")


class TrackingFunctionContext(metaclass=abc.ABCMeta):  # noqa: B024 - empty on purpose, may grow
    """What a tracking function is told (nothing yet)."""


class TrackingFunctionShapeContext(TrackingFunctionContext):
    """What a tracking function is told about the shape it tracks."""

    @property
    @abc.abstractmethod
    def original_shape_type(self) -> str:
        """The type of the tracked shape."""


def _points(value: Sequence[float]) -> list[float]:
    return list(value)


@attrs.frozen(kw_only=True)
class TrackableShape:
    """A shape a tracking function tracks (fields as in LabeledShape)."""

    type: str
    points: list[float] = attrs.field(converter=_points)


# What a detection function returns items of (the official 2.64 name).
DetectionAnnotation = Union[models.LabeledImageRequest, models.LabeledShapeRequest]  # noqa: UP007 - evaluated at import

PreprocessedImage = TypeVar("PreprocessedImage")
TrackingState = TypeVar("TrackingState")


class TrackingFunction(AutoAnnotationFunction, Protocol[PreprocessedImage, TrackingState]):
    """A function that follows shapes from image to image (used by the CLI agent).

    `preprocess_image` (optional) prepares an image once for all shapes on it;
    `init_tracking_state` analyses a shape on an image; `track` finds it on a later image
    (returning None when it is lost) and may update the state.
    """

    @property
    def spec(self) -> TrackingFunctionSpec:
        """The function's spec."""
        ...

    def preprocess_image(self, context: TrackingFunctionContext, image: PIL.Image.Image) -> PreprocessedImage: ...

    def init_tracking_state(
        self, context: TrackingFunctionShapeContext, pp_image: PreprocessedImage, shape: TrackableShape
    ) -> TrackingState: ...

    def track(
        self, context: TrackingFunctionShapeContext, pp_image: PreprocessedImage, state: TrackingState
    ) -> TrackableShape | None: ...


# --- spec factories ----------------------------------------------------------------------


def label_spec(name: str, id: int, **kwargs: Any) -> models.PatchedLabelRequest:  # noqa: A002
    """A label of a function spec."""
    return models.PatchedLabelRequest(name=name, id=id, **kwargs)


def skeleton_label_spec(
    name: str,
    id: int,  # noqa: A002
    sublabels: Sequence[models.SublabelRequest],
    **kwargs: Any,
) -> models.PatchedLabelRequest:
    """A skeleton label; `sublabels` are its keypoints (see keypoint_spec)."""
    return label_spec(name, id, type="skeleton", sublabels=sublabels, **kwargs)


def keypoint_spec(name: str, id: int, **kwargs: Any) -> models.SublabelRequest:  # noqa: A002
    """A keypoint (sublabel of type "points") of a skeleton label."""
    return models.SublabelRequest(name=name, id=id, type="points", **kwargs)


def attribute_spec(
    name: str,
    id: int,  # noqa: A002
    input_type: str,
    values: Sequence[str],
    **kwargs: Any,
) -> models.AttributeRequest:
    """An attribute (immutable) of a label or sublabel."""
    return models.AttributeRequest(name=name, id=id, input_type=input_type, values=values, mutable=False, **kwargs)


def number_attribute_spec(name: str, id: int, values: Sequence[str], **kwargs: Any) -> models.AttributeRequest:  # noqa: A002
    """A "number" attribute; build `values` with cvat_sdk.attributes.number_attribute_values."""
    return attribute_spec(name, id, "number", values, **kwargs)


def checkbox_attribute_spec(name: str, id: int, **kwargs: Any) -> models.AttributeRequest:  # noqa: A002
    """A "checkbox" attribute."""
    return attribute_spec(name, id, "checkbox", [], **kwargs)


def radio_attribute_spec(name: str, id: int, values: Sequence[str], **kwargs: Any) -> models.AttributeRequest:  # noqa: A002
    """A "radio" attribute with these values."""
    return attribute_spec(name, id, "radio", values, **kwargs)


def select_attribute_spec(name: str, id: int, values: Sequence[str], **kwargs: Any) -> models.AttributeRequest:  # noqa: A002
    """A "select" attribute with these values."""
    return attribute_spec(name, id, "select", values, **kwargs)


def text_attribute_spec(name: str, id: int, **kwargs: Any) -> models.AttributeRequest:  # noqa: A002
    """A "text" attribute."""
    return attribute_spec(name, id, "text", [], **kwargs)


# --- shape factories ---------------------------------------------------------------------


def tag(label_id: int, **kwargs: Any) -> models.LabeledImageRequest:
    """A tag (a label of the whole frame) on frame 0, for a label of type "tag" (or "any")."""
    return models.LabeledImageRequest(label_id=label_id, frame=0, **kwargs)


def shape(label_id: int, **kwargs: Any) -> models.LabeledShapeRequest:
    """A shape on frame 0 (give `type` and `points`)."""
    return models.LabeledShapeRequest(label_id=label_id, frame=0, **kwargs)


def rectangle(label_id: int, points: Sequence[float], **kwargs: Any) -> models.LabeledShapeRequest:
    """A rectangle; `points` are [x1, y1, x2, y2]."""
    return shape(label_id, type="rectangle", points=points, **kwargs)


def polygon(label_id: int, points: Sequence[float], **kwargs: Any) -> models.LabeledShapeRequest:
    """A polygon; `points` are [x1, y1, x2, y2, ...]."""
    return shape(label_id, type="polygon", points=points, **kwargs)


def mask(label_id: int, points: Sequence[float], **kwargs: Any) -> models.LabeledShapeRequest:
    """A mask; build `points` with cvat_sdk.masks.encode_mask."""
    return shape(label_id, type="mask", points=points, **kwargs)


def skeleton(
    label_id: int, elements: Sequence[models.SubLabeledShapeRequest], **kwargs: Any
) -> models.LabeledShapeRequest:
    """A skeleton; `elements` are its keypoints (see keypoint)."""
    return shape(label_id, type="skeleton", elements=elements, **kwargs)


def keypoint(label_id: int, points: Sequence[float], **kwargs: Any) -> models.SubLabeledShapeRequest:
    """A keypoint of a skeleton; `label_id` is a sublabel id of the skeleton's label."""
    return models.SubLabeledShapeRequest(label_id=label_id, frame=0, type="points", points=points, **kwargs)
