"""Projects: datasets in and out, backups, their tasks and labels."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cvat_api import models

from ..progress import ProgressReporter
from ..utils import StrPath
from ._generated.projects import ProjectBase, ProjectsRepoBase
from .exports import DownloadBackupMixin, ExportDatasetMixin
from .imports import BackupRestoreMixin, FileImportMixin
from .model_proxy import (
    ModelBatchDeleteMixin,
    ModelCreateMixin,
    ModelDeleteMixin,
    ModelListMixin,
    ModelUpdateMixin,
)

if TYPE_CHECKING:
    from .tasks import Task


class Project(
    ProjectBase, ModelUpdateMixin, ModelDeleteMixin, FileImportMixin, ExportDatasetMixin, DownloadBackupMixin
):
    """A project on the server."""

    _resource_path = "projects"

    def import_dataset(
        self,
        format_name: str,
        filename: StrPath,
        *,
        conv_mask_to_poly: bool | None = None,
        status_check_period: float | None = None,
        pbar: ProgressReporter | None = None,
    ) -> None:
        """Upload a dataset file in `format_name` into the project and wait until it is imported."""
        self._import_file(
            "dataset",
            format_name,
            filename,
            conv_mask_to_poly=conv_mask_to_poly,
            status_check_period=status_check_period,
            pbar=pbar,
        )

    def get_tasks(self) -> list[Task]:
        return self._client.tasks.list(project_id=self.id)

    def get_labels(self) -> list[models.Label]:
        return [label._model for label in self._client.labels.list(project_id=self.id)]  # type: ignore[misc]

    def get_preview(self) -> io.BytesIO:
        _, response = self.api.retrieve_preview(self.id, _parse_response=False)
        return io.BytesIO(response.data)

    def get_annotations(self) -> models.LabeledData:
        """Annotations of every task of the project, as one LabeledData (frames as each task numbers them)."""
        merged: dict[str, list[Any]] = {"tags": [], "shapes": [], "tracks": []}
        for task in self.get_tasks():
            data = task.get_annotations()
            for key in merged:
                merged[key].extend(getattr(data, key))
        return models.LabeledData(version=0, **merged)


class ProjectsRepo(
    ProjectsRepoBase[Project],
    ModelCreateMixin[Project],
    BackupRestoreMixin[Project],
    ModelListMixin[Project],
    ModelBatchDeleteMixin[Project],
):
    _entity_type = Project
    _resource_path = "projects"

    def create_from_dataset(
        self,
        spec: models.ProjectWriteRequest | Mapping[str, Any],
        *,
        dataset_path: StrPath = "",
        dataset_format: str = "CVAT XML 1.1",
        status_check_period: float | None = None,
        pbar: ProgressReporter | None = None,
        conv_mask_to_poly: bool | None = None,
    ) -> Project:
        """Create a project and, if `dataset_path` is given, import that dataset into it."""
        if dataset_path and not os.path.isfile(dataset_path):
            raise FileNotFoundError(f"dataset file not found: {dataset_path}")
        project = self.create(spec)
        self._client.logger.info("Created project ID: %s NAME: %s", project.id, project.name)
        if dataset_path:
            project.import_dataset(
                dataset_format,
                dataset_path,
                conv_mask_to_poly=conv_mask_to_poly,
                status_check_period=status_check_period,
                pbar=pbar,
            )
            project.fetch()
        return project
