"""Create many tasks at once: a project, and one task for every few images of a folder.

Tasks in a project share the project's labels, so the labels are given once. Each task
gets the next `--images-per-task` images (in name order) and is named after its first and
last image.

Run (see connection.py for the environment variables):

    python examples/create_tasks_in_bulk.py IMAGE_DIR [--images-per-task N]

The project and its tasks stay on the server; the script prints their ids. Deleting the
project (in the web UI, or with `project.remove()`) deletes its tasks too.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from cvat_sdk import Client
from cvat_sdk.core.proxies.projects import Project

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp"}


def main(client: Client, images: Sequence[Path], *, images_per_task: int = 2) -> Project:
    """Create a project and one task per `images_per_task` images; returns the project."""
    project = client.projects.create(
        {
            "name": "bulk-created project",
            "labels": [
                {"name": "square", "type": "rectangle"},
                {"name": "background", "type": "tag"},
            ],
        }
    )

    for start in range(0, len(images), images_per_task):
        batch = images[start : start + images_per_task]
        task = client.tasks.create_from_data(
            spec={"name": f"{batch[0].stem}..{batch[-1].stem}", "project_id": project.id},
            resources=batch,
            # Every image is one frame; keep the frames in the order given.
            data_params={"image_quality": 95, "sorting_method": "predefined"},
        )
        print(f"Created task {task.id} ({task.name}) with {task.size} frames")

    return project


def images_in(folder: Path) -> list[Path]:
    """The images directly inside `folder`, in name order."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


if __name__ == "__main__":
    from connection import client_from_env

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("image_dir", type=Path, help="folder of images")
    parser.add_argument(
        "--images-per-task", type=int, default=2, help="images in each task (default: 2)"
    )
    args = parser.parse_args()

    with client_from_env() as client:
        project = main(client, images_in(args.image_dir), images_per_task=args.images_per_task)
        print(f"Project {project.id} has {len(project.get_tasks())} tasks")
