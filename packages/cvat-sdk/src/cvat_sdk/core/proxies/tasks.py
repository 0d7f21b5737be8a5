"""Tasks: create from local, shared or remote data; frames, annotations, exports, backups."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvat_api import Model, models
from cvat_api.exceptions import ApiException

from ..exceptions import BackgroundRequestException, CvatSdkException
from ..progress import ProgressReporter
from ..transfers import DataUploader, MissingFilesError
from ..transfers.data_upload import DEFAULT_IMAGE_QUALITY
from ..utils import StrPath
from ._generated.tasks import TaskBase, TasksRepoBase
from .annotations import AnnotationCrudMixin
from .exports import DownloadBackupMixin, ExportDatasetMixin
from .imports import AnnotationImportMixin, BackupRestoreMixin
from .media import MediaMixin
from .model_proxy import (
    ModelBatchDeleteMixin,
    ModelCreateMixin,
    ModelDeleteMixin,
    ModelListMixin,
    ModelUpdateMixin,
)

if TYPE_CHECKING:
    from .jobs import Job

# Keys of DataRequest that come from `resources`, not from data_params.
_RESOURCE_KEYS = frozenset({"client_files", "server_files", "remote_files"})


class ResourceType(Enum):
    """Where task data comes from: this machine, the server's share, or URLs."""

    LOCAL = 0
    SHARE = 1
    REMOTE = 2

    def __str__(self) -> str:
        return self.name.lower()

    def __repr__(self) -> str:
        return str(self)


class InvalidDataParamsError(CvatSdkException, ValueError):
    """data_params holds keys the server does not know (they would be silently ignored)."""


class TaskCreationError(CvatSdkException):
    """A task was created on the server but a later step failed; `task_id` names it for cleanup or
    retry, `step` says which step failed.

    The error raised is also an instance of the failure's own class (`task_creation_error`), so
    code that catches what the official SDK raises there (`BackgroundRequestException`,
    `ApiException`, ...) still catches it.
    """

    def __init__(self, message: str, *, task_id: int, step: str) -> None:
        Exception.__init__(self, message)
        self.task_id = task_id
        self.step = step

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class NoTaskDataError(BackgroundRequestException, ApiException, ValueError):
    """`create_from_data` was given no resources. The server would refuse the data with "No media
    data found" (the official SDK raises ApiException up to 2.17, BackgroundRequestException
    after); this is raised instead, before anything is created, and is both. Nothing was sent,
    so `status`, `body` and the other response fields are None."""

    def __init__(self, message: str) -> None:
        ApiException.__init__(self)
        self.args = (message,)

    def __str__(self) -> str:
        return str(self.args[0])


_CREATION_ERROR_TYPES: dict[type[BaseException], type[TaskCreationError]] = {}


def task_creation_error(cause: Exception, *, task_id: int, step: str) -> TaskCreationError:
    """A TaskCreationError for `cause` that is also an instance of `cause`'s class, its attributes
    (`status`, `body`, ...) kept."""
    base = type(cause)
    if issubclass(base, TaskCreationError) or base is Exception:
        cls: type[TaskCreationError] = TaskCreationError
    else:
        cls = _CREATION_ERROR_TYPES.get(base) or _CREATION_ERROR_TYPES.setdefault(
            base, type("TaskCreationError", (TaskCreationError, base), {"__module__": __name__})
        )
    error = cls.__new__(cls)
    error.__dict__.update(getattr(cause, "__dict__", {}))
    TaskCreationError.__init__(
        error, f"task {task_id} was created, but its {step} failed: {cause}", task_id=task_id, step=step
    )
    return error


def build_data_request(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The data parameters to send: image_quality DEFAULT_IMAGE_QUALITY (70) by default; `frame_step`
    becomes frame_filter.

    Keys DataRequest does not have raise InvalidDataParamsError instead of being dropped.
    """
    data: dict[str, Any] = {"image_quality": DEFAULT_IMAGE_QUALITY}
    params = dict(params or {})
    frame_step = params.pop("frame_step", None)
    if frame_step is not None:
        data["frame_filter"] = f"step={frame_step}"
    known = set(models.DataRequest._attr_names) - _RESOURCE_KEYS
    unknown = sorted(set(params) - known)
    if unknown:
        raise InvalidDataParamsError(
            f"unknown data_params {unknown}; accepted: frame_step, {', '.join(sorted(known))}"
            + (" (files are given as `resources`)" if set(unknown) & _RESOURCE_KEYS else "")
        )
    data.update({k: (v.value if isinstance(v, Enum) else v) for k, v in params.items() if v is not None})
    return data


class Task(
    TaskBase,
    ModelUpdateMixin,
    ModelDeleteMixin,
    AnnotationCrudMixin,
    AnnotationImportMixin,
    MediaMixin,
    ExportDatasetMixin,
    DownloadBackupMixin,
):
    """A task on the server."""

    _resource_path = "tasks"

    def upload_data(
        self,
        resources: Sequence[StrPath],
        *,
        resource_type: ResourceType = ResourceType.LOCAL,
        pbar: ProgressReporter | None = None,
        params: Mapping[str, Any] | None = None,
        wait_for_completion: bool = True,
        status_check_period: float | None = None,
    ) -> str:
        """Attach data to the task; returns the server's request id.

        LOCAL files are uploaded (in parallel, in the given order); SHARE paths and REMOTE URLs
        are passed to the server. With `wait_for_completion`, returns once the task is ready
        and this object is refreshed.
        """
        data = build_data_request(params)
        if resource_type is ResourceType.LOCAL:
            files = [Path(r) for r in resources]  # (the uploader adds upload_file_order for "predefined")
            uploader = DataUploader(
                self._client.api_client, self._client._transfer_settings(), logger=self._client.logger
            )
            response = uploader.upload_files(f"/api/tasks/{self.id}/data/", files, data_params=data, pbar=pbar)
            rq_id = str(response.json()["rq_id"])
        else:
            key = "server_files" if resource_type is ResourceType.SHARE else "remote_files"
            data[key] = [os.fspath(r) for r in resources]
            rq, response = self.api.create_data(self.id, data_request=data)
            rq_id = str(rq.rq_id if isinstance(rq, models.RqId) else response.json()["rq_id"])
        if wait_for_completion:
            self._client.logger.info("Awaiting creation of task %s...", self.id)
            self._client.wait_for_completion(
                rq_id, status_check_period=status_check_period, log_prefix=f"Task {self.id} creation"
            )
            self.fetch()
        return rq_id

    def _chunk_size_for_frames(self, frame_ids: Sequence[int], quality: str) -> int | None:
        if quality != "original" or len(frame_ids) < 2:
            return None
        model = self._model
        if str(model.get("data_original_chunk_type")) != "imageset" or model.get("validation_mode"):
            return None
        chunk_size = model.get("data_chunk_size")
        size = model.get("size") or 0
        if not chunk_size or any(not 0 <= f < size for f in frame_ids):
            return None  # unknown layout, or frames out of range: per-frame requests report them
        chunks = {f // chunk_size for f in frame_ids}
        frames_in_chunks = sum(min(chunk_size, size - c * chunk_size) for c in chunks)
        return int(chunk_size) if frames_in_chunks <= 2 * len(set(frame_ids)) else None

    def get_jobs(self) -> list[Job]:
        return self._client.jobs.list(task_id=self.id)

    def get_labels(self) -> list[models.Label]:
        return [label._model for label in self._client.labels.list(task_id=self.id)]  # type: ignore[misc]


class TasksRepo(
    TasksRepoBase[Task],
    ModelCreateMixin[Task],
    BackupRestoreMixin[Task],
    ModelListMixin[Task],
    ModelBatchDeleteMixin[Task],
):
    _entity_type = Task
    _resource_path = "tasks"

    def create_from_data(
        self,
        spec: models.TaskWriteRequest | Mapping[str, Any],
        resources: Sequence[StrPath],
        *,
        resource_type: ResourceType = ResourceType.LOCAL,
        data_params: Mapping[str, Any] | None = None,
        annotation_path: StrPath = "",
        annotation_format: str = "CVAT XML 1.1",
        status_check_period: float | None = None,
        pbar: ProgressReporter | None = None,
    ) -> Task:
        """Create a task, attach its data and (optionally) import annotations; returns it ready.

        Input is checked before anything is created. If a later step fails, TaskCreationError
        says which and carries `task_id`.
        """
        spec_dict = spec.to_dict() if isinstance(spec, Model) else dict(spec)
        if spec_dict.get("project_id") and spec_dict.get("labels"):
            raise CvatSdkException(
                "Can't set labels to a task inside a project: tasks inside a project use the project's labels"
            )
        build_data_request(data_params)  # validate now, before creating anything
        if resource_type is ResourceType.LOCAL:
            missing = [r for r in resources if not Path(r).is_file()]
            if missing:
                raise MissingFilesError(missing)
        if annotation_path and not Path(annotation_path).is_file():
            raise FileNotFoundError(f"annotation file not found: {annotation_path}")
        if not resources:
            raise NoTaskDataError("No media data found: no resources were given (nothing was created)")

        task = self.create(spec)
        self._client.logger.info("Created task ID: %s NAME: %s", task.id, task.name)
        step = "data upload"
        try:
            task.upload_data(
                resources,
                resource_type=resource_type,
                params=data_params,
                pbar=pbar,
                status_check_period=status_check_period,
            )
            if annotation_path:
                step = "annotation import"
                task.import_annotations(annotation_format, annotation_path, status_check_period=status_check_period)
                task.fetch()
        except Exception as e:
            raise task_creation_error(e, task_id=task.id, step=step) from e
        return task

    def remove_by_ids(self, task_ids: Sequence[int]) -> None:
        super().remove_by_ids(task_ids)
