"""Projects against a real CVAT server: create, tasks in projects, datasets, backups."""

from __future__ import annotations

import zipfile

import pytest
from cvat_sdk.core.proxies.projects import Project
from cvat_sdk.exceptions import NotFoundException

pytestmark = pytest.mark.server

PROJECT_SPEC = {"name": "sdk test project", "labels": [{"name": "car"}, {"name": "person"}]}


def test_project_crud_tasks_labels_and_annotations(client, images) -> None:
    project = client.projects.create(PROJECT_SPEC)
    try:
        assert isinstance(project, Project) and project.name == "sdk test project"
        task = client.tasks.create_from_data({"name": "in project", "project_id": project.id}, images[:2])
        assert task.project_id == project.id
        assert [t.id for t in project.get_tasks()] == [task.id]
        assert sorted(label.name for label in project.get_labels()) == ["car", "person"]
        car = next(label for label in project.get_labels() if label.name == "car")
        task.set_annotations(
            {"shapes": [{"type": "rectangle", "frame": 1, "label_id": car.id, "points": [0, 0, 4, 4]}]}
        )
        assert len(project.get_annotations().shapes) == 1
        project.update({"name": "renamed project"})
        assert project.name == "renamed project"
        assert project.get_preview().getvalue()[:2] == b"\xff\xd8"  # a JPEG
        assert project.id in [p.id for p in client.projects.list()]
    finally:
        project.remove()
    with pytest.raises(NotFoundException):
        client.projects.retrieve(project.id)


def test_project_dataset_export_import_and_backup(client, images, tmp_path) -> None:
    project = client.projects.create({**PROJECT_SPEC, "name": "dataset project"})
    try:
        task = client.tasks.create_from_data({"name": "part", "project_id": project.id}, images[:2])
        car = next(label for label in project.get_labels() if label.name == "car")
        task.set_annotations(
            {"shapes": [{"type": "rectangle", "frame": 0, "label_id": car.id, "points": [1, 1, 8, 8]}]}
        )
        dataset = tmp_path / "project.zip"
        project.export_dataset("CVAT for images 1.1", dataset, include_images=True)
        with zipfile.ZipFile(dataset) as z:
            assert "annotations.xml" in z.namelist() and any(n.endswith(".png") for n in z.namelist())
        copy = client.projects.create_from_dataset(
            {**PROJECT_SPEC, "name": "from dataset"}, dataset_path=dataset, dataset_format="CVAT 1.1"
        )
        try:
            tasks = copy.get_tasks()
            assert len(tasks) == 1 and tasks[0].size == 2
            assert len(copy.get_annotations().shapes) == 1
        finally:
            copy.remove()
        backup = tmp_path / "project-backup.zip"
        project.download_backup(backup)
        restored = client.projects.create_from_backup(backup)
        try:
            assert restored.name == "dataset project" and len(restored.get_tasks()) == 1
        finally:
            restored.remove()
    finally:
        project.remove()
