"""The trust boundary: credentials go only to the configured server's origin (scheme, host, port).

Every URL a request goes to (the configured host, a URL the server handed back, each redirect
hop) is compared with the configured origin: the same origin gets the client's auth headers and
cookies; another origin gets none of them (see `strip_credentials`), or is refused by the caller.
"""

from __future__ import annotations

import http.cookiejar
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from .errors import CrossOriginError

# Headers that carry a credential of the configured server, never sent to another origin.
CREDENTIAL_HEADERS = frozenset({"authorization", "x-csrftoken", "origin", "cookie"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of an absolute URL, the port made explicit for http and https."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port if port is not None else _DEFAULT_PORTS.get(scheme)


def same_origin(url: str, server: str) -> bool:
    """Whether `url` is on the origin of `server` (scheme, host and port all equal)."""
    return origin_of(url) == origin_of(server)


def origin_text(url: str) -> str:
    """`scheme://host:port` of a URL, for messages and the Origin header."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def strip_credentials(headers: Mapping[str, str]) -> dict[str, str]:
    """`headers` without the ones that carry the server's credentials."""
    return {k: v for k, v in headers.items() if k.lower() not in CREDENTIAL_HEADERS}


def require_same_origin(url: str, server: str, what: str) -> str:
    """`url` if it is on the server's origin, else CrossOriginError naming `what` and both origins."""
    if not same_origin(url, server):
        raise CrossOriginError(
            f"{what} names another origin ({origin_text(url)}) than the server's ({origin_text(server)}); "
            "refused, so that neither credentials nor data go there (a reverse proxy that does not "
            "pass the public host to CVAT gives such URLs)",
            url=url,
        )
    return url


class OriginCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Keeps cookies only from answers of the server's origin (`server()` gives its URL), so a
    cookie set by another origin (even another port of the same host) never joins the session."""

    def __init__(self, server: Callable[[], str]) -> None:
        super().__init__()
        self._server = server

    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return same_origin(request.get_full_url(), self._server()) and super().set_ok(cookie, request)

    def return_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return same_origin(request.get_full_url(), self._server()) and super().return_ok(cookie, request)
