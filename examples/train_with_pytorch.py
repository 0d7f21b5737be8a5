"""Train a PyTorch model on a CVAT task with `cvat_sdk.pytorch.TaskVisionDataset`.

`TaskVisionDataset` turns a task into a PyTorch dataset of (image, target) samples, one per
frame, downloading the frames and annotations once into a local cache. Here every frame
has one tag saying what the image shows, `ExtractSingleLabelIndex` turns that tag into a
class index, and a tiny linear classifier is trained on the images for a few steps.

Needs PyTorch: the SDK's `pytorch` extra (`pip install "./packages/cvat-sdk[pytorch]"`).

Run (see connection.py for the environment variables); every frame of the task needs
exactly one tag:

    python examples/train_with_pytorch.py TASK_ID [--epochs N]

Nothing on the server is changed.
"""

from __future__ import annotations

import argparse

import PIL.Image
import torch
import torchvision.transforms.functional as F
from cvat_sdk import Client
from cvat_sdk.pytorch import ExtractSingleLabelIndex, TaskVisionDataset
from torch.utils.data import DataLoader

IMAGE_SIZE = (32, 24)  # width, height every image is scaled to


def image_to_tensor(image: PIL.Image.Image) -> torch.Tensor:
    """A float tensor of shape (3, height, width) with values in 0..1."""
    pixels: torch.Tensor = F.pil_to_tensor(image.convert("RGB").resize(IMAGE_SIZE))
    return pixels.float() / 255


def main(client: Client, task_id: int, *, epochs: int = 1) -> list[float]:
    """Train a classifier on the task's tagged frames; returns the loss of every step."""
    torch.manual_seed(0)  # the same shuffling and initial weights on every run

    labels = sorted(label.name for label in client.tasks.retrieve(task_id).get_labels())
    dataset = TaskVisionDataset(
        client,
        task_id,
        transform=image_to_tensor,
        target_transform=ExtractSingleLabelIndex(),
        # Fix which label becomes which class index (by default it follows the label ids).
        label_name_to_index={name: index for index, name in enumerate(labels)},
    )
    loader: DataLoader[tuple[torch.Tensor, torch.Tensor]] = DataLoader(
        dataset, batch_size=2, shuffle=True
    )
    print(f"Task {task_id}: {len(dataset)} samples, classes {labels}")

    width, height = IMAGE_SIZE
    model = torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(3 * height * width, len(labels))
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
    loss_function = torch.nn.CrossEntropyLoss()

    losses = []
    model.train()
    for epoch in range(epochs):
        for images, class_indices in loader:
            optimizer.zero_grad()
            loss = loss_function(model(images), class_indices)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        print(f"epoch {epoch + 1}: last loss {losses[-1]:.4f}")
    return losses


if __name__ == "__main__":
    from connection import client_from_env

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("task_id", type=int, help="a task whose frames each have one tag")
    parser.add_argument(
        "--epochs", type=int, default=1, help="passes over the dataset (default: 1)"
    )
    args = parser.parse_args()

    with client_from_env() as client:
        main(client, args.task_id, epochs=args.epochs)
