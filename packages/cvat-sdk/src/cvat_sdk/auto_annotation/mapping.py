"""Matching a function's labels to a task's, and checking and rewriting the function's output.

Labels match by name, sublabels and attributes by name within their parent. Types must be
compatible ("any" on either side fits everything; a function "mask" label counts as "polygon"
when masks are converted); attributes must have the same input type and values (in any order
for select and radio; not compared for text and checkbox). Whatever the task lacks is an error,
or, with `allow_unmatched_labels`, dropped from the output (logged once).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
from cvat_api import models

from ..attributes import attribute_value_validator
from ..core.releases import official_since
from .exceptions import BadFunctionError
from .interface import validate_function_labels


@attrs.frozen
class SublabelNameMapping:
    """Where a function sublabel (or label) goes: the task's name for it and, optionally, for its
    attributes (None: same names; a mapping: only those attributes, renamed)."""

    name: str
    attributes: Mapping[str, str] | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class LabelNameMapping(SublabelNameMapping):
    """A label's SublabelNameMapping plus its sublabels' (None: same names)."""

    sublabels: Mapping[str, SublabelNameMapping] | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class _AttributeTarget:
    id: int
    valid: Callable[[str], bool]


@attrs.frozen
class _SublabelTarget:
    id: int
    attributes: Mapping[int, _AttributeTarget | None]


@attrs.frozen
class _LabelTarget(_SublabelTarget):
    sublabels: Mapping[int, _SublabelTarget | None]
    expected_elements: int
    expected_type: str


def _type_of(label: Any) -> str:
    return str(label.get("type", "any"))


def _compatible(output_type: str, task_type: str) -> bool:
    return task_type in ("any", output_type)


# The official SDK checks label and shape types against the task's labels since CVAT 2.27; the sets
# for older CVAT send what the function gives, as it did there.
_TYPES_CHECKED = official_since("2.27")


class AnnotationMapper:
    """Checks a detection function's spec against a task's labels, then its output shapes."""

    def __init__(
        self,
        logger: logging.Logger,
        function_labels: Sequence[models.PatchedLabelRequest],
        task_labels: Sequence[models.Label],
        *,
        allow_unmatched_labels: bool,
        conv_mask_to_poly: bool,
        label_mapping: Mapping[str, LabelNameMapping] | None = None,
    ) -> None:
        """`label_mapping`: function label name -> where it goes (None: the same names; a mapping:
        only the labels in it)."""
        validate_function_labels(function_labels)  # specs made without the check (sets before 2.27)
        self._logger = logger
        self._allow_unmatched = allow_unmatched_labels
        self._conv_mask_to_poly = conv_mask_to_poly
        by_name = {label.name: label for label in task_labels}
        self._labels: dict[int, _LabelTarget | None] = {}
        for fun_label in function_labels:
            desc = f"label {fun_label.name!r}"
            if label_mapping is None:
                name_map: LabelNameMapping | None = LabelNameMapping(fun_label.name)
            else:
                name_map = label_mapping.get(fun_label.name)
            task_label = by_name.get(name_map.name) if name_map is not None else None
            if name_map is not None and task_label is None:
                self._unmatched(desc)
            self._labels[fun_label.id] = (
                self._label_target(fun_label, task_label, desc, name_map)
                if task_label is not None and name_map is not None
                else None
            )

    def _unmatched(self, desc: str) -> None:
        if not self._allow_unmatched:
            raise BadFunctionError(f"{desc} is not in dataset")
        self._logger.info("%s is not in dataset; any annotations using it will be ignored", desc)

    def _attributes(self, fun_owner: Any, task_owner: Any, owner_desc: str, name_map: SublabelNameMapping) -> dict[int, _AttributeTarget | None]:  # fmt: skip
        by_name = {a.name: a for a in (task_owner.get("attributes") or [])}
        result: dict[int, _AttributeTarget | None] = {}
        for fun_attr in fun_owner.get("attributes") or []:
            desc = f"attribute {fun_attr.name!r} of {owner_desc}"
            if name_map.attributes is None:
                task_name: str | None = fun_attr.name
            else:
                task_name = name_map.attributes.get(fun_attr.name)
            task_attr = by_name.get(task_name) if task_name is not None else None
            if task_name is not None and task_attr is None:
                self._unmatched(desc)
            result[fun_attr.id] = self._attribute_target(fun_attr, task_attr, desc) if task_attr is not None else None
        return result

    @staticmethod
    def _attribute_target(fun_attr: Any, task_attr: Any, desc: str) -> _AttributeTarget:
        fun_type, task_type = str(fun_attr.input_type), str(task_attr.input_type)
        if fun_type != task_type:
            raise BadFunctionError(
                f"{desc} has input type {fun_type!r} in the function, but {task_type!r} in the dataset"
            )
        fun_values, task_values = list(fun_attr.values), list(task_attr.values)
        if task_type in ("text", "checkbox"):
            same = True
        elif task_type in ("select", "radio"):
            same = sorted(fun_values) == sorted(task_values)
        else:
            same = fun_values == task_values
        if not same:
            raise BadFunctionError(
                f"{desc} has values {fun_values!r} in the function, but {task_values!r} in the dataset"
            )
        return _AttributeTarget(task_attr.id, attribute_value_validator(fun_attr))

    def _label_target(
        self, fun_label: Any, task_label: models.Label, desc: str, name_map: LabelNameMapping
    ) -> _LabelTarget:
        attributes = self._attributes(fun_label, task_label, desc, name_map)
        task_sublabels = {s.name: s for s in (task_label.get("sublabels") or [])}
        sublabels: dict[int, _SublabelTarget | None] = {}
        for fun_sl in fun_label.get("sublabels") or []:
            sl_desc = f"sublabel {fun_sl.name!r} of {desc}"
            if name_map.sublabels is None:
                sl_map: SublabelNameMapping | None = SublabelNameMapping(fun_sl.name)
            else:
                sl_map = name_map.sublabels.get(fun_sl.name)
            task_sl = task_sublabels.get(sl_map.name) if sl_map is not None else None
            if sl_map is not None and task_sl is None:
                self._unmatched(sl_desc)
            sublabels[fun_sl.id] = (
                _SublabelTarget(task_sl.id, self._attributes(fun_sl, task_sl, sl_desc, sl_map))
                if task_sl is not None and sl_map is not None
                else None
            )
        return _LabelTarget(
            id=task_label.id,
            attributes=attributes,
            sublabels=sublabels,
            expected_elements=len(task_sublabels),
            expected_type=self._expected_type(fun_label, task_label),
        )

    def _expected_type(self, fun_label: Any, task_label: models.Label) -> str:
        if not _TYPES_CHECKED:
            return "any"
        fun_type, task_type = _type_of(fun_label), _type_of(task_label)
        if fun_type == "any":
            return task_type
        if self._conv_mask_to_poly and fun_type == "mask":
            fun_type = "polygon"
        if not _compatible(fun_type, task_type):
            raise BadFunctionError(
                f"label {fun_label.name!r} has type {fun_type!r} in the function, but {task_type!r} in the dataset"
            )
        return fun_type

    # --- output -------------------------------------------------------------------------
    def validate_and_remap(self, annotations: list[Any], frame: int) -> None:
        """Check the shapes and tags `detect` returned for one frame and rewrite them in place for the
        task: task label and attribute ids, `frame`, source "auto"; those of unmatched labels are dropped."""
        kept = []
        for annotation in annotations:
            if isinstance(annotation, models.LabeledShapeRequest):
                keep = self._remap_shape(annotation, frame)
            elif isinstance(annotation, models.LabeledImageRequest):
                keep = self._remap_tag(annotation, frame)
            else:
                raise BadFunctionError(
                    f"function output an object of type {type(annotation).__name__!r} "
                    "(expected 'LabeledImageRequest' or 'LabeledShapeRequest')"
                )
            if keep:
                kept.append(annotation)
        annotations[:] = kept

    def _remap_tag(self, tag: models.LabeledImageRequest, frame: int) -> bool:
        target = self._claim_labeled(tag, frame, "tag")
        if target is None:
            return False
        if not _compatible("tag", target.expected_type):
            raise BadFunctionError(f"function output tag (expected shape of type {target.expected_type!r})")
        self._remap_attributes(tag, target, "tag")
        return True

    @staticmethod
    def _claim(annotation: Any, frame: int, what: str) -> None:
        """Check what every output annotation must be; put it on `frame` with source "auto"."""
        if hasattr(annotation, "id"):
            raise BadFunctionError(f"function output {what} with preset id")
        if hasattr(annotation, "source"):
            raise BadFunctionError(f"function output {what} with preset source")
        annotation.source = "auto"
        if annotation.frame != 0:
            raise BadFunctionError(f"function output {what} with unexpected frame number ({annotation.frame})")
        annotation.frame = frame

    def _claim_labeled(self, annotation: Any, frame: int, what: str) -> _LabelTarget | None:
        """`_claim`, then the task's label id: its label's target, or None when the label is not
        matched (the annotation is dropped)."""
        self._claim(annotation, frame, what)
        try:
            target = self._labels[annotation.label_id]
        except KeyError:
            raise BadFunctionError(f"function output {what} with unknown label ID ({annotation.label_id})") from None
        if target is not None:
            annotation.label_id = target.id
        return target

    def _remap_shape(self, shape: models.LabeledShapeRequest, frame: int) -> bool:
        target = self._claim_labeled(shape, frame, "shape")
        if target is None:
            return False
        kind = str(shape.type)
        if kind != "skeleton" and shape.get("elements"):
            raise BadFunctionError("function output non-skeleton shape with elements")
        if not _compatible(kind, target.expected_type):
            raise BadFunctionError(f"function output shape of type {kind!r} (expected {target.expected_type!r})")
        if kind == "mask" and self._conv_mask_to_poly:
            raise BadFunctionError("function output mask shape despite conv_mask_to_poly=True")
        self._remap_attributes(shape, target, "shape")
        if kind == "skeleton":
            self._remap_elements(shape, frame, target)
        return True

    @staticmethod
    def _remap_attributes(shape: Any, target: _SublabelTarget, what: str) -> None:
        values = shape.get("attributes")
        if not values:
            return
        seen: set[int] = set()
        kept = []
        for value in values:
            try:
                attr = target.attributes[value.spec_id]
            except KeyError:
                declares_none = "" if target.attributes else f"{what} with attributes for a label that declares none: "
                raise BadFunctionError(
                    f"function output {declares_none}attribute with unknown ID ({value.spec_id})"
                ) from None
            if attr is None:
                continue
            if attr.id in seen:
                raise BadFunctionError("function output shape with multiple attributes with same ID")
            if not attr.valid(value.value):
                raise BadFunctionError(
                    f"function output attribute value ({value.value!r}) that is unsuitable for its attribute ({value.spec_id})"
                )
            value.spec_id = attr.id
            seen.add(attr.id)
            kept.append(value)
        values[:] = kept

    def _remap_elements(self, shape: models.LabeledShapeRequest, frame: int, target: _LabelTarget) -> None:
        elements = shape.get("elements") or []
        seen: set[int] = set()
        kept = []
        for element in elements:
            self._claim(element, frame, "shape element")
            if str(element.type) != "points":
                raise BadFunctionError(
                    f"function output skeleton with element type other than 'points' ({element.type})"
                )
            try:
                sublabel = target.sublabels[element.label_id]
            except KeyError:
                raise BadFunctionError(f"function output shape with unknown sublabel ID ({element.label_id})") from None
            if sublabel is None:
                continue
            if sublabel.id in seen:
                raise BadFunctionError("function output skeleton with multiple elements with same sublabel")
            element.label_id = sublabel.id
            seen.add(sublabel.id)
            self._remap_attributes(element, sublabel, "shape element")
            kept.append(element)
        if len(kept) != target.expected_elements:
            raise BadFunctionError(
                f"function output skeleton with fewer elements than expected ({len(kept)} vs {target.expected_elements})"
            )
        shape.elements = kept
