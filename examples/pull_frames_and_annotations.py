"""Pull a task's frames and annotations to local files.

Saves every frame of the task as an image file (in the original quality, the bytes that were
uploaded), and writes the task's shapes and tags to `annotations.json`, grouped by image
name and with label names instead of label ids:

    {"img_0.png": [{"label": "square", "type": "rectangle", "points": [8.0, 8.0, 31.0, 31.0]}]}

Run (see connection.py for the environment variables):

    python examples/pull_frames_and_annotations.py TASK_ID OUT_DIR

Nothing on the server is changed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from cvat_sdk import Client
from PIL import Image


def main(client: Client, task_id: int, out_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Save the frames under `out_dir/frames` and the annotations to `out_dir/annotations.json`;
    returns what was written to the JSON file."""
    task = client.tasks.retrieve(task_id)

    # Frames: download_frames fetches them in parallel and names the files by frame number.
    frame_files = task.download_frames(
        range(task.size), outdir=out_dir / "frames", quality="original"
    )
    print(f"Saved {len(frame_files)} frames to {out_dir / 'frames'}")

    # A single frame can also be read straight into memory, e.g. to look at it with Pillow.
    with Image.open(task.get_frame(0, quality="original")) as first:
        print(f"Frame 0 is {first.width}x{first.height}")

    # Annotations refer to frames by number and to labels by id; map both to names.
    frame_names = [Path(frame.name).name for frame in task.get_frames_info()]
    label_names = {label.id: label.name for label in task.get_labels()}
    annotations = task.get_annotations()

    by_image: dict[str, list[dict[str, Any]]] = {name: [] for name in frame_names}
    for tag in annotations.tags:
        by_image[frame_names[tag.frame]].append(
            {"label": label_names[tag.label_id], "type": "tag"}
        )
    for shape in annotations.shapes:
        by_image[frame_names[shape.frame]].append(
            {
                "label": label_names[shape.label_id],
                "type": str(shape.type),
                "points": list(shape.points),
            }
        )

    (out_dir / "annotations.json").write_text(json.dumps(by_image, indent=2))
    print(
        f"Saved {len(annotations.tags)} tags and {len(annotations.shapes)} shapes"
        f" to {out_dir / 'annotations.json'}"
    )
    return by_image


if __name__ == "__main__":
    from connection import client_from_env

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("task_id", type=int, help="the task to pull")
    parser.add_argument("out_dir", type=Path, help="folder to save into (created if missing)")
    args = parser.parse_args()

    with client_from_env() as client:
        main(client, args.task_id, args.out_dir)
