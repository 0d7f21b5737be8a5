"""Tracks as per-frame shapes (cvat_sdk.datasets.tracks; no server)."""

from __future__ import annotations

from typing import Any

import pytest
from cvat_sdk import models
from cvat_sdk.datasets.tracks import track_shapes


def track(shapes: list[dict[str, Any]], **extra: Any) -> models.LabeledTrack:
    keyframes = [
        {"occluded": False, "outside": False, "z_order": 0, "rotation": 0.0, "attributes": [], **s} for s in shapes
    ]
    return models.LabeledTrack.from_dict(
        {
            "id": 7,
            "frame": keyframes[0]["frame"],
            "label_id": 1,
            "group": 0,
            "source": "manual",
            "attributes": [],
            "shapes": keyframes,
            **extra,
        }
    )


def test_rectangles_move_linearly_and_stop_at_outside() -> None:
    t = track(
        [
            {"type": "rectangle", "frame": 2, "points": [0, 0, 10, 10]},
            {"type": "rectangle", "frame": 6, "points": [4, 8, 14, 18], "rotation": 350.0},
            {"type": "rectangle", "frame": 8, "points": [4, 8, 14, 18], "outside": True},
        ]
    )
    shapes = list(track_shapes(t, 20))
    assert [s.frame for s in shapes] == [2, 3, 4, 5, 6, 7]
    assert shapes[2].points == [2, 4, 12, 14]
    assert shapes[2].rotation == pytest.approx(355.0)  # the short way round from 0 to 350
    assert [s["keyframe"] for s in shapes] == [True, False, False, False, True, False]
    assert all(s["track_id"] == 7 and s.id is None and s.label_id == 1 and not s.outside for s in shapes)


def test_shape_stays_after_the_last_keyframe_until_the_task_ends() -> None:
    shapes = list(track_shapes(track([{"type": "points", "frame": 1, "points": [1, 1]}]), 3))
    assert [(s.frame, s.points) for s in shapes] == [(1, [1, 1]), (2, [1, 1]), (3, [1, 1])]


def test_polygons_with_other_point_counts_and_masks_hold_the_keyframe() -> None:
    poly = track(
        [
            {"type": "polygon", "frame": 0, "points": [0, 0, 4, 0, 0, 4]},
            {"type": "polygon", "frame": 2, "points": [0, 0, 4, 0, 4, 4, 0, 4]},
        ]
    )
    assert [s.points for s in track_shapes(poly, 2)] == [
        [0, 0, 4, 0, 0, 4],
        [0, 0, 4, 0, 0, 4],
        [0, 0, 4, 0, 4, 4, 0, 4],
    ]
    same = track(
        [
            {"type": "polyline", "frame": 0, "points": [0, 0, 2, 2]},
            {"type": "polyline", "frame": 2, "points": [2, 2, 4, 4]},
        ]
    )
    assert [s.points for s in track_shapes(same, 1)] == [[0, 0, 2, 2], [1, 1, 3, 3]]
    mask = track(
        [
            {"type": "mask", "frame": 0, "points": [1, 0, 0, 0, 0]},
            {"type": "mask", "frame": 2, "points": [0, 1, 0, 0, 0, 0]},
        ]
    )
    assert [s.points for s in track_shapes(mask, 2)] == [[1, 0, 0, 0, 0], [1, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]]


def test_attributes_merge_track_and_keyframe_values() -> None:
    t = track(
        [
            {"type": "rectangle", "frame": 0, "points": [0, 0, 1, 1], "attributes": [{"spec_id": 2, "value": "a"}]},
            {"type": "rectangle", "frame": 2, "points": [0, 0, 1, 1], "attributes": [{"spec_id": 2, "value": "b"}]},
        ],
        attributes=[{"spec_id": 1, "value": "fixed"}],
    )
    values = [{a.spec_id: a.value for a in s.attributes} for s in track_shapes(t, 2)]
    assert values == [{1: "fixed", 2: "a"}, {1: "fixed", 2: "a"}, {1: "fixed", 2: "b"}]


def test_skeleton_elements_are_tracked_each_on_its_own() -> None:
    element = {"occluded": False, "outside": False, "z_order": 0, "rotation": 0.0, "attributes": [], "type": "points"}
    t = track(
        [{"type": "skeleton", "frame": 0, "points": []}, {"type": "skeleton", "frame": 3, "points": [], "outside": True}],
        elements=[
            {"frame": 0, "label_id": 11, "group": 0, "source": "manual", "attributes": [],
             "shapes": [{**element, "frame": 0, "points": [0, 0]}, {**element, "frame": 2, "points": [2, 4]}]},
            {"frame": 0, "label_id": 12, "group": 0, "source": "manual", "attributes": [],
             "shapes": [{**element, "frame": 0, "points": [5, 5]}, {**element, "frame": 1, "points": [5, 5], "outside": True}]},
        ],
    )  # fmt: skip
    shapes = list(track_shapes(t, 9))
    assert [s.frame for s in shapes] == [0, 1, 2]
    assert [[(e.label_id, e.points) for e in s.elements] for s in shapes] == [
        [(11, [0, 0]), (12, [5, 5])],
        [(11, [1, 2])],
        [(11, [2, 4])],
    ]
