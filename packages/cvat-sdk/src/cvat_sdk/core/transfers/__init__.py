"""Uploads and downloads: CVAT's TUS dialect, parallel and resumable transfers, atomic downloads.

Modules: `settings` (TransferSettings), `data_upload` (task data), `file_upload` (single-file
imports), `downloads`, `tus` (one TUS file), `dialect` (Upload-Start/Finish), `planning`
(grouping), `bodies` (streamed request bodies), `transport` (failure rules, retries),
`parallel`, `reporting` (progress shared by threads), `errors`. Retries are logged on the
`cvat_sdk.transfers` logger.
"""

from __future__ import annotations

from .data_upload import DataUploader
from .downloads import Downloader
from .errors import DownloadError, MissingFilesError, OutputExistsError, TransferError, UploadError
from .file_upload import FileUploader
from .parallel import parallel_map
from .settings import TransferSettings

__all__ = [
    "DataUploader",
    "DownloadError",
    "Downloader",
    "FileUploader",
    "MissingFilesError",
    "OutputExistsError",
    "TransferError",
    "TransferSettings",
    "UploadError",
    "parallel_map",
]
