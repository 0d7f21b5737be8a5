"""Exceptions: one base, typed subclasses by HTTP status, transport failures. No credentials in messages."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_BODY_LIMIT = 2000
# Query parameters that may carry a secret in a URL (signed links, tokens).
_SECRET_QUERY_KEYS = frozenset(
    {
        "sign",
        "sig",
        "signature",
        "token",
        "key",
        "password",
        "access_token",
        "auth_token",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "x-goog-signature",
        "x-goog-credential",
    }
)


class OpenApiException(Exception):
    """Base of every exception raised by cvat-api."""


class _PathError(OpenApiException):
    """An error about a value at a path in the input (`path_to_item`, e.g. `['labels', 0]`)."""

    def __init__(self, msg: str, path_to_item: Any = None, *args: Any, **kwargs: Any) -> None:
        self.path_to_item = path_to_item
        if path_to_item:
            msg = f"{msg} at {''.join(f'[{p!r}]' for p in path_to_item)}"
        super().__init__(msg)


class UnsupportedOperationError(OpenApiException):
    """The server, of a version whose schema lacks the operation, was not asked: nothing was sent."""

    def __init__(self, operation: str, method: str, path: str, server_version: str, lacking: str) -> None:
        self.operation = operation
        self.server_version = server_version
        super().__init__(
            f"{operation} ({method} {path}) is not available on this server: it is CVAT {server_version}, "
            f"and the schema of CVAT {lacking} has no such operation; nothing was sent"
        )


class ApiTypeError(_PathError, TypeError):
    """An argument of the wrong type."""


class ApiValueError(_PathError, ValueError):
    """An argument or a server value that is not acceptable."""


class ApiArgumentTypeError(ApiTypeError, ApiValueError):
    """A value of the wrong type given for a model field or an operation's argument: an ApiTypeError,
    as the official client raises, and an ApiValueError, as earlier versions of this package did."""


class ApiAttributeError(_PathError, AttributeError):
    """An attribute that does not exist."""


class ApiKeyError(_PathError, KeyError):
    """A key that does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ApiFieldError(ApiAttributeError, KeyError):
    """`model[key]` for a field that is unset or unknown: an ApiAttributeError, as the official
    client raises, and a KeyError, as a mapping raises."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def redact_url(url: str) -> str:
    """The URL without user info and with secret-looking query values hidden."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    query = urlencode(
        [
            (k, "***" if k.lower() in _SECRET_QUERY_KEYS else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ]
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


_SECRET_IN_TEXT = re.compile(
    r"(?i)\b(" + "|".join(sorted(map(re.escape, _SECRET_QUERY_KEYS), key=len, reverse=True)) + r")=[^&\s'\")]*"
)


def redact_text(text: str) -> str:
    """A message (e.g. from requests, which quotes URLs) with secret-looking query values hidden."""
    return _SECRET_IN_TEXT.sub(r"\1=***", text)


class ApiException(OpenApiException):
    """The server answered with an error status.

    Attributes: status, reason, body (text), headers, method, url (credentials removed).
    """

    def __init__(
        self,
        status: int | None = None,
        reason: str | None = None,
        http_resp: Any = None,
        *,
        body: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        if http_resp is not None:
            status = status if status is not None else getattr(http_resp, "status", None)
            reason = reason if reason is not None else getattr(http_resp, "reason", None)
            body = body if body is not None else getattr(http_resp, "data", None)
            headers = headers if headers is not None else getattr(http_resp, "headers", None)
        if isinstance(body, bytes):
            body = body.decode("utf-8", errors="replace")
        self.status = status
        self.reason = reason
        self.body = body
        self.headers = headers
        self.method = method
        self.url = redact_url(url) if url else None
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.method} {self.url}: " if self.method and self.url else ""
        text = f"({self.status}) {self.reason or ''}".rstrip()
        detail = _summarize_body(self.body)
        return f"{where}{text}" + (f": {detail}" if detail else "")

    def __str__(self) -> str:
        return self._message()


def _summarize_body(body: str | None) -> str:
    if not body:
        return ""
    text = body.strip()
    if text.startswith("<"):  # an HTML error page says nothing useful in one line
        return ""
    return text if len(text) <= _BODY_LIMIT else text[:_BODY_LIMIT] + "…"


class MalformedAnswerError(ApiException, ApiValueError):
    """A success answer that does not fit the operation: an empty body where one is expected, JSON
    of the wrong type, or an object without a field every pinned server version sends. `operation`
    names the operation and `problem` what was wrong; status, body and the rest as for ApiException."""

    def __init__(self, response: Any, operation: str, problem: str) -> None:
        self.operation = operation
        self.problem = problem
        ApiException.__init__(
            self,
            status=response.status,
            reason=response.reason,
            body=response.data,
            headers=dict(response.headers),
            method=response.method,
            url=response.url,
        )

    def _message(self) -> str:
        where = f"{self.method} {self.url}: " if self.method and self.url else ""
        return f"{where}({self.status}) the answer to {self.operation} is malformed: {self.problem}"


class BadRequestException(ApiException):
    """400: the server rejected the input; `errors` maps field names to messages when it said so."""

    @property
    def errors(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.body or "")
        except ValueError:
            return {}
        if isinstance(data, list):
            return {"non_field_errors": [str(x) for x in data]}
        if not isinstance(data, dict):
            return {}
        return {str(k): [str(x) for x in v] if isinstance(v, list) else [str(v)] for k, v in data.items()}


class UnauthorizedException(ApiException):
    """401: missing or wrong credentials."""


class ForbiddenException(ApiException):
    """403: the user may not do this (or a CSRF check failed)."""


class NotFoundException(ApiException):
    """404: no such object (or not visible to this user in this organization context)."""


class ConflictException(ApiException):
    """409: the request conflicts with the server's state (e.g. an export already running)."""


class TooManyRequestsException(ApiException):
    """429: rate-limited; `retry_after` is the server's hint in seconds, if any."""

    @property
    def retry_after(self) -> float | None:
        from .retry import parse_retry_after

        return parse_retry_after((self.headers or {}).get("Retry-After"))


class ServiceException(ApiException):
    """5xx: the server failed."""


_BY_STATUS: dict[int, type[ApiException]] = {
    400: BadRequestException,
    401: UnauthorizedException,
    403: ForbiddenException,
    404: NotFoundException,
    409: ConflictException,
    429: TooManyRequestsException,
}


def exception_for_status(status: int) -> type[ApiException]:
    if status >= 500:
        return ServiceException
    return _BY_STATUS.get(status, ApiException)


def exception_from_response(response: Any, *, reason: str | None = None) -> ApiException:
    """The typed ApiException for an answer (an ApiResponse), not raised: its status, reason,
    body (empty if it cannot be read), headers, method and URL. The one way every layer makes it."""
    try:
        body = response.data
    except TransportError:
        body = b""
    return exception_for_status(response.status)(
        status=response.status,
        reason=response.reason if reason is None else reason,
        body=body,
        headers=dict(response.headers),
        method=response.method,
        url=response.url,
    )


class TransportError(OpenApiException):
    """The request did not get an HTTP answer: connection refused or dropped, TLS failure, timeout.
    `nothing_sent`: the connection could not even be opened, so the server saw nothing of it."""

    def __init__(
        self, message: str, *, method: str | None = None, url: str | None = None, nothing_sent: bool = False
    ) -> None:
        self.method = method
        self.nothing_sent = nothing_sent
        self.url = redact_url(url) if url else None
        where = f"{method} {self.url}: " if method and self.url else ""
        super().__init__(where + message)


class RequestTimeoutError(TransportError, TimeoutError):
    """The server did not answer within the timeout."""


class CrossOriginError(OpenApiException):
    """A URL the server handed back (a redirect, `result_url`, a TUS `Location`) is on another
    origin than the configured server's, and the request it was for is not sent there."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        self.url = redact_url(url) if url else None
        super().__init__(message)
