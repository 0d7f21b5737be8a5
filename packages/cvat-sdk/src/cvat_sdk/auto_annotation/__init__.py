"""Auto-annotation: run a detection function on a task's frames and upload the shapes it finds.

import cvat_sdk.auto_annotation as cvataa
from cvat_sdk.auto_annotation.functions import torchvision_detection
cvataa.annotate_task(client, task_id, torchvision_detection.create("fasterrcnn_resnet50_fpn_v2"))
"""

from .driver import annotate_task
from .exceptions import BadFunctionError
from .interface import (
    AutoAnnotationFunction,
    DetectionAnnotation,
    DetectionFunction,
    DetectionFunctionContext,
    DetectionFunctionSpec,
    TrackableShape,
    TrackingFunctionContext,
    TrackingFunctionShapeContext,
    TrackingFunctionSpec,
    attribute_spec,
    checkbox_attribute_spec,
    keypoint,
    keypoint_spec,
    label_spec,
    mask,
    number_attribute_spec,
    polygon,
    radio_attribute_spec,
    rectangle,
    select_attribute_spec,
    shape,
    skeleton,
    skeleton_label_spec,
    tag,
    text_attribute_spec,
)

__all__ = [
    "AutoAnnotationFunction",
    "BadFunctionError",
    "DetectionAnnotation",
    "DetectionFunction",
    "DetectionFunctionContext",
    "DetectionFunctionSpec",
    "TrackableShape",
    "TrackingFunctionContext",
    "TrackingFunctionShapeContext",
    "TrackingFunctionSpec",
    "annotate_task",
    "attribute_spec",
    "checkbox_attribute_spec",
    "keypoint",
    "keypoint_spec",
    "label_spec",
    "mask",
    "number_attribute_spec",
    "polygon",
    "radio_attribute_spec",
    "rectangle",
    "select_attribute_spec",
    "shape",
    "tag",
    "skeleton",
    "skeleton_label_spec",
    "text_attribute_spec",
]
