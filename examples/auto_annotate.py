"""Auto-annotate a task with your own detection function.

A detection function has a `spec` (the labels it can find, with ids of its own choosing)
and a `detect(context, image)` method that returns the shapes it finds on one image.
`cvat_sdk.auto_annotation.annotate_task` runs it on every frame of a task, matches its
labels to the task's labels by name, and uploads the shapes.

The function here needs no model: it finds the bright area of each image (pixels brighter
than a threshold) and outlines it with a "square" rectangle. Put a real model's inference
in `detect` the same way.

Run (see connection.py for the environment variables); the task needs a "square" label:

    python examples/auto_annotate.py TASK_ID [--threshold 240]

The same file also works as a function for the command line tool, which calls `create`:

    cvat-cli task auto-annotate TASK_ID --function-file examples/auto_annotate.py \
        -p threshold=int:240

The task's existing annotations are replaced by the function's shapes.
"""

from __future__ import annotations

import argparse

import cvat_sdk.auto_annotation as cvataa
import PIL.Image
from cvat_sdk import Client, models

SQUARE = 0  # the function's own id for its label; CVAT's label ids are mapped to it by name


class BrightAreaDetector:
    """Finds the area of pixels brighter than `threshold` (0-255) on each image."""

    spec = cvataa.DetectionFunctionSpec(
        labels=[cvataa.label_spec("square", SQUARE, type="rectangle")]
    )

    def __init__(self, threshold: int = 240) -> None:
        self.threshold = threshold

    def detect(
        self, context: cvataa.DetectionFunctionContext, image: PIL.Image.Image
    ) -> list[
        models.LabeledShapeRequest | models.LabeledImageRequest
    ]:  # shapes, and tags of the whole image
        bright = image.convert("L").point(lambda value: 255 if value > self.threshold else 0)
        box = bright.getbbox()  # (left, top, right, bottom) of the non-zero pixels, or None
        if box is None:
            return []
        return [cvataa.rectangle(SQUARE, list(box))]


def create(threshold: int = 240) -> BrightAreaDetector:
    """The function for `cvat-cli task auto-annotate --function-file` (parameters from -p)."""
    return BrightAreaDetector(threshold)


def main(client: Client, task_id: int, *, threshold: int = 240) -> int:
    """Replace task `task_id`'s annotations with the detector's shapes; returns their number."""
    cvataa.annotate_task(client, task_id, BrightAreaDetector(threshold), clear_existing=True)
    shapes = client.tasks.retrieve(task_id).get_annotations().shapes
    print(f"Task {task_id} now has {len(shapes)} automatic shapes")
    return len(shapes)


if __name__ == "__main__":
    from connection import client_from_env

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("task_id", type=int, help="the task to annotate")
    parser.add_argument(
        "--threshold", type=int, default=240, help="brightness threshold, 0-255 (default: 240)"
    )
    args = parser.parse_args()

    with client_from_env() as client:
        main(client, args.task_id, threshold=args.threshold)
