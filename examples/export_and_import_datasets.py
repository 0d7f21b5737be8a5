"""Export a task as datasets, and import them again: annotations back into the task, and a
whole dataset (images and annotations) into a new project.

1. Export the task's annotations only ("CVAT for images 1.1", no images) to `annotations.zip`.
2. Export the full dataset, images included, in COCO format to `coco.zip`.
3. Clear the task's annotations and import them back from `annotations.zip`.
4. Create a new project from `coco.zip`: CVAT makes a task in it with the images and
   annotations of the dataset.

Run (see connection.py for the environment variables):

    python examples/export_and_import_datasets.py TASK_ID OUT_DIR

The task ends with the annotations it had. The project made from the dataset stays on the
server; the script prints its id.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from cvat_sdk import Client
from cvat_sdk.core.proxies.projects import Project


@dataclass
class ExportedAndImported:
    annotations_zip: Path
    dataset_zip: Path
    project: Project


def main(client: Client, task_id: int, out_dir: Path) -> ExportedAndImported:
    """Export task `task_id` into `out_dir`, re-import its annotations, and make a project of
    its dataset."""
    task = client.tasks.retrieve(task_id)
    out_dir.mkdir(parents=True, exist_ok=True)

    # 1, 2: the server prepares each export in the background; the SDK waits and downloads it.
    annotations_zip = out_dir / "annotations.zip"
    task.export_dataset("CVAT for images 1.1", annotations_zip, include_images=False)
    dataset_zip = out_dir / "coco.zip"
    task.export_dataset("COCO 1.0", dataset_zip, include_images=True)
    print(f"Exported task {task.id} to {annotations_zip} and {dataset_zip}")

    # 3: import formats are named without "for images": "CVAT 1.1" reads both CVAT layouts.
    task.remove_annotations()
    task.import_annotations("CVAT 1.1", annotations_zip)
    print(f"Imported {len(task.get_annotations().shapes)} shapes back into task {task.id}")

    # 4: the new project gets the task's labels; the dataset's images become a new task in it.
    labels = [{"name": label.name, "type": str(label.type)} for label in task.get_labels()]
    project = client.projects.create_from_dataset(
        {"name": f"imported from task {task.id}", "labels": labels},
        dataset_path=dataset_zip,
        dataset_format="COCO 1.0",
    )
    print(f"Created project {project.id} from {dataset_zip}")
    return ExportedAndImported(annotations_zip, dataset_zip, project)


if __name__ == "__main__":
    from connection import client_from_env

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("task_id", type=int, help="the task to export")
    parser.add_argument(
        "out_dir", type=Path, help="folder for the exported files (created if missing)"
    )
    args = parser.parse_args()

    with client_from_env() as client:
        main(client, args.task_id, args.out_dir)
