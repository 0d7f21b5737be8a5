"""cvat_sdk.masks: CVAT's mask encoding, round trips and input checks (no server)."""

from __future__ import annotations

import numpy as np
import pytest
from cvat_sdk.masks import decode_mask, encode_mask
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays


def test_encoding_starts_with_the_false_run_and_ends_with_the_inclusive_box() -> None:
    bitmap = np.zeros((4, 5), dtype=bool)
    bitmap[1, 1:3] = True
    bitmap[2, 2] = True
    # tight box x 1..2, y 1..2 -> crop [[T, T], [F, T]]
    assert encode_mask(bitmap) == [0, 2, 1, 1, 1, 1, 2, 2]
    # a given box: crop rows 0..3, cols 0..4
    assert encode_mask(bitmap, [0, 0, 5, 4]) == [6, 2, 4, 1, 7, 0, 0, 4, 3]


def test_empty_bitmap_encodes_the_first_pixel() -> None:
    assert encode_mask(np.zeros((3, 3), dtype=bool)) == [1, 0, 0, 0, 0]


def test_bbox_is_floored_and_ceiled() -> None:
    bitmap = np.ones((4, 4), dtype=bool)
    assert encode_mask(bitmap, [0.5, 0.9, 2.1, 2.0]) == [0, 6, 0, 0, 2, 1]


def test_encode_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="bitmap must have 2 dimensions"):
        encode_mask(np.zeros((2, 2, 2), dtype=bool))
    with pytest.raises(ValueError, match="bitmap must have boolean items"):
        encode_mask(np.zeros((2, 2), dtype=np.uint8))
    bitmap = np.zeros((4, 5), dtype=bool)
    for bbox in ([0, 0, 6, 4], [-1, 0, 2, 2], [2, 0, 2, 2], [0, 3, 5, 3], [0, 0, 5]):
        with pytest.raises(ValueError, match="bbox has invalid coordinates"):
            encode_mask(bitmap, bbox)


def test_decode_rejects_bad_input() -> None:
    cases = [
        ([1, 0, 0, 0], "too few elements"),
        ([1, 0.5, 0, 0, 0], "non-integer value"),
        ([1, 0, 0, 5, 0], "invalid encoded bounding box"),
        ([2, 0, 0, 0, 0], "does not match"),
        ([2, -1, 0, 0, 0, 0], "negative run length"),
    ]
    for encoded, message in cases:
        with pytest.raises(ValueError, match=message):
            decode_mask(encoded, image_width=4, image_height=3)
    with pytest.raises(ValueError, match="invalid image dimensions"):
        decode_mask([1, 0, 0, 0, 0], image_width=0, image_height=3)


def test_decode_accepts_integral_floats_and_numpy_numbers() -> None:
    mask = decode_mask([0.0, np.int64(1), 1, 1, 1, 1], image_width=3, image_height=3)
    assert mask.shape == (3, 3) and mask.dtype == bool and mask.sum() == 1 and mask[1, 1]


@settings(max_examples=200, deadline=None)
@given(arrays(bool, st.tuples(st.integers(1, 12), st.integers(1, 12))), st.data())
def test_round_trip(bitmap: np.ndarray, data: st.DataObject) -> None:
    height, width = bitmap.shape
    encoded = encode_mask(bitmap)
    assert all(isinstance(v, int) for v in encoded)
    decoded = decode_mask(encoded, image_width=width, image_height=height)
    assert np.array_equal(decoded, bitmap)  # the tight box holds every true pixel

    x1 = data.draw(st.integers(0, width - 1))
    y1 = data.draw(st.integers(0, height - 1))
    x2 = data.draw(st.integers(x1 + 1, width))
    y2 = data.draw(st.integers(y1 + 1, height))
    boxed = decode_mask(encode_mask(bitmap, [x1, y1, x2, y2]), image_width=width, image_height=height)
    expected = np.zeros_like(bitmap)
    expected[y1:y2, x1:x2] = bitmap[y1:y2, x1:x2]
    assert np.array_equal(boxed, expected)


def test_large_mask_is_fast() -> None:
    bitmap = np.zeros((2000, 2000), dtype=bool)
    bitmap[100:1900:3, 100:1900] = True
    encoded = encode_mask(bitmap)
    assert np.array_equal(decode_mask(encoded, image_width=2000, image_height=2000), bitmap)
