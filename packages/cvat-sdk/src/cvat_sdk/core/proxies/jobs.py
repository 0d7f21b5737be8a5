"""Jobs: parts of a task's frames; annotations, frames, issues, exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cvat_api import models

from ._generated.jobs import JobBase, JobsRepoBase
from .annotations import AnnotationCrudMixin
from .exports import ExportDatasetMixin
from .imports import AnnotationImportMixin
from .media import MediaMixin
from .model_proxy import ModelCreateMixin, ModelDeleteMixin, ModelListMixin, ModelRetrieveMixin, ModelUpdateMixin

if TYPE_CHECKING:
    from .issues import Issue


class Job(
    JobBase,
    ModelUpdateMixin,
    ModelDeleteMixin,
    AnnotationCrudMixin,
    AnnotationImportMixin,
    MediaMixin,
    ExportDatasetMixin,
):
    """A job on the server (`remove` works for ground-truth jobs only, as on the server)."""

    _resource_path = "jobs"

    def get_labels(self) -> list[models.Label]:
        return [label._model for label in self._client.labels.list(job_id=self.id)]  # type: ignore[misc]

    def get_issues(self) -> list[Issue]:
        return self._client.issues.list(job_id=self.id)


class JobsRepo(JobsRepoBase[Job], ModelCreateMixin[Job], ModelRetrieveMixin[Job], ModelListMixin[Job]):
    """Jobs; `create` makes ground-truth jobs (annotation jobs come with their task)."""

    _entity_type = Job
