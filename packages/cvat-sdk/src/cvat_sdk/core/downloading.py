"""`cvat_sdk.core.downloading`: the official download class, on the SDK's transfer engine
(retried, resumed, written atomically: a failed download leaves no file behind)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .exceptions import CvatSdkException
from .progress import ProgressReporter

if TYPE_CHECKING:
    from .client import Client


class Downloader:
    """Downloads files from the server with the client's auth."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def download_file(
        self,
        url: str,
        output_path: str | os.PathLike[str],
        *,
        timeout: float | tuple[float, float] | None = None,
        pbar: ProgressReporter | None = None,
        overwrite: bool = False,
    ) -> Path:
        """GET `url` into `output_path`; an existing file is an error unless `overwrite=True`."""
        from .transfers import Downloader as _Engine

        return _Engine(self._client.api_client, self._client._transfer_settings()).download_file(
            url, output_path, overwrite=overwrite, pbar=pbar, timeout=timeout
        )

    def prepare_and_download_file_from_endpoint(
        self,
        endpoint: Any,
        filename: str | os.PathLike[str],
        *,
        url_params: Mapping[str, Any] | None = None,
        query_params: Mapping[str, Any] | None = None,
        pbar: ProgressReporter | None = None,
        status_check_period: float | None = None,
    ) -> Path:
        """Start a server-side export at `endpoint` (POST, 202 with a request id), wait for it and
        download the result."""
        path = getattr(endpoint, "path", endpoint)
        url = self._client.api_map.make_endpoint_url(path, kwsub=url_params)
        response = self._client.api_client.request("POST", url, query_params=dict(query_params or {}))
        rq_id = response.json()["rq_id"]
        request, _ = self._client.wait_for_completion(rq_id, status_check_period=status_check_period)
        result_url = request.get("result_url")
        if not result_url:
            raise CvatSdkException(f"The server finished request {rq_id} but gave no file to download")
        return self.download_file(result_url, filename, pbar=pbar)


__all__ = ["Downloader"]
