"""Downloader: a GET streamed to a temp file next to the target, renamed into place only when complete.

The length is checked against Content-Length (or Content-Range). An interrupted transfer is
resumed with a Range request (guarded by If-Range when the server sent a validator); if the
server ignores the Range, the download starts over (and asks no range again). Failures the retry
policy retries are retried while the download makes progress: an attempt that brings the file
further than ever starts a fresh count; one that received data but no further (a restart cut
again) is retried within the policy's time budget; `max_retries` attempts in a row that received
nothing end it. A failed download leaves nothing behind. The URL must be on the server's origin.
"""

from __future__ import annotations

import contextlib
import email.message
import os
import re
import threading
from pathlib import Path
from typing import BinaryIO

import cvat_api
from cvat_api import Verdict
from cvat_api.exceptions import TransportError

from ..progress import ProgressReporter
from ..utils import create_sibling_temp, place_file
from .errors import DownloadError, OutputExistsError
from .reporting import SharedProgress
from .transport import (
    Failure,
    TransferComponent,
    Transport,
    as_resendable,
)

_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)


class _Truncated(Exception):
    """The body ended before the announced length."""


class Downloader(TransferComponent):
    """Downloads files from the server with the client's auth."""

    def download_file(
        self,
        url: str,
        output_path: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        pbar: ProgressReporter | None = None,
        timeout: float | tuple[float, float] | None = None,
    ) -> Path:
        """GET `url` (absolute or host-relative) into `output_path`; returns the path written.

        If `output_path` is a directory, or a path ending in a separator (made here), the file goes
        into it under the name the server gives (Content-Disposition). Raises OutputExistsError if the target exists and `overwrite` is
        false, DownloadError (naming the target) when the download fails; no partial file is
        left either way.
        """
        output = Path(output_path)
        into_dir = names_a_folder(output_path)
        if into_dir:
            output.mkdir(parents=True, exist_ok=True)
        if not into_dir and output.exists() and not overwrite:
            raise OutputExistsError(output)
        transport = Transport(self.api_client, self.settings, self.logger, threading.Event())
        fd, tmp = create_sibling_temp(output / ".download" if into_dir else output, ".part")
        try:
            with os.fdopen(fd, "wb") as sink:
                download = _Download(transport, url, output, sink, SharedProgress(pbar), timeout)
                download.run()
            if into_dir:
                output = output / _server_filename(download.content_disposition, url, output)
            place_file(tmp, output, overwrite=overwrite)
        except OSError as e:
            with contextlib.suppress(OSError):
                tmp.unlink()
            if isinstance(e, OutputExistsError):
                raise
            if isinstance(e, FileExistsError):
                raise OutputExistsError(output) from None
            raise DownloadError(f"Downloading {url} to {output} failed: {e}", filename=output) from e
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        return output


def names_a_folder(path: str | os.PathLike[str]) -> bool:
    """Whether a download target means a folder to save into under the server's file name: an
    existing directory, or a path ending in a separator (made when the download starts)."""
    return Path(path).is_dir() or os.fspath(path).endswith(("/", os.sep))


def _server_filename(content_disposition: str | None, url: str, folder: Path) -> str:
    """The file name the server gave (Content-Disposition), reduced to a plain name."""
    message = email.message.Message()
    message["Content-Disposition"] = content_disposition or ""
    name = Path(message.get_filename() or "").name
    if not name or name in (".", ".."):
        raise DownloadError(
            f"Downloading {url} into the folder {folder}: the server gave no file name; give a file path",
            filename=folder,
        )
    return name


class _Download:
    """The request loop of one download."""

    def __init__(
        self,
        transport: Transport,
        url: str,
        output: Path,
        sink: BinaryIO,
        progress: SharedProgress,
        timeout: float | tuple[float, float] | None,
    ) -> None:
        self._t = transport
        self._url = url
        self._output = output
        self._sink = sink
        self._progress = progress
        self._timeout = timeout
        self._account = progress.account()
        self._received = 0
        self._best = 0
        self._moved = 0  # bytes received by all attempts
        self._ranges = True  # whether to ask for a range (no longer once the server ignored one)
        self._total: int | None = None
        self._validator: str | None = None
        self._started = False
        self.content_disposition: str | None = None

    def run(self) -> None:
        retrier = self._t.retrier(f"Downloading {self._url} to {self._output}", [str(self._output)], DownloadError)
        try:
            while True:
                moved = self._moved
                failure = self._attempt()
                if failure is None:
                    return
                if self._received > self._best:  # further than ever: the next failure starts a fresh count
                    self._best = self._received
                    retrier.succeeded()
                retrier.retry_or_raise(failure, delivered=self._moved > moved)
        finally:
            if self._started:
                self._progress.reporter.finish()

    def _attempt(self) -> Failure | None:
        """One GET; None when the file is complete, else the failure to retry (or raise)."""
        headers = {"Accept-Encoding": "identity"}
        resuming = self._received > 0 and self._ranges
        if resuming:
            headers["Range"] = f"bytes={self._received}-"
            if self._validator:
                headers["If-Range"] = self._validator
        try:
            response = self._t.send("GET", self._url, headers=headers, stream=True, timeout=self._timeout)
        except TransportError as e:
            return as_resendable(self._t.failure_from_exception(e))
        with response:
            if response.status == 416 and resuming:
                if self._total == self._received:
                    return None  # it was complete after all
                self._discard()
                return Failure(Verdict.UNPROCESSED, DownloadError("the server refused the range; starting over"))
            if response.status == 206 and resuming:
                if self._range_start(response) != self._received:
                    self._discard()
                    return Failure(Verdict.UNPROCESSED, DownloadError("the server sent another range; starting over"))
                self._t.logger.info("Downloading %s: resuming at byte %d", self._output, self._received)
            elif response.status == 200:
                if resuming:
                    self._t.logger.info("Downloading %s: the server cannot resume; starting over", self._output)
                    self._ranges = False
                self._restart(response)
            elif 200 <= response.status < 300:
                return Failure(
                    Verdict.FATAL, DownloadError(f"unexpected answer {response.status}", filename=self._output)
                )
            else:
                return as_resendable(self._t.failure_from_response(response))
            try:
                self._copy(response)
            except TransportError as e:
                failure = as_resendable(self._t.failure_from_exception(e))
            except _Truncated as e:
                failure = Failure(Verdict.UNPROCESSED, e)
            else:
                return None
        return failure

    def _discard(self) -> None:
        """Forget what was received."""
        self._sink.seek(0)
        self._sink.truncate()
        self._received = 0
        self._account.reset()
        self._validator = None

    def _restart(self, response: cvat_api.ApiResponse) -> None:
        """A full (200) answer: write from the start; learn the length and a validator."""
        self._discard()
        length = response.headers.get("Content-Length")
        encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
        self._total = int(length) if length and length.isdigit() and not encoded else None
        self._validator = response.headers.get("ETag") or response.headers.get("Last-Modified")
        self.content_disposition = response.headers.get("Content-Disposition")
        if not self._started:
            self._progress.reporter.start2(
                total=self._total or 0,
                desc=f"Downloading {self._output.name}",
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
            )
            self._started = True

    def _range_start(self, response: cvat_api.ApiResponse) -> int | None:
        match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if not match:
            return None
        if match.group(3) != "*":
            total = int(match.group(3))
            if self._total is not None and total != self._total:
                return None  # a different file now: start over
            self._total = total
        return int(match.group(1))

    def _copy(self, response: cvat_api.ApiResponse) -> None:
        for chunk in response.stream(self._t.settings.download_chunk_size):
            self._sink.write(chunk)
            self._received += len(chunk)
            self._moved += len(chunk)
            self._account.add(len(chunk))
        if self._total is not None and self._received != self._total:
            raise _Truncated(f"received {self._received} of {self._total} bytes")
