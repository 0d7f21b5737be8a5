"""annotate_task against a real CVAT server (cassette replay unless live), with a small local function."""

from __future__ import annotations

import logging
from typing import Any

import cvat_sdk.auto_annotation as cvataa
import pytest
from cvat_sdk.auto_annotation import driver

from tests.ml.conftest import labels_by_name
from tests.ml.functions_for_tests import BoxPerFrame
from tests.sdk.conftest import RecordingProgress

pytestmark = pytest.mark.server


def summary(task: Any) -> list[tuple[int, str, str, list[float]]]:
    data = task.get_annotations()
    return sorted((s.frame, s.source, str(s.type), s.points) for s in data.shapes)


def test_annotate_task(client, images, make_task) -> None:
    task = make_task("aa", images[:3])
    labels = labels_by_name(task)
    task.update_annotations(
        {"shapes": [{"type": "rectangle", "frame": 0, "label_id": labels["person"].id, "points": [0, 0, 1, 1]}]},
        action="create",
    )
    function = BoxPerFrame()
    progress = RecordingProgress()
    cvataa.annotate_task(client, task.id, function, pbar=progress, allow_unmatched_labels=True, conf_threshold=0.5)

    assert function.contexts == [(f"img_{i}.png", 0.5, False) for i in range(3)]
    assert progress.starts == [{"total": 3, "unit": "samples"}] and progress.advanced == 3
    data = task.get_annotations()
    assert len(data.shapes) == 7  # the old rectangle + a car and a hand per frame (dogs dropped)
    cars = sorted((s for s in data.shapes if s.label_id == labels["car"].id), key=lambda s: s.frame)
    assert [(s.frame, s.source, s.points) for s in cars] == [(i, "auto", [1, 2, 63, 46]) for i in range(3)]
    attributes = {a.name: a.id for a in labels["car"].attributes}
    assert {(a.spec_id, a.value) for a in cars[0].attributes} == {
        (attributes["size"], "3"),
        (attributes["color"], "red"),
    }
    hands = [s for s in data.shapes if s.label_id == labels["hand"].id]
    sublabels = {s.name: s.id for s in labels["hand"].sublabels}
    assert len(hands) == 3
    assert sorted((e.label_id, e.points, e.occluded) for e in hands[0].elements) == sorted(
        [(sublabels["thumb"], [5, 5], False), (sublabels["finger"], [6, 7], True)]
    )

    cvataa.annotate_task(client, task.id, BoxPerFrame(size=4), clear_existing=True, allow_unmatched_labels=True)
    data = task.get_annotations()
    assert len(data.shapes) == 6 and all(s.source == "auto" for s in data.shapes)


def test_label_matching_errors_change_nothing(client, images, make_task) -> None:
    task = make_task("aa-errors", images[:1])
    with pytest.raises(cvataa.BadFunctionError, match="label 'dog' is not in dataset"):
        cvataa.annotate_task(client, task.id, BoxPerFrame())
    with pytest.raises(ValueError, match="conf_threshold must be None or a number between 0 and 1"):
        cvataa.annotate_task(client, task.id, BoxPerFrame(), conf_threshold=1.5)

    class BadSize(BoxPerFrame):
        def detect(self, context: Any, image: Any) -> list[Any]:
            return [cvataa.rectangle(10, [0, 0, 1, 1], attributes=[{"spec_id": 1, "value": "99"}])]

    with pytest.raises(cvataa.BadFunctionError, match="unsuitable for its attribute"):
        cvataa.annotate_task(client, task.id, BadSize(), allow_unmatched_labels=True)
    assert summary(task) == []


def test_batches_and_what_a_failure_keeps(client, images, make_task, monkeypatch, caplog) -> None:
    monkeypatch.setattr(driver, "BATCH_MAX_SHAPES", 4)  # a batch after every second frame
    monkeypatch.setattr(driver, "BATCH_MAX_SECONDS", float("inf"))
    task = make_task("aa-batches", images)
    sent: list[int] = []
    original = driver._Uploader._send

    def counting(self: Any, shapes: list[Any], last_frame: int | None, replace: bool) -> None:
        sent.append(len(shapes))
        original(self, shapes, last_frame, replace)

    monkeypatch.setattr(driver._Uploader, "_send", counting)
    cvataa.annotate_task(client, task.id, BoxPerFrame(), allow_unmatched_labels=True)
    assert sent == [4, 4, 2] and len(task.get_annotations().shapes) == 10

    sent.clear()
    with caplog.at_level(logging.WARNING), pytest.raises(RuntimeError, match="the model failed on img_3.png"):
        cvataa.annotate_task(
            client, task.id, BoxPerFrame(fail_on_frame="img_3.png"), clear_existing=True, allow_unmatched_labels=True
        )
    # frames 0-1 went up as a batch (replacing the old annotations), frame 2 when the function failed
    assert sent == [4, 2]
    assert [frame for frame, _, kind, _ in summary(task) if kind == "rectangle"] == [0, 1, 2]
    assert "the results for frames up to 2 are on the server" in caplog.text


def test_torchvision_detection_with_random_weights(client, images, make_task) -> None:
    torch = pytest.importorskip("torch", reason="needs torch and torchvision (cvat-sdk[pytorch])")
    from cvat_sdk.auto_annotation.functions import torchvision_detection

    torch.manual_seed(0)
    function = torchvision_detection.create(
        "fasterrcnn_mobilenet_v3_large_320_fpn", weights_name=None, box_score_thresh=0.0, box_detections_per_img=2
    )
    task = make_task("aa-torchvision", images[:2])
    # every detection has a score below 1: the output is empty, so the cassette is the same on any CPU
    cvataa.annotate_task(
        client, task.id, function, allow_unmatched_labels=True, conf_threshold=1.0, clear_existing=True
    )
    assert summary(task) == []


def test_functions_may_return_tags(client, images, make_task) -> None:
    task = make_task(
        "aa-tags", images[:2], labels=[{"name": "sunny", "type": "tag"}, {"name": "car", "type": "rectangle"}]
    )

    class TagAndBox:
        spec = cvataa.DetectionFunctionSpec(
            labels=[cvataa.label_spec("sunny", 0, type="tag"), cvataa.label_spec("car", 1, type="rectangle")]
        )

        def detect(self, context: Any, image: Any) -> list[Any]:
            return [cvataa.tag(0), cvataa.rectangle(1, [1, 2, 3, 4])]

    cvataa.annotate_task(client, task.id, TagAndBox(), clear_existing=True)
    annotations = task.get_annotations()
    by_id = {label.id: label.name for label in task.get_labels()}
    assert sorted((t.frame, by_id[t.label_id], t.source) for t in annotations.tags) == [
        (0, "sunny", "auto"),
        (1, "sunny", "auto"),
    ]
    assert sorted((s.frame, by_id[s.label_id]) for s in annotations.shapes) == [(0, "car"), (1, "car")]
