"""Deterministic test payloads shaped like CVAT API responses (standard library only)."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

# Point counts per shape type (x, y pairs flattened); polygons and polylines vary.
_FIXED_POINTS = {"rectangle": 4, "ellipse": 4}
_TYPES = ("rectangle", "rectangle", "polygon", "polygon", "polyline", "points", "ellipse")
_VALUES = ("car", "person", "true", "false", "0", "17", "red", "partially visible")


def labeled_data(n_shapes: int = 10_000, seed: int = 42) -> dict[str, Any]:
    """A `LabeledData` document (GET /api/tasks/{id}/annotations) with `n_shapes` `LabeledShape`s.

    Every field of the 2.42 schema is present, with values in range (rotation < 360, ids >= 0);
    4-16 float coordinates per shape, 2-3 `AttributeVal`s, no elements, some null groups.
    """
    rng = random.Random(seed)
    shapes = []
    for i in range(n_shapes):
        kind = rng.choice(_TYPES)
        n_points = _FIXED_POINTS.get(kind) or 2 * rng.randint(2, 8)
        rotated = kind in _FIXED_POINTS and rng.random() < 0.2
        shapes.append(
            {
                "type": kind,
                "occluded": rng.random() < 0.1,
                "outside": False,
                "z_order": rng.randint(0, 3),
                "rotation": round(rng.uniform(0, 359), 2) if rotated else 0.0,
                "points": [round(rng.uniform(0, 1920), 2) for _ in range(n_points)],
                "id": 1_000_000 + i,
                "frame": i // 10,
                "label_id": rng.randint(1, 20),
                "group": None if rng.random() < 0.1 else rng.randint(0, 5),
                "source": "manual",
                "attributes": [{"spec_id": 100 + j, "value": rng.choice(_VALUES)} for j in range(rng.randint(2, 3))],
                "elements": [],
            }
        )
    return {"version": 0, "tags": [], "shapes": shapes, "tracks": []}


def write_json(doc: Any, path: Path) -> str:
    """Write `doc` as compact UTF-8 JSON (as a server sends it); returns its sha256."""
    data = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()
