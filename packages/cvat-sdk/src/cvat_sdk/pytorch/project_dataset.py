"""ProjectVisionDataset: the tasks of a project as one torchvision dataset."""

from __future__ import annotations

import os
from collections.abc import Callable, Container, Mapping
from typing import TYPE_CHECKING, Any

import torch.utils.data  # type: ignore[import-not-found,unused-ignore]
import torchvision.datasets  # type: ignore[import-untyped,import-not-found]

from ..datasets.caching import UpdatePolicy, make_cache_manager
from .task_dataset import TaskVisionDataset

if TYPE_CHECKING:
    from ..core.client import Client
    from ..core.proxies.tasks import Task


class ProjectVisionDataset(torchvision.datasets.VisionDataset):  # type: ignore[misc]
    """A project on a CVAT server as a PyTorch dataset: the samples of its tasks (see
    TaskVisionDataset), task after task in order of task id."""

    def __init__(
        self,
        client: Client,
        project_id: int,
        *,
        transforms: Callable[..., Any] | None = None,
        transform: Callable[..., Any] | None = None,
        target_transform: Callable[..., Any] | None = None,
        label_name_to_index: Mapping[str, int] | None = None,
        task_filter: Callable[[Task], bool] | None = None,
        include_subsets: Container[str] | None = None,
        update_policy: UpdatePolicy = UpdatePolicy.IF_MISSING_OR_STALE,
        include_tracks: bool = False,
    ) -> None:
        """`task_filter`: keep only the tasks for which it returns true; `include_subsets`: keep
        only tasks whose subset is in it. The rest as in TaskVisionDataset."""
        cache = make_cache_manager(client, update_policy)
        project = cache.retrieve_project(project_id)
        super().__init__(
            os.fspath(cache.project_dir(project_id)),
            transforms=transforms,
            transform=transform,
            target_transform=target_transform,
        )
        client.logger.info("Fetching project tasks...")
        tasks = project.get_tasks()
        if task_filter is not None:
            tasks = [t for t in tasks if task_filter(t)]
        if include_subsets is not None:
            tasks = [t for t in tasks if t.subset in include_subsets]
        tasks.sort(key=lambda t: t.id)
        self._underlying: torch.utils.data.ConcatDataset[Any] = torch.utils.data.ConcatDataset(
            [
                TaskVisionDataset(
                    client,
                    t.id,
                    label_name_to_index=label_name_to_index,
                    update_policy=update_policy,
                    include_tracks=include_tracks,
                )
                for t in tasks
            ]
        )

    def __getitem__(self, sample_index: int) -> Any:
        """The sample at this position (0 <= sample_index < len(self))."""
        image, target = self._underlying[sample_index]
        if self.transforms:
            return self.transforms(image, target)
        return image, target

    def __len__(self) -> int:
        """The number of samples."""
        return len(self._underlying)
