"""Jobs: parts of a task's frames; annotations, frames, issues, exports."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from cvat_api import models

from ..progress import ProgressReporter
from ._generated.jobs import JobBase, JobsRepoBase
from .annotations import AnnotationCrudMixin
from .exports import ExportDatasetMixin
from .imports import upload_and_wait
from .media import MediaMixin
from .model_proxy import ModelCreateMixin, ModelDeleteMixin, ModelListMixin, ModelRetrieveMixin, ModelUpdateMixin

if TYPE_CHECKING:
    from .issues import Issue

StrPath = str | os.PathLike[str]


class Job(JobBase, ModelUpdateMixin, ModelDeleteMixin, AnnotationCrudMixin, MediaMixin, ExportDatasetMixin):
    """A job on the server (`remove` works for ground-truth jobs only, as on the server)."""

    def import_annotations(
        self,
        format_name: str,
        filename: StrPath,
        *,
        conv_mask_to_poly: bool | None = None,
        status_check_period: float | None = None,
        pbar: ProgressReporter | None = None,
    ) -> None:
        """Upload an annotation file in `format_name` into this job and wait until it is imported."""
        upload_and_wait(
            self._client,
            f"/api/jobs/{self.id}/annotations/",
            filename,
            query={"format": format_name, "conv_mask_to_poly": conv_mask_to_poly},
            what=f"Annotation import into job {self.id}",
            status_check_period=status_check_period,
            pbar=pbar,
        )
        self._client.logger.info("Annotation file '%s' for job #%s uploaded", filename, self.id)

    def get_labels(self) -> list[models.Label]:
        return [label._model for label in self._client.labels.list(job_id=self.id)]  # type: ignore[misc]

    def get_issues(self) -> list[Issue]:
        return self._client.issues.list(job_id=self.id)

    def _patch_meta(self, values: dict[str, Any]) -> None:
        self.api.partial_update_data_meta(self.id, patched_job_data_meta_write_request=values)


class JobsRepo(JobsRepoBase[Job], ModelCreateMixin[Job], ModelRetrieveMixin[Job], ModelListMixin[Job]):
    """Jobs; `create` makes ground-truth jobs (annotation jobs come with their task)."""

    _entity_type = Job
