"""One file over TUS 1.0.0 on a CVAT resource endpoint, resuming from the server's offset on failures.

create: `POST <endpoint>/` with Upload-Length and Upload-Metadata (filename) -> 201, Location
and Upload-Filename (the name the server stored). Then `PATCH <Location>` chunks with
Upload-Offset -> 204 and the new offset. After a failed PATCH the server's offset is read with
`HEAD <Location>` and the upload continues from there, so no byte is written twice.

CVAT deletes the upload's state when the last chunk arrives, so a HEAD that fails right after
a final PATCH that may have reached the server means the upload is complete (on CVAT 2.42 it
answers 500). When the endpoint refuses duplicate names (task data), that is confirmed with a
new create request, which the server answers 409 if the file is there.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from cvat_api import Verdict
from cvat_api.exceptions import TransportError

from .bodies import FileRegion
from .errors import UploadError
from .reporting import ProgressAccount
from .transport import (
    Failure,
    Transport,
    as_resendable,
)

TUS_VERSION = "1.0.0"
GONE_AFTER_COMPLETION = frozenset({404, 410, 500})


@dataclass(frozen=True)
class TusResult:
    """`server_filename`: the name the server gave the file (Upload-Filename); `already_stored`:
    the server refused to create it because it has a file of that name (only if allowed)."""

    server_filename: str
    already_stored: bool = False


class _UploadGone(Exception):
    """The server no longer knows the upload: it must start over with a new create request."""


class _Stored(Exception):
    """The server already has the file (409 on create)."""


class ChunkFailed(Exception):
    """A chunk request failed; `failure` says how (raised, so that no wrapper can hide it)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(str(failure.error))
        self.failure = failure


@dataclass(frozen=True)
class TusChunk:
    """One chunk request (PATCH) of a TUS upload. `_do_request` sends it: the official SDK's patch
    point (`cvat_sdk.core.uploading._MyTusUploader._do_request`, which callers wrap to count chunk
    requests, dropping what it returns). It returns nothing and raises ChunkFailed when the server
    did not confirm the chunk, so a wrapper can neither hide a failure nor pass a stale offset."""

    upload: TusUpload
    location: str
    offset: int
    length: int

    def _do_request(self) -> None:
        self.upload._patch(self.location, self.offset, self.length)


class TusUpload:
    """Uploads `path` (of `size` bytes) as `name` through `endpoint_url`.

    `existing_ok`: a 409 on create means the file is already stored (used to check files of a
    group whose request may or may not have reached the server). `names_unique`: the endpoint
    refuses a second file of the same name, so a create request can confirm a completed upload.
    """

    def __init__(
        self,
        transport: Transport,
        endpoint_url: str,
        path: Path,
        size: int,
        *,
        name: str,
        account: ProgressAccount,
        existing_ok: bool = False,
        names_unique: bool = False,
    ) -> None:
        self._t = transport
        self._create_url = transport.absolute_url(endpoint_url.rstrip("/") + "/")
        self._path = path
        self._size = size
        self._name = name
        self._account = account
        self._existing_ok = existing_ok
        self._names_unique = names_unique
        self._retrier = transport.retrier(f"Uploading {path}", [str(path)])

    def run(self) -> TusResult:
        restarts = 0
        while True:
            try:
                location, server_name = self._create()
                self._send(location)
                return TusResult(server_name)
            except _Stored:
                self._account.set_to(self._size)
                return TusResult(self._name, already_stored=True)
            except _UploadGone as gone:
                restarts += 1
                if restarts > self._t.policy.max_retries:
                    raise UploadError(
                        f"Uploading {self._path} failed: the server lost the upload {restarts} times ({gone})",
                        filename=self._path,
                    ) from None
                self._t.logger.warning("Uploading %s: %s; starting the upload over", self._path, gone)
                self._account.reset()

    # -- requests -----------------------------------------------------------------------------------
    def _create(self) -> tuple[str, str]:
        """Location and server-given name of a new upload; raises _Stored on 409 if allowed."""
        retrier = self._retrier
        meta = "filename " + base64.b64encode(self._name.encode("utf-8")).decode("ascii")
        headers = {
            "Tus-Resumable": TUS_VERSION,
            "Upload-Length": str(self._size),
            "Upload-Metadata": meta,
            # CVAT builds the Location from the Origin header; token auth would not send one.
            "Origin": self._t.api_client.origin,
        }
        while True:
            try:
                response = self._t.send("POST", self._create_url, headers=headers)
            except TransportError as e:
                failure = self._t.failure_from_exception(e)
            else:
                if response.status == 201:
                    location = response.headers.get("Location")
                    if not location:
                        raise UploadError(
                            f"Uploading {self._path} failed: the server's TUS answer has no Location header",
                            filename=self._path,
                        )
                    retrier.succeeded()
                    return urljoin(self._create_url, location), response.headers.get("Upload-Filename") or self._name
                if response.status == 409 and self._existing_ok:
                    response.close()
                    raise _Stored()
                failure = self._t.failure_from_response(response)
                if response.status == 409:
                    raise retrier.fail(failure, f" (the server already has a file named {self._name!r} in this upload)")
            # A create request that may have reached the server only leaves an unused upload behind.
            retrier.retry_or_raise(as_resendable(failure))

    def _send(self, location: str) -> None:
        offset = 0
        retrier = self._retrier
        chunk_size = self._t.settings.tus_chunk_size
        while offset < self._size:
            length = min(chunk_size, self._size - offset)
            self._account.set_to(offset)
            try:
                TusChunk(self, location, offset, length)._do_request()
            except ChunkFailed as e:
                failure = e.failure
            else:
                offset += length  # the server confirmed exactly this (else ChunkFailed)
                retrier.succeeded()
                continue
            retrier.retry_or_raise(as_resendable(failure))
            final = offset + length >= self._size
            server_offset = self._server_offset(location, final_chunk_may_have_landed=final)
            if server_offset > offset:  # the chunk (or part of it) landed after all: progress
                retrier.succeeded()
            offset = server_offset
        self._account.set_to(self._size)

    def _patch(self, location: str, offset: int, length: int) -> None:
        """Send `length` bytes at `offset` (one PATCH). Returns only when the server confirmed the
        new offset `offset + length`; raises ChunkFailed (how it failed) otherwise."""
        body = FileRegion(self._path, offset, length, on_read=self._account.add, cancel=self._t.cancel)
        headers = {
            "Tus-Resumable": TUS_VERSION,
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
        }
        try:
            response = self._t.send("PATCH", location, headers=headers, body=body)
        except TransportError as e:
            raise ChunkFailed(
                self._t.failure_from_exception(e, body_sent=body.fully_read, local_error=body.local_error)
            ) from None
        finally:
            body.close()
        if response.status == 204:
            response.close()
            confirmed = _offset(response.headers.get("Upload-Offset"), offset + length)
            if confirmed != offset + length:  # the server is elsewhere than we think: ask it
                error = UploadError(f"the server reports offset {confirmed} after a chunk to {offset + length}")
                raise ChunkFailed(Failure(Verdict.AMBIGUOUS, error))
            return
        failure = self._t.failure_from_response(response)
        if response.status in (404, 410):
            raise _UploadGone(f"PATCH answered {response.status}")
        if response.status == 409:  # the offset we sent is not the server's: ask it
            failure = Failure(Verdict.AMBIGUOUS, failure.error)
        raise ChunkFailed(failure)

    def _server_offset(self, location: str, *, final_chunk_may_have_landed: bool) -> int:
        """The offset the server has (HEAD), retried; the size if the upload turns out complete.
        Its failures are counted apart from the PATCH's: each is bounded by `max_retries` in a row."""
        retrier = self._t.retrier(f"Uploading {self._path}", [str(self._path)])
        while True:
            try:
                response = self._t.send("HEAD", location, headers={"Tus-Resumable": TUS_VERSION})
            except TransportError as e:
                failure = self._t.failure_from_exception(e)
            else:
                if response.status == 200:
                    response.close()
                    value = _offset(response.headers.get("Upload-Offset"), -1)
                    if not 0 <= value <= self._size:
                        raise UploadError(
                            f"Uploading {self._path} failed: the server reports offset {value} of {self._size}",
                            filename=self._path,
                        )
                    return value
                failure = self._t.failure_from_response(response)
                if response.status in GONE_AFTER_COMPLETION:
                    if final_chunk_may_have_landed and self._completed():
                        self._t.logger.info("Uploading %s: the last chunk had arrived", self._path)
                        return self._size
                    raise _UploadGone(f"HEAD answered {response.status}")
            retrier.retry_or_raise(as_resendable(failure))

    def _completed(self) -> bool:
        """Whether the server has the whole file, after its upload state vanished."""
        if not self._names_unique:
            return True  # nothing better to ask; the state is only dropped on completion
        probe = TusUpload(
            self._t,
            self._create_url,
            self._path,
            self._size,
            name=self._name,
            account=self._account,
            existing_ok=True,
        )
        try:
            probe._create()
        except _Stored:
            return True
        return False  # the server accepted a new upload of that name: the file is not there


def _offset(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
