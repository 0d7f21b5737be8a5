"""Dataset export and backup download, shared by tasks, projects and jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cvat_api.exceptions import ConflictException

from ..exceptions import CvatSdkException
from ..progress import ProgressReporter
from ..transfers import Downloader, OutputExistsError
from ..utils import StrPath
from .model_proxy import Entity
from .types import Location


class ExportMixinBase(Entity):
    _resource_path: str  # "tasks", "jobs", "projects"

    def _start_and_download(
        self,
        start: Any,
        filename: StrPath,
        *,
        what: str,
        location: Location | str | None,
        cloud_storage_id: int | None,
        status_check_period: float | None,
        pbar: ProgressReporter | None,
        overwrite: bool,
        query: dict[str, Any],
    ) -> Path | None:
        path = Path(filename)
        loc = Location(location) if location is not None else None
        if loc is Location.CLOUD_STORAGE and not cloud_storage_id:
            raise ValueError("cloud_storage_id must be given when location is Location.CLOUD_STORAGE")
        to_cloud = loc is Location.CLOUD_STORAGE or (loc is None and self._default_target_is_cloud())
        if not to_cloud and path.exists() and not path.is_dir() and not overwrite:
            raise OutputExistsError(path)
        if loc is not None:
            query["location"] = loc.value
        if cloud_storage_id:
            query["cloud_storage_id"] = cloud_storage_id
        if to_cloud:
            query["filename"] = str(filename)
        try:
            rq, _ = start(**query)
            rq_id = rq.rq_id
        except ConflictException as e:  # the same export is already running: wait for that one
            rq_id = _rq_id_of(e)
        subject = f"{self._resource_path[:-1]} {self._id}"  # "task 42", as the official SDK names it
        request, _ = self._client.wait_for_completion(
            rq_id, status_check_period=status_check_period, log_prefix=f"{what} of {subject}"
        )
        result_url = request.get("result_url")
        if to_cloud:
            if result_url:
                raise CvatSdkException(f"{what}: the server kept the file locally although cloud storage was asked")
            return None
        if not result_url:
            raise CvatSdkException(f"{what}: the server gave no result to download (request {rq_id})")
        # `filename` as given, not `path`: a trailing "/" (a folder) does not survive Path()
        path = Downloader(self._client.api_client, self._client._transfer_settings()).download_file(
            result_url, filename, overwrite=overwrite, pbar=pbar
        )
        self._client.logger.info("%s for %s has been downloaded to %s", what, subject, path)
        return path

    def _default_target_is_cloud(self) -> bool:
        storage = self._model.get("target_storage")
        location = storage.get("location") if storage is not None else None
        return location is not None and str(location) == Location.CLOUD_STORAGE.value


def _rq_id_of(e: ConflictException) -> str:
    import json

    try:
        return str(json.loads(e.body or "")["rq_id"])
    except (ValueError, KeyError, TypeError):
        raise e from None


class ExportDatasetMixin(ExportMixinBase):
    def export_dataset(
        self,
        format_name: str,
        filename: StrPath,
        *,
        pbar: ProgressReporter | None = None,
        status_check_period: float | None = None,
        include_images: bool = True,
        location: Location | str | None = None,
        cloud_storage_id: int | None = None,
        overwrite: bool = False,
    ) -> Path | None:
        """Export in `format_name` (e.g. "CVAT for images 1.1") and save to `filename`; returns the
        path written (None when exported to cloud storage).

        A folder as `filename` (an existing one, or a path ending in "/", made) saves under the
        server's file name there. An existing file is an
        error unless `overwrite=True`; the file appears only when complete.
        """
        return self._start_and_download(
            lambda **q: self.api.create_dataset_export(format_name, self._id, **q),
            filename,
            what="Dataset",
            location=location,
            cloud_storage_id=cloud_storage_id,
            status_check_period=status_check_period,
            pbar=pbar,
            overwrite=overwrite,
            query={"save_images": include_images},
        )


class DownloadBackupMixin(ExportMixinBase):
    def download_backup(
        self,
        filename: StrPath,
        *,
        status_check_period: float | None = None,
        pbar: ProgressReporter | None = None,
        location: Location | str | None = None,
        cloud_storage_id: int | None = None,
        overwrite: bool = False,
    ) -> Path | None:
        """Save a backup (a zip the server can restore from) to `filename` (a folder: under the
        server's file name); returns the path written (None when saved to cloud storage)."""
        return self._start_and_download(
            lambda **q: self.api.create_backup_export(self._id, **q),
            filename,
            what="Backup",
            location=location,
            cloud_storage_id=cloud_storage_id,
            status_check_period=status_check_period,
            pbar=pbar,
            overwrite=overwrite,
            query={},
        )
