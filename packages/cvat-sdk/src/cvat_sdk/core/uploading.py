"""`cvat_sdk.core.uploading`: the official upload classes, on the SDK's transfer engine
(`core.transfers`): parallel, retried and resumable uploads in CVAT's TUS dialect.

`Uploader._CHUNK_SIZE` is the TUS chunk size of every upload of the SDK (read when a transfer
starts); `_MyTusUploader._do_request` sends each chunk (one TUS chunk request; a failure raises,
whatever a wrapper returns). Both keep their official names because callers set and observe them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cvat_api

from .progress import ProgressReporter
from .transfers.settings import SERVER_MAX_REQUEST_SIZE, TransferSettings
from .transfers.tus import TusChunk

if TYPE_CHECKING:
    from .client import Client

MAX_REQUEST_SIZE = SERVER_MAX_REQUEST_SIZE

_MyTusUploader = TusChunk  # the official name; its _do_request sends one TUS chunk


class Uploader:
    """Uploads one file through CVAT's Upload-Start / TUS / Upload-Finish bracket."""

    _CHUNK_SIZE = TransferSettings.tus_chunk_size  # the one default, TransferSettings'

    def __init__(self, client: Client) -> None:
        self._client = client

    def upload_file(
        self,
        url: str,
        filename: str | os.PathLike[str],
        *,
        meta: Mapping[str, Any] | None = None,
        query_params: dict[str, Any] | None = None,
        fields: Mapping[str, Any] | None = None,
        pbar: ProgressReporter | None = None,
        logger: Any = None,
    ) -> cvat_api.ApiResponse:
        """Upload `filename` to `url`; returns the Upload-Finish answer. As in the official SDK,
        `query_params["filename"]` is set to the name the server gave the file."""
        from .transfers import FileUploader

        query = query_params if query_params is not None else {}
        uploader = FileUploader(
            self._client.api_client, self._client._transfer_settings(), logger=logger or self._client.logger
        )
        response = uploader.upload_file(url, filename, query_params=query, fields=fields, pbar=pbar)
        query["filename"] = uploader.last_server_filename
        return response


class AnnotationUploader(Uploader):
    """Imports an annotation file into a task or job and waits until the server has processed it."""

    def upload_file_and_wait(
        self,
        endpoint: Any,
        filename: str | os.PathLike[str],
        format_name: str,
        *,
        conv_mask_to_poly: bool | None = None,
        url_params: Mapping[str, Any] | None = None,
        pbar: ProgressReporter | None = None,
        status_check_period: float | None = None,
    ) -> None:
        from .proxies.imports import upload_and_wait

        path = getattr(endpoint, "path", endpoint)
        url = self._client.api_map.make_endpoint_url(path, kwsub=url_params)
        upload_and_wait(
            self._client,
            url,
            filename,
            query={"format": format_name, "conv_mask_to_poly": _flag(conv_mask_to_poly)},
            what=f"Import of {Path(filename).name}",
            status_check_period=status_check_period,
            pbar=pbar,
        )


class DatasetUploader(AnnotationUploader):
    """Imports a dataset file into a project and waits until the server has processed it (the same
    bracket; the official method names its first parameter `upload_endpoint`)."""

    def upload_file_and_wait(  # type: ignore[override]
        self, upload_endpoint: Any, filename: str | os.PathLike[str], format_name: str, **options: Any
    ) -> None:
        super().upload_file_and_wait(upload_endpoint, filename, format_name, **options)


class DataUploader(Uploader):
    """Uploads local files as a task's data: small files grouped, large ones by TUS, in parallel."""

    def __init__(self, client: Client, *, max_request_size: int = MAX_REQUEST_SIZE) -> None:
        super().__init__(client)
        self.max_request_size = max_request_size

    def upload_files(
        self,
        url: str,
        resources: Sequence[str | os.PathLike[str]],
        *,
        pbar: ProgressReporter | None = None,
        **kwargs: Any,
    ) -> cvat_api.ApiResponse:
        """Upload `resources`; `kwargs` are the data parameters sent with Upload-Finish. Returns
        the finish answer (`{"rq_id": ...}`)."""
        from .transfers import DataUploader as _Engine

        settings = self._client._transfer_settings(group_size=min(self.max_request_size, MAX_REQUEST_SIZE))
        return _Engine(self._client.api_client, settings, logger=self._client.logger).upload_files(
            url, resources, data_params=kwargs, pbar=pbar
        )


def _flag(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


__all__ = ["AnnotationUploader", "DataUploader", "DatasetUploader", "MAX_REQUEST_SIZE", "Uploader"]
