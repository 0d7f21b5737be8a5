"""Tracks as per-frame shapes, the way CVAT shows them.

Between two keyframes of a track, rectangles, ellipses, cuboids and shapes with the same number
of points on both keyframes move linearly (rotation the short way round); anything else (masks,
a change of type or point count) keeps the earlier keyframe until the next one. From an
`outside` keyframe on, the track has no shape until the next keyframe that is not outside.
After the last keyframe the shape stays until the task's last frame, as in the server's own
task-level dataset exports. Skeleton elements are tracked the same way, each on its own.

Each shape made from a track is a `LabeledShape` with `id` None, the track's label, group,
source and attributes (plus the keyframe's), and two extra keys: `shape["track_id"]` and
`shape["keyframe"]` (True on the track's own keyframes).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from cvat_api import models

_ALWAYS_LINEAR = frozenset({"rectangle", "ellipse", "cuboid"})
_NEVER_INTERPOLATED = frozenset({"mask", "skeleton"})


def _lerp_points(a: Sequence[float], b: Sequence[float], t: float) -> list[float]:
    return [x + (y - x) * t for x, y in zip(a, b, strict=True)]


def _lerp_angle(a: float, b: float, t: float) -> float:
    delta = (b - a + 180.0) % 360.0 - 180.0
    return (a + delta * t) % 360.0


def _interpolates(a: models.TrackedShape, b: models.TrackedShape) -> bool:
    kind = str(a.type)
    if kind != str(b.type) or kind in _NEVER_INTERPOLATED:
        return False
    return kind in _ALWAYS_LINEAR or len(a.points) == len(b.points)


def _states(
    shapes: Sequence[models.TrackedShape], last_frame: int
) -> Iterator[tuple[int, models.TrackedShape, list[float], float, bool]]:
    """(frame, keyframe, points, rotation, is_keyframe) for every frame where the track is visible."""
    keys = sorted(shapes, key=lambda s: s.frame)
    for i, key in enumerate(keys):
        end = keys[i + 1].frame if i + 1 < len(keys) else last_frame + 1
        if key.get("outside", False):
            continue
        nxt = keys[i + 1] if i + 1 < len(keys) else None
        linear = nxt is not None and _interpolates(key, nxt)
        rotation0 = float(key.get("rotation", 0.0) or 0.0)
        for frame in range(key.frame, min(end, last_frame + 1)):
            if frame == key.frame or not linear or nxt is None:
                yield frame, key, list(key.points), rotation0, frame == key.frame
                continue
            t = (frame - key.frame) / (nxt.frame - key.frame)
            rotation = _lerp_angle(rotation0, float(nxt.get("rotation", 0.0) or 0.0), t)
            yield frame, key, _lerp_points(key.points, nxt.points, t), rotation, False


def _shape_fields(owner: Any, key: Any, frame: int, rotation: float, points: list[float]) -> dict[str, Any]:
    """The fields of the shape that `owner` (a track or a track's element) has on `frame`, where
    `key` is its keyframe in effect there."""
    return {
        "type": key.type,
        "frame": frame,
        "label_id": owner.label_id,
        "occluded": bool(key.get("occluded", False)),
        "outside": False,
        "z_order": key.get("z_order", 0),
        "rotation": rotation,
        "points": points,
        "id": None,
        "group": owner.get("group"),
        "source": owner.get("source", "manual"),
        "attributes": _attributes(owner, key),
    }


def _attributes(track: Any, key: models.TrackedShape) -> list[models.AttributeVal]:
    merged = {a.spec_id: a for a in (track.get("attributes") or [])}
    merged.update({a.spec_id: a for a in (key.get("attributes") or [])})
    return list(merged.values())


def track_shapes(track: models.LabeledTrack, last_frame: int) -> Iterator[models.LabeledShape]:
    """The shapes a track shows on frames up to `last_frame` (inclusive), in frame order."""
    elements = [
        {frame: (key, points, rotation) for frame, key, points, rotation, _ in _states(element.shapes, last_frame)}
        for element in (track.get("elements") or [])
    ]
    element_tracks = list(track.get("elements") or [])
    for frame, key, points, rotation, is_key in _states(track.shapes, last_frame):
        extra: dict[str, Any] = {"track_id": track.get("id"), "keyframe": is_key}
        sub_shapes = []
        for element, states in zip(element_tracks, elements, strict=True):
            state = states.get(frame)
            if state is None:
                continue
            element_key, element_points, element_rotation = state
            sub_shapes.append(
                models.SubLabeledShape(**_shape_fields(element, element_key, frame, element_rotation, element_points))
            )
        shape = models.LabeledShape(**_shape_fields(track, key, frame, rotation, points), **extra)
        if element_tracks:
            shape.elements = sub_shapes
        yield shape
