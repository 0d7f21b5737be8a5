"""Single-file uploads that end in a background request: annotations, datasets, backups."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvat_api import models

from ..exceptions import CvatSdkException
from ..progress import ProgressReporter
from ..transfers import FileUploader

if TYPE_CHECKING:
    from ..client import Client

StrPath = str | os.PathLike[str]


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
