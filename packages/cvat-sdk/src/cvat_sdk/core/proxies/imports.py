"""Single-file uploads that end in a background request: annotations, datasets, backups."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvat_api import models

from ..exceptions import CvatSdkException
from ..progress import ProgressReporter
from ..transfers import FileUploader
from ..utils import StrPath
from .model_proxy import Entity, EntityT, ModelRetrieveMixin

if TYPE_CHECKING:
    from ..client import Client


def upload_and_wait(
    client: Client,
    url: str,
    filename: StrPath,
    *,
    query: dict[str, Any],
    what: str,
    status_check_period: float | None = None,
    pbar: ProgressReporter | None = None,
) -> models.Request:
    """Upload one file to `url` (Upload-Start, TUS, Upload-Finish) and wait for the server to process it."""
    path = Path(filename)
    if not path.is_file():
        raise FileNotFoundError(f"{what}: no such file: {path}")
    query = {k: v for k, v in query.items() if v is not None}
    query.setdefault("filename", path.name)
    response = FileUploader(client.api_client, client._transfer_settings(), logger=client.logger).upload_file(
        url, path, query_params=query, pbar=pbar
    )
    try:
        rq_id = response.json()["rq_id"]
    except (ValueError, KeyError, TypeError):
        raise CvatSdkException(f"{what}: the server's answer has no request id (status {response.status})") from None
    request, _ = client.wait_for_completion(rq_id, status_check_period=status_check_period, log_prefix=what)
    return request


class FileImportMixin(Entity):
    """Imports of one file into this object: annotations (tasks, jobs) or a dataset (projects)."""

    _resource_path: str  # "tasks", "jobs", "projects"

    def _import_file(
        self,
        target: str,
        format_name: str,
        filename: StrPath,
        *,
        conv_mask_to_poly: bool | None,
        status_check_period: float | None,
        pbar: ProgressReporter | None,
    ) -> None:
        noun = self._resource_path[:-1]
        upload_and_wait(
            self._client,
            f"/api/{self._resource_path}/{self._id}/{target}/",
            filename,
            query={"format": format_name, "conv_mask_to_poly": conv_mask_to_poly},
            what=f"Import of {filename} into {noun} {self._id}",
            status_check_period=status_check_period,
            pbar=pbar,
        )
        self._client.logger.info("Annotation file '%s' for %s #%s uploaded", filename, noun, self._id)


class AnnotationImportMixin(FileImportMixin):
    def import_annotations(
        self,
        format_name: str,
        filename: StrPath,
        *,
        conv_mask_to_poly: bool | None = None,
        status_check_period: float | None = None,
        pbar: ProgressReporter | None = None,
    ) -> None:
        """Upload an annotation file in `format_name` (e.g. "CVAT 1.1") and wait until it is imported.

        `conv_mask_to_poly` is sent to the server (the official 2.42 SDK drops it).
        """
        self._import_file(
            "annotations",
            format_name,
            filename,
            conv_mask_to_poly=conv_mask_to_poly,
            status_check_period=status_check_period,
            pbar=pbar,
        )


class BackupRestoreMixin(ModelRetrieveMixin[EntityT]):
    """`create_from_backup` for repositories whose objects can be backed up (tasks, projects)."""

    _resource_path: str

    def create_from_backup(
        self,
        filename: StrPath,
        *,
        status_check_period: float | None = None,
        pbar: ProgressReporter | None = None,
    ) -> EntityT:
        """Restore an object from a backup file made by `download_backup`; returns the new object."""
        noun = self._resource_path[:-1]
        request = upload_and_wait(
            self._client,
            f"/api/{self._resource_path}/backup/",
            filename,
            query={},
            what=f"Restore of a {noun} from {filename}",
            status_check_period=status_check_period,
            pbar=pbar,
        )
        self._client.logger.info(
            "%s has been imported successfully. %s ID: %s", noun.capitalize(), noun.capitalize(), request.result_id
        )
        return self.retrieve(request.result_id)
