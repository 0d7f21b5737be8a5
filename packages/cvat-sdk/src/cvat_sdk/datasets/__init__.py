"""Tasks as datasets: `TaskDataset` gives a task's frames, annotations and media, cached locally.

from cvat_sdk.datasets import TaskDataset
dataset = TaskDataset(client, task_id)
for sample in dataset.samples:
    image = sample.media.load_image()
    shapes = sample.annotations.shapes
"""

from .caching import UpdatePolicy
from .common import FrameAnnotations, MediaDownloadPolicy, MediaElement, Sample, UnsupportedDatasetError
from .task_dataset import TaskDataset

__all__ = [
    "FrameAnnotations",
    "MediaDownloadPolicy",
    "MediaElement",
    "Sample",
    "TaskDataset",
    "UnsupportedDatasetError",
    "UpdatePolicy",
]
