"""Target transforms that turn a `Target` into what torchvision's models take."""

from __future__ import annotations

from typing import TypedDict

import attrs
import attrs.validators
import torch  # type: ignore[import-not-found,unused-ignore]

from ..datasets.common import UnsupportedDatasetError
from .common import Target

_BOX_SHAPE_TYPES = frozenset(["rectangle", "polygon", "polyline", "points", "ellipse"])


@attrs.frozen
class ExtractSingleLabelIndex:
    """The class index of the frame's only tag, as a 0-d long tensor (for classification models).

    ValueError if the frame has no tag or several.
    """

    def __call__(self, target: Target) -> torch.Tensor:
        tags = target.annotations.tags
        if not tags:
            raise ValueError("sample has no tags")
        if len(tags) > 1:
            raise ValueError("sample has multiple tags")
        return torch.tensor(target.label_id_to_index[tags[0].label_id], dtype=torch.long)


class LabeledBoxes(TypedDict):
    boxes: torch.Tensor
    labels: torch.Tensor


@attrs.frozen
class ExtractBoundingBoxes:
    """{"boxes": float tensor [N, 4] of (xmin, ymin, xmax, ymax), "labels": long tensor [N]} from
    the frame's shapes of the included types (for detection models). A frame without boxes gives
    empty tensors of shape [0], as the official SDK does.

    An ellipse's box is the ellipse's own bounding box (center ± radii); the other types use the
    extent of their points. Rotated shapes raise UnsupportedDatasetError.
    """

    include_shape_types: frozenset[str] = attrs.field(
        converter=frozenset,
        validator=attrs.validators.deep_iterable(attrs.validators.in_(_BOX_SHAPE_TYPES)),
        kw_only=True,
    )
    """Shapes of other types are ignored."""

    def __call__(self, target: Target) -> LabeledBoxes:
        boxes: list[tuple[float, float, float, float]] = []
        labels: list[int] = []
        for shape in target.annotations.shapes:
            kind = str(shape.type)
            if kind not in self.include_shape_types:
                continue
            if shape.get("rotation", 0):
                raise UnsupportedDatasetError("Rotated shapes are not supported")
            points = shape.points
            if kind == "ellipse":
                cx, cy, rx, ry = points[0], points[1], abs(points[2] - points[0]), abs(points[3] - points[1])
                boxes.append((cx - rx, cy - ry, cx + rx, cy + ry))
            else:
                xs, ys = points[0::2], points[1::2]
                boxes.append((min(xs), min(ys), max(xs), max(ys)))
            labels.append(target.label_id_to_index[shape.label_id])
        return LabeledBoxes(  # no boxes: shape [0], as in the official SDK (`.reshape(-1, 4)` for [0, 4])
            boxes=torch.tensor(boxes, dtype=torch.float),
            labels=torch.tensor(labels, dtype=torch.long),
        )
