"""ApiResponse: the HTTP answer, readable like urllib3's response (status, data, read) and like requests'."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from .errors import TransportError

if TYPE_CHECKING:
    from .retry import RetryPolicy

DEFAULT_CHUNK = 1 << 16


class _ChangedAnswer(TransportError):
    """A repeated request got another answer than the one whose body broke off."""


class Reopener:
    """How a streamed answer whose body broke off is read again: `send()` repeats the request
    (through the retry loop), as long as the `policy`'s budget allows (new bytes start it afresh);
    `warn` logs each repeat."""

    __slots__ = ("send", "policy", "warn")

    def __init__(
        self,
        send: Callable[[], requests.Response],
        policy: RetryPolicy,
        warn: Callable[[str], None],
    ) -> None:
        self.send = send
        self.policy = policy
        self.warn = warn


class ApiResponse:
    """An HTTP response whose body is read only when asked: `.data` reads it all; `read(n)` and
    `stream()` read it in pieces, so binary downloads need not be held in memory.

    With a `reopen` (idempotent requests under a retry policy), a body that breaks off mid-way is
    requested again and the bytes already handed out are skipped, so readers get the whole body
    once; the answer must be the same (status, length, validators) or TransportError is raised.
    """

    __slots__ = ("_resp", "_data", "method", "_reopen", "_source", "_pending", "_pulled")

    def __init__(self, resp: requests.Response, method: str, reopen: Reopener | None = None) -> None:
        self._resp = resp
        self._data: bytes | None = None
        self.method = method
        self._reopen = reopen
        self._source: Iterator[bytes] | None = None
        self._pending = b""  # pulled from the source, not yet handed out by read()
        self._pulled = 0  # bytes the source has produced so far

    # --- urllib3-style --------------------------------------------------------------------
    @property
    def status(self) -> int:
        return self._resp.status_code

    @property
    def reason(self) -> str:
        return self._resp.reason or ""

    @property
    def headers(self) -> CaseInsensitiveDict[str]:
        return self._resp.headers

    @property
    def url(self) -> str:
        return self._resp.url

    @property
    def data(self) -> bytes:
        """The whole body (read on first access, then kept)."""
        if self._data is None:
            rest, self._pending = self._pending, b""
            self._data = rest + b"".join(self._blocks(DEFAULT_CHUNK))
        return self._data

    def read(self, amt: int | None = None) -> bytes:
        """Up to `amt` bytes of the body not yet read (all of it if `amt` is None)."""
        if self._data is not None:
            if amt is None:
                out, self._data = self._data, b""
            else:
                out, self._data = self._data[:amt], self._data[amt:]
            return out
        if amt is None:
            rest, self._pending = self._pending, b""
            return rest + b"".join(self._blocks(DEFAULT_CHUNK))
        parts = [self._pending]
        have = len(self._pending)
        source = self._blocks(max(amt, DEFAULT_CHUNK))
        while have < amt:
            block = next(source, None)
            if block is None:
                break
            parts.append(block)
            have += len(block)
        joined = b"".join(parts)
        out, self._pending = joined[:amt], joined[amt:]
        return out

    def stream(self, chunk_size: int = DEFAULT_CHUNK) -> Iterator[bytes]:
        """The body in chunks, without holding it whole."""
        if self._data is not None:
            data = self._data
            for i in range(0, len(data), chunk_size):
                yield data[i : i + chunk_size]
            return
        if self._pending:
            rest, self._pending = self._pending, b""
            yield rest
        yield from self._blocks(chunk_size)

    def _blocks(self, chunk_size: int) -> Iterator[bytes]:
        """The rest of the body (one source per response, shared by read, stream and data)."""
        if self._source is None:
            self._source = self._resumable(chunk_size)
        return self._source

    def _resumable(self, chunk_size: int) -> Iterator[bytes]:
        budget = self._reopen.policy.budget() if self._reopen else None
        skip = 0  # bytes of a repeated answer that were handed out before
        while True:
            try:
                with self._reading():
                    for block in self._resp.iter_content(chunk_size):
                        if skip:
                            dropped = min(skip, len(block))
                            skip -= dropped
                            block = block[dropped:]
                            if not block:
                                continue
                        if budget:
                            budget.progressed()  # new bytes: the next break starts a fresh count
                        self._pulled += len(block)
                        yield block
                if skip:
                    raise TransportError(
                        "the repeated answer was shorter than the part already read", method=self.method, url=self.url
                    )
                return
            except TransportError as e:
                reopen = self._reopen
                delay = budget.next_delay() if budget and not isinstance(e, _ChangedAnswer) else None
                if reopen is None or budget is None or delay is None:
                    raise
                reopen.warn(
                    f"{self.method} {urlsplit(self.url).path}: the answer broke off after {self._pulled} bytes "
                    f"({e}); reading it again, {budget.describe()} in {delay:.2f}s"
                )
                from . import retry

                retry.sleep(delay)
                self._resp.close()
                fresh = reopen.send()
                self._check_same(fresh)
                self._resp = fresh
                skip = self._pulled

    def _check_same(self, fresh: requests.Response) -> None:
        """The repeated answer must be the same resource, or the bytes handed out would not fit."""
        old = self._resp
        changed = fresh.status_code != old.status_code
        if self._pulled:
            for name in ("Content-Length", "ETag", "Last-Modified", "Content-Encoding"):
                a, b = old.headers.get(name), fresh.headers.get(name)
                changed = changed or (a is not None and b is not None and a != b)
        if changed:
            fresh.close()
            raise _ChangedAnswer(
                f"the answer broke off and, asked again, the server answered differently "
                f"({fresh.status_code}, was {old.status_code})",
                method=self.method,
                url=self.url,
            )

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Report a connection broken (or timed out) while reading the body as a TransportError."""
        try:
            yield
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as e:
            from .rest import transport_error

            raise transport_error(e, self.method, self.url) from e

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self._resp.headers.get(name, default)

    def getheaders(self) -> CaseInsensitiveDict[str]:
        return self._resp.headers

    def geturl(self) -> str:
        return self._resp.url

    def release_conn(self) -> None:
        self._resp.close()

    def close(self) -> None:
        self._resp.close()

    # --- requests-style -------------------------------------------------------------------
    @property
    def status_code(self) -> int:
        return self._resp.status_code

    @property
    def content(self) -> bytes:
        return self.data

    @property
    def text(self) -> str:
        return self.data.decode(self._resp.encoding or "utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.data)

    def iter_content(self, chunk_size: int = DEFAULT_CHUNK) -> Iterator[bytes]:
        return self.stream(chunk_size)

    @property
    def http_response(self) -> requests.Response:
        """The underlying `requests.Response`."""
        return self._resp

    @property
    def is_json(self) -> bool:
        ctype = self._resp.headers.get("Content-Type", "")
        return "json" in ctype.split(";", 1)[0]

    def __enter__(self) -> ApiResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<ApiResponse {self.method} {self.status} {self.reason}>"
