"""Image classification with a torchvision model: one tag per frame, the most likely class.

    cvat-cli task auto-annotate 42 --function-module cvat_sdk.auto_annotation.functions.torchvision_classification \\
        -p model_name=str:resnet50
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch  # type: ignore[import-not-found,unused-ignore]
from cvat_api import models

from .. import interface as cvataa
from ._torchvision import TorchvisionFunction

if TYPE_CHECKING:
    import PIL.Image


class _TorchvisionClassificationFunction(TorchvisionFunction):
    _label_type = "tag"

    def detect(
        self, context: cvataa.DetectionFunctionContext, image: PIL.Image.Image
    ) -> list[models.LabeledImageRequest]:
        threshold = context.conf_threshold or 0
        with torch.inference_mode():
            logits = self._model(self._transforms(image.convert("RGB")).unsqueeze(0))
        scores = logits[0].softmax(0)
        label = int(scores.argmax().item())
        return [cvataa.tag(label)] if float(scores[label]) >= threshold else []


create = _TorchvisionClassificationFunction
