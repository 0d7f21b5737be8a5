"""cvat_sdk.pytorch against a real CVAT server (cassette replay unless live): datasets, transforms, DataLoader."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch", reason="the PyTorch tests need torch and torchvision (cvat-sdk[pytorch])")
pytest.importorskip("torchvision", reason="the PyTorch tests need torch and torchvision (cvat-sdk[pytorch])")

import torchvision.transforms  # noqa: E402
from cvat_sdk.pytorch import (  # noqa: E402
    ExtractBoundingBoxes,
    ExtractSingleLabelIndex,
    ProjectVisionDataset,
    Target,
    TaskVisionDataset,
    UnsupportedDatasetError,
    UpdatePolicy,
)
from torch.utils.data import DataLoader  # noqa: E402

from tests.ml.conftest import LABELS, labels_by_name  # noqa: E402

pytestmark = pytest.mark.server


def add_annotations(task: Any) -> None:
    labels = labels_by_name(task)
    car, person = labels["car"].id, labels["person"].id
    task.update_annotations(
        {
            "tags": [{"frame": 0, "label_id": car}, {"frame": 1, "label_id": person}, {"frame": 2, "label_id": car}],
            "shapes": [
                {"type": "rectangle", "frame": 0, "label_id": person, "points": [1, 2, 30, 40]},
                {"type": "polygon", "frame": 0, "label_id": car, "points": [5, 5, 20, 8, 10, 25]},
                {"type": "ellipse", "frame": 1, "label_id": car, "points": [20, 20, 30, 25]},
                {"type": "points", "frame": 1, "label_id": person, "points": [3, 4]},
            ],
        },
        action="create",
    )


def test_task_vision_dataset_and_transforms(client, images, make_task) -> None:
    task = make_task("torch-task", images[:3])
    add_annotations(task)
    labels = labels_by_name(task)

    dataset = TaskVisionDataset(client, task.id)
    assert len(dataset) == 3
    image, target = dataset[0]
    assert image.size == (64, 48) and isinstance(target, Target)
    assert dict(target.label_id_to_index) == {
        label.id: i for i, label in enumerate(sorted(labels.values(), key=lambda label: label.id))
    }
    with pytest.raises(TypeError):
        target.label_id_to_index[0] = 1  # type: ignore[index]

    named = TaskVisionDataset(
        client,
        task.id,
        transform=torchvision.transforms.PILToTensor(),
        target_transform=ExtractSingleLabelIndex(),
        label_name_to_index={"car": 5, "person": 6, "hand": 7},
    )
    tensor, index = named[1]
    assert tensor.shape == (3, 48, 64) and index.dtype == torch.long and int(index) == 6 and index.dim() == 0
    with pytest.raises(KeyError):
        TaskVisionDataset(client, task.id, label_name_to_index={"car": 0})

    boxes = TaskVisionDataset(
        client,
        task.id,
        target_transform=ExtractBoundingBoxes(include_shape_types={"rectangle", "polygon", "ellipse"}),
        label_name_to_index={"car": 0, "person": 1, "hand": 2},
    )
    _, first = boxes[0]
    assert first["boxes"].tolist() == [[1, 2, 30, 40], [5, 5, 20, 25]] and first["labels"].tolist() == [1, 0]
    _, second = boxes[1]
    assert second["boxes"].tolist() == [[10, 15, 30, 25]]  # the ellipse's own box; points not included
    _, third = boxes[2]
    assert third["boxes"].shape == (0,) and third["labels"].shape == (0,)  # as the official SDK gives

    both = TaskVisionDataset(
        client, task.id, transforms=lambda image, target: (image.size, len(target.annotations.tags))
    )
    assert both[2] == ((64, 48), 1)

    offline = TaskVisionDataset(client, task.id, update_policy=UpdatePolicy.NEVER)
    assert len(offline) == 3 and offline[2][1].annotations.tags[0].label_id == labels["car"].id


def test_transform_errors() -> None:
    with pytest.raises(ValueError):
        ExtractBoundingBoxes(include_shape_types={"mask"})
    from cvat_sdk import models
    from cvat_sdk.datasets import FrameAnnotations

    def target(tags: int) -> Target:
        tag = models.LabeledImage.from_dict({"frame": 0, "label_id": 1, "attributes": []})
        return Target(FrameAnnotations(tags=[tag] * tags), {1: 0})

    with pytest.raises(ValueError, match="sample has no tags"):
        ExtractSingleLabelIndex()(target(0))
    with pytest.raises(ValueError, match="sample has multiple tags"):
        ExtractSingleLabelIndex()(target(2))
    rotated = models.LabeledShape.from_dict(
        {"type": "rectangle", "frame": 0, "label_id": 1, "points": [0, 0, 1, 1], "rotation": 30}
    )
    with pytest.raises(UnsupportedDatasetError, match="Rotated shapes are not supported"):
        ExtractBoundingBoxes(include_shape_types={"rectangle"})(Target(FrameAnnotations(shapes=[rotated]), {1: 0}))


def as_tensors(image: Any, target: Target) -> tuple[Any, int]:
    return torchvision.transforms.functional.pil_to_tensor(image), len(target.annotations.shapes)


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_multi_worker_data_loader(client, images, make_task, start_method) -> None:
    task = make_task(f"torch-loader-{start_method}", images)
    add_annotations(task)
    dataset = TaskVisionDataset(client, task.id, transforms=as_tensors)
    loader = DataLoader(dataset, batch_size=None, num_workers=2, multiprocessing_context=start_method, shuffle=False)
    got = [(tensor.shape, shapes) for tensor, shapes in loader]
    assert got == [((3, 48, 64), 2), ((3, 48, 64), 2), ((3, 48, 64), 0), ((3, 48, 64), 0), ((3, 48, 64), 0)]


def test_project_vision_dataset(client, images, make_task) -> None:
    project = client.projects.create({"name": "ml-torch-project", "labels": LABELS})
    try:
        train = make_task("torch-train", images[:2], project_id=project.id, subset="Train")
        make_task("torch-test", images[2:3], project_id=project.id, subset="Test")
        other = make_task("torch-other", images[3:5], project_id=project.id, subset="Train")
        add_annotations(train)

        everything = ProjectVisionDataset(client, project.id)
        assert len(everything) == 5
        assert len(everything[0][1].annotations.shapes) == 2  # task order is by id: `train` first

        subset = ProjectVisionDataset(client, project.id, include_subsets={"Train"})
        assert len(subset) == 4
        filtered = ProjectVisionDataset(client, project.id, task_filter=lambda t: t.id != other.id)
        assert len(filtered) == 3
        names = ProjectVisionDataset(
            client, project.id, label_name_to_index={"car": 0, "person": 1, "hand": 2}, include_subsets=["Test"]
        )
        assert len(names) == 1 and set(names[0][1].label_id_to_index.values()) == {0, 1, 2}

        offline = ProjectVisionDataset(client, project.id, update_policy=UpdatePolicy.NEVER, include_subsets={"Train"})
        assert len(offline) == 4
    finally:
        project.remove()
