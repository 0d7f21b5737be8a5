"""Keypoint detection with a torchvision model: one skeleton per detected object.

    cvat-cli task auto-annotate 42 --function-module cvat_sdk.auto_annotation.functions.torchvision_keypoint_detection \
        -p model_name=str:keypointrcnn_resnet50_fpn
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from cvat_api import models

from .. import interface as cvataa
from ._torchvision import TorchvisionFunction

if TYPE_CHECKING:
    import PIL.Image


class _TorchvisionKeypointDetectionFunction(TorchvisionFunction):
    @cached_property
    def spec(self) -> cvataa.DetectionFunctionSpec:
        keypoint_names = self._weights.meta["keypoint_names"]
        return cvataa.DetectionFunctionSpec(
            labels=[
                cvataa.skeleton_label_spec(
                    name, index, [cvataa.keypoint_spec(kp, kp_index) for kp_index, kp in enumerate(keypoint_names)]
                )
                for index, name in enumerate(self._weights.meta["categories"])
            ]
        )

    def detect(
        self, context: cvataa.DetectionFunctionContext, image: PIL.Image.Image
    ) -> list[models.LabeledShapeRequest]:
        return [
            cvataa.skeleton(
                int(label),
                elements=[
                    cvataa.keypoint(kp_index, [float(kp[0]), float(kp[1])], occluded=not bool(kp[2]))
                    for kp_index, kp in enumerate(keypoints)
                ],
            )
            for keypoints, label in self._objects(image, context, ("keypoints", "labels"))
        ]


create = _TorchvisionKeypointDetectionFunction
