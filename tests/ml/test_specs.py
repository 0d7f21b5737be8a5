"""Auto-annotation specs, helpers and the label mapper (no server)."""

from __future__ import annotations

import logging
from typing import Any

import cvat_sdk.auto_annotation as cvataa
import pytest
from cvat_sdk import models
from cvat_sdk.attributes import number_attribute_values
from cvat_sdk.auto_annotation.mapping import AnnotationMapper, LabelNameMapping, SublabelNameMapping
from cvat_sdk.core.exceptions import CvatSdkException
from cvat_sdk.core.releases import official_since
from cvat_sdk.exceptions import ApiValueError

LOG = logging.getLogger("test")


def task_labels() -> list[models.Label]:
    raw: list[dict[str, Any]] = [
        {
            "id": 101,
            "name": "car",
            "type": "any",
            "attributes": [
                {"id": 11, "name": "size", "mutable": False, "input_type": "number", "values": ["0", "10", "1"]},
                {"id": 12, "name": "color", "mutable": True, "input_type": "select", "values": ["red", "blue"]},
            ],
            "sublabels": [],
        },
        {"id": 102, "name": "person", "type": "rectangle", "attributes": [], "sublabels": []},
        {
            "id": 103,
            "name": "hand",
            "type": "skeleton",
            "attributes": [],
            "sublabels": [
                {"id": 104, "name": "thumb", "type": "points", "attributes": []},
                {"id": 105, "name": "finger", "type": "points", "attributes": []},
            ],
        },
    ]
    return [models.Label.from_dict(x) for x in raw]


def hand_spec(label_id: int = 2) -> models.PatchedLabelRequest:
    return cvataa.skeleton_label_spec(
        "hand", label_id, [cvataa.keypoint_spec("thumb", 0), cvataa.keypoint_spec("finger", 1)]
    )


def full_spec() -> cvataa.DetectionFunctionSpec:
    return cvataa.DetectionFunctionSpec(
        labels=[
            cvataa.label_spec(
                "car",
                0,
                attributes=[
                    cvataa.number_attribute_spec("size", 0, number_attribute_values(0, 10)),
                    cvataa.select_attribute_spec("color", 1, ["blue", "red"]),
                ],
            ),
            cvataa.label_spec("person", 1),
            hand_spec(),
        ]
    )


def mapper(spec: cvataa.DetectionFunctionSpec, **kwargs: Any) -> AnnotationMapper:
    options = {"allow_unmatched_labels": False, "conv_mask_to_poly": False, **kwargs}
    return AnnotationMapper(LOG, spec.labels, task_labels(), **options)


# --- helpers and specs ------------------------------------------------------------------------


def test_helpers_build_the_request_models() -> None:
    label = cvataa.label_spec("car", 3, color="#ff0000")
    assert isinstance(label, models.PatchedLabelRequest) and label.to_dict() == {
        "id": 3,
        "name": "car",
        "color": "#ff0000",
    }
    assert hand_spec().to_dict()["type"] == "skeleton"
    assert cvataa.keypoint_spec("k", 0).to_dict() == {"name": "k", "id": 0, "type": "points"}
    assert cvataa.checkbox_attribute_spec("c", 1).to_dict() == {
        "name": "c", "mutable": False, "input_type": "checkbox", "values": [], "id": 1
    }  # fmt: skip
    assert cvataa.text_attribute_spec("t", 2).input_type == "text"
    assert cvataa.radio_attribute_spec("r", 3, ["a"]).values == ["a"]
    rect = cvataa.rectangle(5, [1, 2, 3, 4], occluded=True)
    assert isinstance(rect, models.LabeledShapeRequest)
    assert rect.to_dict() == {"type": "rectangle", "frame": 0, "label_id": 5, "occluded": True, "points": [1, 2, 3, 4]}
    assert cvataa.polygon(1, [0, 0, 1, 1, 2, 0]).type == "polygon"
    assert cvataa.mask(1, [1, 0, 0, 0, 0]).type == "mask"
    kp = cvataa.keypoint(0, [1, 2])
    assert isinstance(kp, models.SubLabeledShapeRequest) and kp.type == "points" and kp.frame == 0
    assert cvataa.skeleton(2, [kp]).elements == [kp]
    assert cvataa.shape(1, type="ellipse", points=[0, 0, 1, 1]).type == "ellipse"


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([models.PatchedLabelRequest(name="a")], "label 'a' has no ID"),
        ([cvataa.label_spec("a", 1), cvataa.label_spec("b", 1)], "label b has same ID as another label \\(1\\)"),
        (
            [cvataa.label_spec("a", 1, sublabels=[cvataa.keypoint_spec("k", 0)])],
            "label 'a' with sublabels has type 'any' \\(should be 'skeleton'\\)",
        ),
        (
            [cvataa.skeleton_label_spec("a", 1, [models.SublabelRequest(name="k", type="points")])],
            "sublabel 'k' of label 'a' has no ID",
        ),
        (
            [cvataa.skeleton_label_spec("a", 1, [cvataa.keypoint_spec("k", 0), cvataa.keypoint_spec("j", 0)])],
            "sublabel 'j' of label 'a' has same ID as another sublabel \\(0\\)",
        ),
        (
            [cvataa.skeleton_label_spec("a", 1, [models.SublabelRequest(name="k", id=0, type="rectangle")])],
            "sublabel 'k' of label 'a' has type 'rectangle' \\(should be 'points'\\)",
        ),
        (
            [
                cvataa.label_spec(
                    "a", 1, attributes=[models.AttributeRequest(name="x", mutable=False, input_type="text", values=[])]
                )
            ],
            "attribute 'x' of label 'a' has no ID",
        ),
        (
            [
                cvataa.label_spec(
                    "a", 1, attributes=[cvataa.text_attribute_spec("x", 0), cvataa.text_attribute_spec("y", 0)]
                )
            ],
            "attribute 'y' of label 'a' has same ID as another attribute \\(0\\)",
        ),
        (
            [cvataa.label_spec("a", 1, attributes=[cvataa.number_attribute_spec("n", 0, ["1", "2"])])],
            "attribute 'n' of label 'a' has invalid values: wrong number of values",
        ),
        (
            [
                cvataa.skeleton_label_spec(
                    "a", 1, [cvataa.keypoint_spec("k", 0, attributes=[cvataa.select_attribute_spec("s", 0, [])])]
                )
            ],
            "attribute 's' of sublabel 'k' of label 'a' has invalid values: empty list",
        ),
    ],
)
def test_detection_spec_validation(labels: list[Any], message: str) -> None:
    if official_since("2.27"):  # checked when the spec is made, as the official SDK does since 2.27
        with pytest.raises(cvataa.BadFunctionError, match=message):
            cvataa.DetectionFunctionSpec(labels=labels)
        return
    # the sets for older CVAT check it when the function runs, as the official SDK did then
    spec = cvataa.DetectionFunctionSpec(labels=labels)
    with pytest.raises(cvataa.BadFunctionError, match=message):
        AnnotationMapper(LOG, spec.labels, task_labels(), allow_unmatched_labels=True, conv_mask_to_poly=False)


def test_a_spec_made_without_the_check_is_checked_when_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both timings in any build: the constructor skips the check where the set's release did."""
    from cvat_sdk.auto_annotation import interface

    bad = [models.PatchedLabelRequest(name="a")]
    monkeypatch.setattr(interface, "_CHECKED_WHEN_MADE", False)
    spec = cvataa.DetectionFunctionSpec(labels=bad)
    with pytest.raises(cvataa.BadFunctionError, match="label 'a' has no ID"):
        AnnotationMapper(LOG, spec.labels, task_labels(), allow_unmatched_labels=True, conv_mask_to_poly=False)
    monkeypatch.setattr(interface, "_CHECKED_WHEN_MADE", True)
    with pytest.raises(cvataa.BadFunctionError, match="label 'a' has no ID"):
        cvataa.DetectionFunctionSpec(labels=bad)


def test_types_are_not_checked_in_the_sets_before_2_27(monkeypatch: pytest.MonkeyPatch) -> None:
    """The official SDK before 2.27 sent what the function gave, whatever the task's label types."""
    from cvat_sdk.auto_annotation import mapping

    spec = cvataa.DetectionFunctionSpec(labels=[cvataa.label_spec("person", 1, type="polygon")])
    with pytest.raises(cvataa.BadFunctionError, match="type 'polygon' in the function, but 'rectangle'"):
        mapper(spec)
    monkeypatch.setattr(mapping, "_TYPES_CHECKED", False)
    shapes = [cvataa.polygon(1, [0, 0, 1, 0, 1, 1])]
    mapper(spec).validate_and_remap(shapes, 3)
    assert [(s.label_id, str(s.type), s.frame) for s in shapes] == [(102, "polygon", 3)]
    # what is wrong whatever the task has is still an error
    with pytest.raises(cvataa.BadFunctionError, match="non-skeleton shape with elements"):
        mapper(spec).validate_and_remap([cvataa.polygon(1, [0, 0, 1, 0], elements=[cvataa.keypoint(0, [0, 0])])], 0)


def test_attributes_of_a_label_that_declares_none() -> None:
    shapes = [cvataa.rectangle(1, [0, 0, 1, 1], attributes=[{"spec_id": 1, "value": "x"}])]
    with pytest.raises(
        cvataa.BadFunctionError,
        match=r"shape with attributes for a label that declares none: attribute with unknown ID \(1\)",
    ):
        mapper(full_spec()).validate_and_remap(shapes, 0)


def test_bad_function_error_is_an_sdk_exception() -> None:
    assert issubclass(cvataa.BadFunctionError, CvatSdkException)


def test_tracking_spec_and_trackable_shape() -> None:
    spec = cvataa.TrackingFunctionSpec(supported_shape_types=["rectangle", "polygon", "rectangle"])
    assert spec.supported_shape_types == frozenset({"rectangle", "polygon"})
    with pytest.raises(ApiValueError):
        cvataa.TrackingFunctionSpec(supported_shape_types={"hexagon"})
    shape = cvataa.TrackableShape(type="rectangle", points=(1, 2, 3, 4))
    assert shape.points == [1, 2, 3, 4]


# --- the mapper -------------------------------------------------------------------------------


def test_output_is_remapped_to_the_task() -> None:
    m = mapper(full_spec())
    shapes = [
        cvataa.rectangle(0, [1, 2, 3, 4], attributes=[{"spec_id": 0, "value": "3"}, {"spec_id": 1, "value": "red"}]),
        cvataa.rectangle(1, [0, 0, 1, 1]),
        cvataa.skeleton(2, [cvataa.keypoint(1, [1, 1]), cvataa.keypoint(0, [2, 2])]),
    ]
    m.validate_and_remap(shapes, 7)
    assert [(s.label_id, s.frame, s.source) for s in shapes] == [(101, 7, "auto"), (102, 7, "auto"), (103, 7, "auto")]
    assert [(a.spec_id, a.value) for a in shapes[0].attributes] == [(11, "3"), (12, "red")]
    assert [(e.label_id, e.frame, e.source) for e in shapes[2].elements] == [(105, 7, "auto"), (104, 7, "auto")]


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        (cvataa.rectangle(0, [0, 0, 1, 1], id=5), "function output shape with preset id"),
        (cvataa.rectangle(0, [0, 0, 1, 1], source="manual"), "function output shape with preset source"),
        (models.LabeledShapeRequest(type="rectangle", frame=3, label_id=0), "unexpected frame number \\(3\\)"),
        (cvataa.rectangle(9, [0, 0, 1, 1]), "function output shape with unknown label ID \\(9\\)"),
        (cvataa.polygon(1, [0, 0, 1, 1, 2, 2]), "function output shape of type 'polygon' \\(expected 'rectangle'\\)"),
        (
            cvataa.rectangle(0, [0, 0, 1, 1], attributes=[{"spec_id": 5, "value": "1"}]),
            "attribute with unknown ID \\(5\\)",
        ),
        (
            cvataa.rectangle(0, [0, 0, 1, 1], attributes=[{"spec_id": 0, "value": "1"}, {"spec_id": 0, "value": "2"}]),
            "multiple attributes with same ID",
        ),
        (
            cvataa.rectangle(0, [0, 0, 1, 1], attributes=[{"spec_id": 0, "value": "11"}]),
            "unsuitable for its attribute \\(0\\)",
        ),
        (cvataa.rectangle(0, [0, 0, 1, 1], elements=[cvataa.keypoint(0, [0, 0])]), "non-skeleton shape with elements"),
        (cvataa.skeleton(2, [cvataa.keypoint(0, [0, 0])]), "fewer elements than expected \\(1 vs 2\\)"),
        (
            cvataa.skeleton(2, [cvataa.keypoint(0, [0, 0]), cvataa.keypoint(0, [1, 1])]),
            "multiple elements with same sublabel",
        ),
        (cvataa.skeleton(2, [cvataa.keypoint(7, [0, 0])]), "unknown sublabel ID \\(7\\)"),
        (cvataa.skeleton(2, [cvataa.keypoint(0, [0, 0], id=1)]), "shape element with preset id"),
        (
            cvataa.skeleton(2, [models.SubLabeledShapeRequest(type="rectangle", frame=0, label_id=0)]),
            "element type other than 'points' \\(rectangle\\)",
        ),
    ],
)
def test_bad_output(shape: models.LabeledShapeRequest, message: str) -> None:
    with pytest.raises(cvataa.BadFunctionError, match=message):
        mapper(full_spec()).validate_and_remap([shape], 0)


def test_masks_with_conv_mask_to_poly() -> None:
    spec = cvataa.DetectionFunctionSpec(labels=[cvataa.label_spec("car", 0, type="mask")])
    m = mapper(spec, conv_mask_to_poly=True)  # a mask label counts as polygon
    with pytest.raises(cvataa.BadFunctionError, match="type 'mask' \\(expected 'polygon'\\)"):
        m.validate_and_remap([cvataa.mask(0, [1, 0, 0, 0, 0])], 0)
    any_spec = cvataa.DetectionFunctionSpec(labels=[cvataa.label_spec("car", 0)])
    with pytest.raises(cvataa.BadFunctionError, match="mask shape despite conv_mask_to_poly=True"):
        mapper(any_spec, conv_mask_to_poly=True).validate_and_remap([cvataa.mask(0, [1, 0, 0, 0, 0])], 0)


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([cvataa.label_spec("dog", 0)], "label 'dog' is not in dataset"),
        (
            [cvataa.label_spec("person", 0, type="polygon")],
            "label 'person' has type 'polygon' in the function, but 'rectangle'",
        ),
        ([cvataa.label_spec("person", 0, type="mask")], "has type 'mask' in the function"),
        (
            [cvataa.label_spec("car", 0, attributes=[cvataa.text_attribute_spec("wheels", 0)])],
            "attribute 'wheels' of label 'car' is not in dataset",
        ),
        (
            [cvataa.label_spec("car", 0, attributes=[cvataa.text_attribute_spec("size", 0)])],
            "has input type 'text' in the function, but 'number'",
        ),
        (
            [cvataa.label_spec("car", 0, attributes=[cvataa.number_attribute_spec("size", 0, ["0", "10", "2"])])],
            "has values \\['0', '10', '2'\\] in the function, but \\['0', '10', '1'\\]",
        ),
        (
            [cvataa.label_spec("car", 0, attributes=[cvataa.select_attribute_spec("color", 0, ["red"])])],
            "attribute 'color' of label 'car' has values",
        ),
        (
            [cvataa.skeleton_label_spec("hand", 0, [cvataa.keypoint_spec("palm", 0)])],
            "sublabel 'palm' of label 'hand' is not in dataset",
        ),
    ],
)
def test_spec_against_task_labels(labels: list[Any], message: str) -> None:
    with pytest.raises(cvataa.BadFunctionError, match=message):
        mapper(cvataa.DetectionFunctionSpec(labels=labels))


def test_unmatched_labels_are_dropped_when_allowed(caplog: pytest.LogCaptureFixture) -> None:
    spec = cvataa.DetectionFunctionSpec(
        labels=[
            cvataa.label_spec("dog", 0),
            cvataa.label_spec("car", 1, attributes=[cvataa.text_attribute_spec("wheels", 0)]),
            cvataa.skeleton_label_spec(
                "hand",
                2,
                [cvataa.keypoint_spec("thumb", 0), cvataa.keypoint_spec("finger", 1), cvataa.keypoint_spec("palm", 2)],
            ),
        ]
    )
    with caplog.at_level(logging.INFO, logger="test"):
        m = mapper(spec, allow_unmatched_labels=True)
    assert "label 'dog' is not in dataset; any annotations using it will be ignored" in caplog.text
    shapes = [
        cvataa.rectangle(0, [0, 0, 1, 1]),
        cvataa.rectangle(1, [0, 0, 1, 1], attributes=[{"spec_id": 0, "value": "4"}]),
        cvataa.skeleton(2, [cvataa.keypoint(i, [i, i]) for i in range(3)]),
    ]
    m.validate_and_remap(shapes, 1)
    assert [s.label_id for s in shapes] == [101, 103]
    assert shapes[0].attributes == []
    assert [e.label_id for e in shapes[1].elements] == [104, 105]


def test_select_values_match_in_any_order_and_text_values_are_not_compared() -> None:
    spec = cvataa.DetectionFunctionSpec(
        labels=[cvataa.label_spec("car", 0, attributes=[cvataa.select_attribute_spec("color", 0, ["blue", "red"])])]
    )
    mapper(spec)  # no error


def test_name_mapping() -> None:
    spec = cvataa.DetectionFunctionSpec(
        labels=[
            cvataa.label_spec("auto", 0, attributes=[cvataa.text_attribute_spec("tint", 0)]),
            cvataa.label_spec("ignored", 1),
            cvataa.skeleton_label_spec("palm", 2, [cvataa.keypoint_spec("a", 0), cvataa.keypoint_spec("b", 1)]),
        ]
    )
    m = AnnotationMapper(
        LOG,
        spec.labels,
        task_labels(),
        allow_unmatched_labels=False,
        conv_mask_to_poly=False,
        label_mapping={
            "auto": LabelNameMapping("car", attributes={}),
            "palm": LabelNameMapping(
                "hand", sublabels={"a": SublabelNameMapping("thumb"), "b": SublabelNameMapping("finger")}
            ),
        },
    )
    shapes = [
        cvataa.rectangle(0, [0, 0, 1, 1], attributes=[{"spec_id": 0, "value": "x"}]),
        cvataa.rectangle(1, [0, 0, 1, 1]),
        cvataa.skeleton(2, [cvataa.keypoint(0, [0, 0]), cvataa.keypoint(1, [1, 1])]),
    ]
    m.validate_and_remap(shapes, 0)
    assert [s.label_id for s in shapes] == [101, 103]
    assert shapes[0].attributes == []
    assert [e.label_id for e in shapes[1].elements] == [104, 105]


# --- tags ------------------------------------------------------------------------------------------
def test_tags_are_remapped_like_shapes() -> None:
    m = mapper(full_spec())
    out = [
        cvataa.tag(0, attributes=[models.AttributeValRequest(spec_id=1, value="red")]),
        cvataa.rectangle(0, [1, 2, 3, 4]),
    ]
    m.validate_and_remap(out, 7)
    tag, rect = out
    assert isinstance(tag, models.LabeledImageRequest)
    assert (tag.label_id, tag.frame, tag.source, tag.attributes[0].spec_id) == (101, 7, "auto", 12)
    assert (rect.label_id, rect.frame) == (101, 7)


def test_a_tag_for_a_shape_label_and_other_objects_are_errors() -> None:
    with pytest.raises(cvataa.BadFunctionError, match=r"tag \(expected shape of type 'rectangle'\)"):
        mapper(full_spec()).validate_and_remap([cvataa.tag(1)], 0)
    with pytest.raises(cvataa.BadFunctionError, match="an object of type 'ellipsis'"):
        mapper(full_spec()).validate_and_remap([...], 0)
