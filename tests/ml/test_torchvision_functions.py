"""The built-in torchvision functions, with random weights (nothing downloaded; no server)."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the torchvision functions need torch and torchvision (cvat-sdk[pytorch])")
pytest.importorskip("torchvision", reason="the torchvision functions need torch and torchvision (cvat-sdk[pytorch])")

import cvat_sdk.auto_annotation as cvataa  # noqa: E402
from cvat_sdk import models  # noqa: E402
from cvat_sdk.auto_annotation.driver import _Context  # noqa: E402
from cvat_sdk.auto_annotation.functions import (  # noqa: E402
    torchvision_classification,
    torchvision_detection,
    torchvision_instance_segmentation,
    torchvision_keypoint_detection,
)
from cvat_sdk.auto_annotation.mapping import AnnotationMapper  # noqa: E402
from cvat_sdk.masks import decode_mask  # noqa: E402
from PIL import Image  # noqa: E402

from tests.sdk.fixtures import IMAGES  # noqa: E402

SMALL = {"min_size": 64, "max_size": 64, "box_score_thresh": 0.0, "box_detections_per_img": 3}


def image() -> Image.Image:
    return Image.open(IMAGES / "img_1.png")


def task_labels_for(spec: cvataa.DetectionFunctionSpec, label_type: str = "any") -> list[models.Label]:
    """A task with every label of the spec (ids 1000+), as the server would describe it."""
    labels = []
    for n, label in enumerate(spec.labels):
        sublabels = [
            {"id": 2000 + 100 * n + k, "name": s.name, "type": "points", "attributes": []}
            for k, s in enumerate(label.get("sublabels") or [])
        ]
        kind = "skeleton" if sublabels else label_type
        labels.append(
            models.Label.from_dict(
                {"id": 1000 + n, "name": label.name, "type": kind, "attributes": [], "sublabels": sublabels}
            )
        )
    return labels


def run(function: Any, *, conv: bool = False, threshold: float | None = None, label_type: str = "any") -> list[Any]:
    torch.manual_seed(0)
    shapes = function.detect(_Context("img_1.png", threshold, conv), image())
    mapper = AnnotationMapper(
        logging.getLogger("test"), function.spec.labels, task_labels_for(function.spec, label_type),
        allow_unmatched_labels=False, conv_mask_to_poly=conv,
    )  # fmt: skip
    mapper.validate_and_remap(shapes, 1)  # what annotate_task checks
    return shapes


def test_detection() -> None:
    torch.manual_seed(0)
    function = torchvision_detection.create("fasterrcnn_mobilenet_v3_large_320_fpn", weights_name=None, **SMALL)
    names = [label.name for label in function.spec.labels]
    assert len(names) == 81 and names[:3] == ["__background__", "person", "bicycle"] and "N/A" not in names
    assert {str(label.type) for label in function.spec.labels} == {"rectangle"}
    shapes = run(function, label_type="rectangle")
    assert 0 < len(shapes) <= 3
    for shape in shapes:
        x1, y1, x2, y2 = shape.points
        assert str(shape.type) == "rectangle" and 0 <= x1 <= x2 <= 64 and 0 <= y1 <= y2 <= 48
    assert run(function, threshold=1.0) == []


def test_unknown_weights() -> None:
    with pytest.raises(ValueError, match="has no weights 'NOPE'"):
        torchvision_detection.create("fasterrcnn_mobilenet_v3_large_320_fpn", weights_name="NOPE")


@pytest.fixture(scope="module")
def segmentation() -> Any:
    torch.manual_seed(0)
    return torchvision_instance_segmentation.create("maskrcnn_resnet50_fpn", weights_name=None, **SMALL)


def test_instance_segmentation_masks(segmentation: Any) -> None:
    assert {str(label.type) for label in segmentation.spec.labels} == {"mask"}
    shapes = run(segmentation, label_type="mask")
    assert shapes and all(str(s.type) == "mask" for s in shapes)
    for shape in shapes:
        mask = decode_mask(shape.points, image_width=64, image_height=48)
        assert mask.shape == (48, 64)


def test_instance_segmentation_polygons(segmentation: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("skimage", reason="conv_mask_to_poly needs scikit-image")
    # a known mask, so that contours are certain: a filled square with a square hole
    probabilities = torch.zeros((1, 1, 48, 64))
    probabilities[0, 0, 10:40, 10:50] = 0.9
    probabilities[0, 0, 20:30, 20:30] = 0.1
    fixed = [{"boxes": torch.tensor([[10.0, 10.0, 50.0, 40.0]]), "labels": torch.tensor([1]),
              "scores": torch.tensor([0.9]), "masks": probabilities}]  # fmt: skip
    monkeypatch.setattr(segmentation, "_infer", lambda image: fixed)
    polygons = run(segmentation, conv=True, label_type="polygon")
    assert len(polygons) == 1 and str(polygons[0].type) == "polygon"  # the hole's outline is left out
    xs, ys = polygons[0].points[0::2], polygons[0].points[1::2]
    assert (min(xs), max(xs), min(ys), max(ys)) == pytest.approx((9.5, 49.5, 9.5, 39.5), abs=0.6)
    masks = run(segmentation, conv=False)
    mask = decode_mask(masks[0].points, image_width=64, image_height=48)
    assert mask.sum() == 30 * 40 - 10 * 10 and not mask[25, 25] and mask[15, 15]
    assert np.array_equal(mask, probabilities[0, 0].numpy() >= 0.5)


def test_keypoint_detection() -> None:
    torch.manual_seed(0)
    function = torchvision_keypoint_detection.create("keypointrcnn_resnet50_fpn", weights_name=None, **SMALL)
    assert [label.name for label in function.spec.labels] == ["no person", "person"]
    assert [s.name for s in function.spec.labels[1].sublabels][:3] == ["nose", "left_eye", "right_eye"]
    shapes = run(function)
    assert shapes
    for shape in shapes:
        assert str(shape.type) == "skeleton" and len(shape.elements) == 17
        assert all(len(e.points) == 2 and isinstance(e.occluded, bool) for e in shape.elements)


def test_classification_tags_the_frame_with_the_likeliest_class() -> None:
    function = torchvision_classification.create("resnet18", weights_name=None)
    assert all(str(label.type) == "tag" for label in function.spec.labels)
    (tag,) = run(function, label_type="tag")
    assert isinstance(tag, models.LabeledImageRequest) and tag.frame == 1 and tag.source == "auto"
    assert 1000 <= tag.label_id < 1000 + len(function.spec.labels)
    assert run(function, threshold=1.01, label_type="tag") == []  # no class is that sure


def test_a_model_output_without_scores() -> None:
    """Kept whole without a threshold (as the official functions did before 2.23), refused with one."""
    function = torchvision_detection.create("fasterrcnn_mobilenet_v3_large_320_fpn", None, **SMALL)
    function._model = lambda images: [{"boxes": torch.tensor([[1.0, 2.0, 3.0, 4.0]]), "labels": torch.tensor([3])}]
    shapes = function.detect(_Context("img_1.png", None, False), image())
    assert [(s.label_id, s.points) for s in shapes] == [(3, [1.0, 2.0, 3.0, 4.0])]
    with pytest.raises(cvataa.BadFunctionError, match="no scores, so conf_threshold cannot be applied"):
        function.detect(_Context("img_1.png", 0.5, False), image())
