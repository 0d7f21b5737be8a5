"""CVAT's mask encoding: run lengths over a bounding box, as in the `points` of a "mask" shape.

The encoding of a mask on a W x H image is the lengths of alternating runs of false and true
pixels over the row-major crop [x1, x2) x [y1, y2) (the first run is of false pixels and may
be empty), followed by x1, y1, x2 - 1, y2 - 1. Needs numpy (`pip install "cvat-sdk[masks]"`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

try:
    import numpy as np
except ImportError as e:  # pragma: no cover - depends on the environment
    from .core.utils import missing_extra

    raise missing_extra(e, "cvat_sdk.masks", "masks") from e

from numpy.typing import ArrayLike, NDArray

__all__ = ["decode_mask", "encode_mask"]


def encode_mask(bitmap: ArrayLike, /, bbox: Sequence[float] | None = None) -> list[float]:
    """Encode a boolean (H, W) bitmap for the `points` of a "mask" shape.

    `bbox` is [x1, y1, x2, y2] with (0, 0) <= (x1, y1) < (x2, y2) <= (W, H) (x1, y1 are
    floored, x2, y2 ceiled); only pixels inside it are encoded. Without it, the tight box of
    the true pixels is used ([0, 0, 1, 1] when there are none). Raises ValueError for a bitmap
    that is not 2-D boolean or a bbox outside the image.
    """
    bitmap = np.asanyarray(bitmap)
    if bitmap.ndim != 2:
        raise ValueError("bitmap must have 2 dimensions")
    if bitmap.dtype != np.bool_:
        raise ValueError("bitmap must have boolean items")

    if bbox is None:
        rows = np.flatnonzero(bitmap.any(axis=1))
        if rows.size == 0:
            x1, y1, x2, y2 = 0, 0, 1, 1
        else:
            cols = np.flatnonzero(bitmap.any(axis=0))
            x1, x2 = int(cols[0]), int(cols[-1]) + 1
            y1, y2 = int(rows[0]), int(rows[-1]) + 1
    else:
        if len(bbox) != 4:
            raise ValueError("bbox has invalid coordinates")
        x1, y1 = math.floor(bbox[0]), math.floor(bbox[1])
        x2, y2 = math.ceil(bbox[2]), math.ceil(bbox[3])
        if not (0 <= x1 < x2 <= bitmap.shape[1] and 0 <= y1 < y2 <= bitmap.shape[0]):
            raise ValueError("bbox has invalid coordinates")

    flat = np.ascontiguousarray(bitmap[y1:y2, x1:x2]).ravel()
    # run boundaries: 0, every index where the value changes, the end
    changes = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    bounds = np.concatenate(([0], changes, [flat.size]))
    runs: list[Any] = np.diff(bounds).tolist()
    if flat[0]:
        runs.insert(0, 0)  # the first run counts false pixels
    return [*runs, x1, y1, x2 - 1, y2 - 1]


def _to_int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"non-integer value in encoded mask: {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if number.is_integer():
            return int(number)
    raise ValueError(f"non-integer value in encoded mask: {value!r}")


def decode_mask(encoded: Sequence[float], /, *, image_width: int, image_height: int) -> NDArray[np.bool_]:
    """Decode the `points` of a "mask" shape into a boolean array of shape (image_height, image_width).

    Raises ValueError when the encoding is malformed: too short, non-integer values, a box
    outside the image, negative runs, or runs that do not cover the box exactly.
    """
    if len(encoded) < 5:
        raise ValueError("too few elements in encoded mask")
    if image_width <= 0 or image_height <= 0:
        raise ValueError("invalid image dimensions")

    values = [_to_int(v) for v in encoded]
    *runs, x1, y1, x2, y2 = values
    x2 += 1
    y2 += 1
    if not (0 <= x1 < x2 <= image_width and 0 <= y1 < y2 <= image_height):
        raise ValueError("invalid encoded bounding box")
    lengths = np.asarray(runs, dtype=np.int64)
    if lengths.size and lengths.min() < 0:
        raise ValueError("negative run length in encoded mask")
    width, height = x2 - x1, y2 - y1
    if int(lengths.sum()) != width * height:
        raise ValueError("encoded bitmap does not match encoded bounding box")

    crop = np.repeat(np.arange(lengths.size) % 2 == 1, lengths)
    mask = np.zeros((image_height, image_width), dtype=np.bool_)
    mask[y1:y2, x1:x2] = crop.reshape(height, width)
    return mask
