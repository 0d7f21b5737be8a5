"""FileUploader: one file into a single-file import endpoint (annotations, datasets, backups).

Upload-Start (with the query), the file over TUS, then Upload-Finish with the query plus
`filename=<the name the server gave>` and optional JSON fields; the finish answer (202 with an
rq_id) is returned. Query parameters such as `conv_mask_to_poly` go on both requests.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import cvat_api
from cvat_api._runtime import encoding

from ..progress import ProgressReporter
from .dialect import finish_upload, start_upload
from .errors import MissingFilesError
from .reporting import SharedProgress
from .transport import TransferComponent, Transport
from .tus import TusUpload


class FileUploader(TransferComponent):
    """Uploads one local file through CVAT's Upload-Start / TUS / Upload-Finish bracket."""

    last_server_filename: str | None = None
    """The name the server gave the last uploaded file (Upload-Filename)."""

    def upload_file(
        self,
        url: str,
        filename: str | os.PathLike[str],
        *,
        query_params: Mapping[str, Any] | None = None,
        fields: Mapping[str, Any] | None = None,
        pbar: ProgressReporter | None = None,
    ) -> cvat_api.ApiResponse:
        """Upload `filename` to `url`; returns the Upload-Finish answer. `query_params` is not modified."""
        path = Path(filename)
        if not path.is_file():
            raise MissingFilesError([path])
        size = path.stat().st_size
        query = encoding.query_pairs(dict(query_params or {}))
        transport = Transport(self.api_client, self.settings, self.logger, threading.Event())
        progress = SharedProgress(pbar)
        with progress.reporter.task(
            total=size, desc=f"Uploading {path.name}", unit="B", unit_scale=True, unit_divisor=1024
        ):
            start_upload(transport, url, params=query, filenames=[str(path)])
            result = TusUpload(transport, url, path, size, name=path.name, account=progress.account()).run()
            self.last_server_filename = result.server_filename
            return finish_upload(
                transport,
                url,
                params=[*((k, v) for k, v in query if k != "filename"), ("filename", result.server_filename)],
                fields=fields,
                filenames=[str(path)],
            )
