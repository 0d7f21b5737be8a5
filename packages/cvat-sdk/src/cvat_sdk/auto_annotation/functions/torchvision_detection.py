"""Object detection with a torchvision model: one rectangle per detected object.

    cvat-cli task auto-annotate 42 --function-module cvat_sdk.auto_annotation.functions.torchvision_detection \
        -p model_name=str:fasterrcnn_resnet50_fpn_v2
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cvat_api import models

from .. import interface as cvataa
from ._torchvision import TorchvisionFunction

if TYPE_CHECKING:
    import PIL.Image


class _TorchvisionDetectionFunction(TorchvisionFunction):
    _label_type = "rectangle"

    def detect(
        self, context: cvataa.DetectionFunctionContext, image: PIL.Image.Image
    ) -> list[models.LabeledShapeRequest]:
        return [
            cvataa.rectangle(int(label), [float(x) for x in box])
            for box, label in self._objects(image, context, ("boxes", "labels"))
        ]


create = _TorchvisionDetectionFunction
