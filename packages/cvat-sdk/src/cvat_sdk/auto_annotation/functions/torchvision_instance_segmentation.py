"""Instance segmentation with a torchvision model: one mask (or polygons) per detected object.

    cvat-cli task auto-annotate 42 --function-module cvat_sdk.auto_annotation.functions.torchvision_instance_segmentation \
        -p model_name=str:maskrcnn_resnet50_fpn_v2

With conv_mask_to_poly, masks are traced into polygons (needs scikit-image).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from cvat_api import models

from ...masks import encode_mask
from .. import interface as cvataa
from ._torchvision import TorchvisionFunction

if TYPE_CHECKING:
    import PIL.Image

_LEVEL = 0.5
# Mask values of exactly _LEVEL count as inside; find_contours must then see them as high.
_CONTOUR_LEVEL = math.nextafter(_LEVEL, 0)


def _clockwise_in_image(contour: Any) -> bool:
    """True for a contour (rows of (y, x)) that goes round positively (the shoelace sign, y down)."""
    import numpy as np

    ys, xs = contour[:, 0], contour[:, 1]
    return bool(np.sum(xs * np.roll(ys, -1)) < np.sum(ys * np.roll(xs, -1)))


def _polygons(label: int, mask: Any) -> Iterator[models.LabeledShapeRequest]:
    try:
        from skimage import measure  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as e:
        from ...core.utils import missing_extra

        raise missing_extra(e, "conv_mask_to_poly", "pytorch") from e
    for contour in measure.find_contours(mask, level=_CONTOUR_LEVEL):  # type: ignore[no-untyped-call,unused-ignore]
        if len(contour) < 3 or _clockwise_in_image(contour):
            continue  # too small, or the outline of a hole
        simplified = measure.approximate_polygon(contour, tolerance=2.5)  # type: ignore[no-untyped-call,unused-ignore]
        yield cvataa.polygon(label, simplified[:, ::-1].ravel().tolist())


def _clip(box: Any, mask: Any) -> list[float]:
    """The box inside the image (rescaled boxes can overshoot its edge by a rounding error)."""
    height, width = mask.shape
    x1, y1, x2, y2 = (float(v) for v in box)
    x1, x2 = min(max(x1, 0.0), width - 1.0), min(max(x2, 0.0), float(width))
    y1, y2 = min(max(y1, 0.0), height - 1.0), min(max(y2, 0.0), float(height))
    return [x1, y1, max(x2, math.floor(x1) + 1.0), max(y2, math.floor(y1) + 1.0)]


class _TorchvisionInstanceSegmentationFunction(TorchvisionFunction):
    _label_type = "mask"

    def detect(
        self, context: cvataa.DetectionFunctionContext, image: PIL.Image.Image
    ) -> list[models.LabeledShapeRequest]:
        shapes: list[models.LabeledShapeRequest] = []
        for box, mask, label in self._objects(image, context, ("boxes", "masks", "labels")):
            probabilities = mask[0].detach().cpu().numpy()
            if context.conv_mask_to_poly:
                shapes.extend(_polygons(int(label), probabilities))
            else:
                shapes.append(cvataa.mask(int(label), encode_mask(probabilities >= _LEVEL, _clip(box, probabilities))))
        return shapes


create = _TorchvisionInstanceSegmentationFunction
