"""CVAT tasks and projects as PyTorch datasets (needs `pip install "cvat-sdk[pytorch]"`).

from torch.utils.data import DataLoader
from cvat_sdk.pytorch import ExtractBoundingBoxes, TaskVisionDataset
dataset = TaskVisionDataset(client, task_id, target_transform=ExtractBoundingBoxes(include_shape_types={"rectangle"}))
"""

try:
    import torch  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    import torchvision  # type: ignore[import-untyped,import-not-found]  # noqa: F401
except ImportError as e:  # pragma: no cover - depends on the environment
    from ..core.utils import missing_extra

    raise missing_extra(e, "cvat_sdk.pytorch", "pytorch") from e

from ..datasets.caching import UpdatePolicy
from ..datasets.common import FrameAnnotations, UnsupportedDatasetError
from .common import Target
from .project_dataset import ProjectVisionDataset
from .task_dataset import TaskVisionDataset
from .transforms import ExtractBoundingBoxes, ExtractSingleLabelIndex, LabeledBoxes

__all__ = [
    "ExtractBoundingBoxes",
    "ExtractSingleLabelIndex",
    "FrameAnnotations",
    "LabeledBoxes",
    "ProjectVisionDataset",
    "Target",
    "TaskVisionDataset",
    "UnsupportedDatasetError",
    "UpdatePolicy",
]
