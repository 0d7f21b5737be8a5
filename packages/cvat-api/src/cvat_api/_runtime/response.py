"""ApiResponse: the HTTP answer, readable like urllib3's response (status, data, read) and like requests'."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

DEFAULT_CHUNK = 1 << 16


class ApiResponse:
    """An HTTP response whose body is read only when asked: `.data` reads it all; `read(n)` and
    `stream()` read it in pieces, so binary downloads need not be held in memory."""

    __slots__ = ("_resp", "_data", "method")

    def __init__(self, resp: requests.Response, method: str) -> None:
        self._resp = resp
        self._data: bytes | None = None
        self.method = method

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
            with self._reading():
                self._data = self._resp.content
        return self._data

    def read(self, amt: int | None = None) -> bytes:
        """Up to `amt` bytes of the body not yet read (all of it if `amt` is None)."""
        if self._data is not None:
            if amt is None:
                out, self._data = self._data, b""
            else:
                out, self._data = self._data[:amt], self._data[amt:]
            return out
        with self._reading():
            if amt is None:
                return self._resp.raw.read(decode_content=True) or b""
            return self._resp.raw.read(amt, decode_content=True) or b""

    def stream(self, chunk_size: int = DEFAULT_CHUNK) -> Iterator[bytes]:
        """The body in chunks, without holding it whole."""
        if self._data is not None:
            data = self._data
            for i in range(0, len(data), chunk_size):
                yield data[i : i + chunk_size]
            return
        with self._reading():
            yield from self._resp.iter_content(chunk_size)

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
