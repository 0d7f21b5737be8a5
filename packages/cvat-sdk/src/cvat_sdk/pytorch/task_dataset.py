"""TaskVisionDataset: a task as a torchvision dataset of (PIL image, Target) pairs."""

from __future__ import annotations

import os
import types
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import torchvision.datasets  # type: ignore[import-untyped,import-not-found]

from ..datasets.caching import UpdatePolicy, make_cache_manager
from ..datasets.task_dataset import TaskDataset
from .common import Target

if TYPE_CHECKING:
    from ..core.client import Client


class TaskVisionDataset(torchvision.datasets.VisionDataset):  # type: ignore[misc]
    """A task on a CVAT server as a PyTorch dataset: one `(PIL image, Target)` per frame, in frame
    order, deleted frames left out (before `transforms`).

    The task is cached as `TaskDataset` does, when the dataset is made. The dataset can be used
    from DataLoader worker processes, forked or spawned (the client is not needed after
    construction).
    """

    def __init__(
        self,
        client: Client,
        task_id: int,
        *,
        transforms: Callable[..., Any] | None = None,
        transform: Callable[..., Any] | None = None,
        target_transform: Callable[..., Any] | None = None,
        label_name_to_index: Mapping[str, int] | None = None,
        update_policy: UpdatePolicy = UpdatePolicy.IF_MISSING_OR_STALE,
        include_tracks: bool = False,
    ) -> None:
        """`transforms` / `transform` and `target_transform` are as in torchvision's VisionDataset.

        `label_name_to_index`: class index of each label name (every label of the task must be
        in it, else KeyError). Without it, labels sorted by id get the indexes 0..n-1.
        `update_policy`: when the cache is refreshed (NEVER: offline). `include_tracks`: show
        tracks as per-frame shapes.
        """
        self._underlying = TaskDataset(client, task_id, update_policy=update_policy, include_tracks=include_tracks)
        root = make_cache_manager(client, update_policy).task_dir(task_id)
        super().__init__(os.fspath(root), transforms=transforms, transform=transform, target_transform=target_transform)
        labels = self._underlying.labels
        if label_name_to_index is None:
            mapping = {label.id: index for index, label in enumerate(sorted(labels, key=lambda label: label.id))}
        else:
            mapping = {label.id: label_name_to_index[label.name] for label in labels}
        self._label_id_to_index = types.MappingProxyType(mapping)

    def __getitem__(self, sample_index: int) -> Any:
        """The sample at this position (0 <= sample_index < len(self))."""
        sample = self._underlying.samples[sample_index]
        image = sample.media.load_image()
        assert sample.annotations is not None  # noqa: S101 - the dataset loads annotations
        target = Target(sample.annotations, self._label_id_to_index)
        if self.transforms:
            return self.transforms(image, target)
        return image, target

    def __len__(self) -> int:
        """The number of samples."""
        return len(self._underlying.samples)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_label_id_to_index"] = dict(self._label_id_to_index)  # mappingproxy does not pickle
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["_label_id_to_index"] = types.MappingProxyType(state["_label_id_to_index"])
        self.__dict__.update(state)
