"""Typed errors of uploads and downloads; each names the file it is about and the cause."""

from __future__ import annotations

import os
from collections.abc import Sequence

from ..exceptions import CvatSdkException


class TransferError(CvatSdkException):
    """An upload or download failed.

    `filenames` are the local files concerned (a whole group for a failed Upload-Multiple
    request); `filename` is the first of them, or None.
    """

    def __init__(
        self,
        message: str,
        *,
        filename: str | os.PathLike[str] | None = None,
        filenames: Sequence[str | os.PathLike[str]] = (),
    ) -> None:
        super().__init__(message)
        names = [os.fspath(f) for f in filenames] or ([os.fspath(filename)] if filename is not None else [])
        self.filenames: tuple[str, ...] = tuple(names)
        self.filename: str | None = os.fspath(filename) if filename is not None else (names[0] if names else None)

    def __str__(self) -> str:  # not OSError's "[Errno ...]" form for the FileNotFoundError/FileExistsError kinds
        return str(self.args[0]) if self.args else ""


class UploadError(TransferError):
    """Uploading failed; the message names the file and why."""


class MissingFilesError(UploadError, FileNotFoundError):
    """Some input files do not exist (checked before anything is sent)."""

    def __init__(self, missing: Sequence[str | os.PathLike[str]]) -> None:
        self.missing = [os.fspath(p) for p in missing]
        shown = ", ".join(self.missing[:10]) + (
            f" (and {len(self.missing) - 10} more)" if len(self.missing) > 10 else ""
        )
        UploadError.__init__(
            self,
            f"{len(self.missing)} file(s) to upload not found (or not regular files): {shown}",
            filenames=self.missing,
        )


class DownloadError(TransferError):
    """Downloading failed; the message names the target file and why. No partial file is left."""


class OutputExistsError(TransferError, FileExistsError):
    """The download target exists and overwriting was not asked for."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        TransferError.__init__(
            self, f"{os.fspath(path)} already exists (pass overwrite=True to replace it)", filename=path
        )
