"""Small deterministic detection functions for the auto-annotation tests (also loaded by the CLI)."""

from __future__ import annotations

from typing import Any

import cvat_sdk.auto_annotation as cvataa
from cvat_sdk.attributes import number_attribute_values

SPEC = cvataa.DetectionFunctionSpec(
    labels=[
        cvataa.label_spec(
            "car",
            10,
            attributes=[
                cvataa.number_attribute_spec("size", 1, number_attribute_values(0, 10)),
                cvataa.select_attribute_spec("color", 2, ["blue", "red"]),
            ],
        ),
        cvataa.label_spec("person", 11),
        cvataa.skeleton_label_spec("hand", 12, [cvataa.keypoint_spec("thumb", 0), cvataa.keypoint_spec("finger", 1)]),
        cvataa.label_spec("dog", 13),
    ]
)


class BoxPerFrame:
    """A car box whose width depends on the image, a skeleton, and a dog (not in the test tasks) per frame."""

    spec = SPEC

    def __init__(self, fail_on_frame: str | None = None, size: int = 3) -> None:
        self.fail_on_frame = fail_on_frame
        self.size = size
        self.contexts: list[tuple[str, float | None, bool]] = []

    def detect(self, context: cvataa.DetectionFunctionContext, image: Any) -> list[Any]:
        self.contexts.append((context.frame_name, context.conf_threshold, context.conv_mask_to_poly))
        if context.frame_name == self.fail_on_frame:
            raise RuntimeError(f"the model failed on {context.frame_name}")
        return [
            cvataa.rectangle(
                10,
                [1, 2, image.width - 1, image.height - 2],
                attributes=[{"spec_id": 1, "value": str(self.size)}, {"spec_id": 2, "value": "red"}],
            ),
            cvataa.skeleton(12, [cvataa.keypoint(0, [5, 5]), cvataa.keypoint(1, [6, 7], occluded=True)]),
            cvataa.rectangle(13, [0, 0, 1, 1]),
        ]


def create(size: int = 3, fail_on_frame: str = "") -> BoxPerFrame:
    return BoxPerFrame(fail_on_frame or None, size)
