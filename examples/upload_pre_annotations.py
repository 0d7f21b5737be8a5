"""Upload pre-annotations (e.g. a model's predictions made elsewhere) into a task.

The predictions are a JSON file keyed by image name, in the format that
pull_frames_and_annotations.py writes:

    {"img_0.png": [{"label": "square", "type": "rectangle", "points": [8, 8, 31, 31]},
                   {"label": "background", "type": "tag"}]}

Image names are matched to the task's frames and label names to the task's labels. The
shapes and tags are added to what the task already has, marked as made automatically
(source "auto"), so annotators can tell them apart and correct them.

Run (see connection.py for the environment variables):

    python examples/upload_pre_annotations.py TASK_ID PREDICTIONS_JSON
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cvat_sdk import Client
from cvat_sdk.core.proxies.annotations import AnnotationUpdateAction


def main(
    client: Client, task_id: int, predictions: Mapping[str, Sequence[Mapping[str, Any]]]
) -> int:
    """Add `predictions` to the task; returns how many shapes and tags were added."""
    task = client.tasks.retrieve(task_id)
    frame_numbers = {
        Path(frame.name).name: number for number, frame in enumerate(task.get_frames_info())
    }
    label_ids = {label.name: label.id for label in task.get_labels()}

    shapes: list[dict[str, Any]] = []
    tags: list[dict[str, Any]] = []
    for image_name, objects in predictions.items():
        frame = frame_numbers[image_name]  # a KeyError names an image that is not in the task
        for obj in objects:
            common = {"frame": frame, "label_id": label_ids[obj["label"]], "source": "auto"}
            if obj["type"] == "tag":
                tags.append(common)
            else:
                shapes.append({**common, "type": obj["type"], "points": obj["points"]})

    # CREATE adds to the task's annotations; set_annotations() would replace them.
    task.update_annotations(
        {"shapes": shapes, "tags": tags}, action=AnnotationUpdateAction.CREATE
    )
    print(f"Added {len(shapes)} shapes and {len(tags)} tags to task {task.id}")
    return len(shapes) + len(tags)


if __name__ == "__main__":
    from connection import client_from_env

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("task_id", type=int, help="the task to add the pre-annotations to")
    parser.add_argument(
        "predictions", type=Path, help="JSON file of predictions, keyed by image name"
    )
    args = parser.parse_args()

    with client_from_env() as client:
        main(client, args.task_id, json.loads(args.predictions.read_text()))
