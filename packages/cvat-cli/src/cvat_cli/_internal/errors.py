"""Exit codes, the CLI's own error, and the one-line message shown for any failure."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_plus, urlsplit

EXIT_OK = 0
EXIT_ERROR = 1  # the server, the network or the input files made the command fail
EXIT_USAGE = 2  # the command line itself is wrong (argparse's code)
EXIT_INTERRUPTED = 130  # Ctrl-C

_MAX_MESSAGE = 1000


class CliError(Exception):
    """A failure explained for the user; `exit_code` is what the process exits with."""

    def __init__(self, message: str, *, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def one_line(text: str, limit: int = _MAX_MESSAGE) -> str:
    """`text` with line breaks and runs of spaces collapsed, cut at `limit` characters."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(exc: BaseException) -> tuple[str, int]:
    """The message (one line) and exit code for an exception that ended a command."""
    message, code = _describe(exc) or (
        f"unexpected error: {type(exc).__name__}: {exc} (run with --debug to see the traceback)",
        EXIT_ERROR,
    )
    return one_line(message), code


def is_unexpected(exc: BaseException) -> bool:
    """Not a failure of the server, the network, the input or the command line, nor an
    interruption: a bug, or an exception of the caller's own code (a function, a patch)."""
    return _describe(exc) is None


def last_traceback_line(text: str) -> str:
    """A server's failure message that is a whole Python traceback, cut to its last line (the error)."""
    if "Traceback (most recent call last)" not in text:
        return text
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else text


def api_error_text(exc: Any) -> str:
    """`POST /api/tasks/1/dataset/export?format=X (400 Bad Request): <the server's message>`."""
    where = ""
    if exc.method and exc.url:
        parts = urlsplit(exc.url)
        query = unquote_plus(parts.query)
        where = f"{exc.method} {parts.path}" + (f"?{query}" if query else "") + " "
    status = f"({exc.status} {exc.reason or ''}".rstrip() + ")"
    detail = server_message(exc.body)
    return f"{where}{status}" + (f": {detail}" if detail else "")


def server_message(body: str | bytes | None) -> str:
    """The human part of an error body: `{"detail": m}`, `["m1", "m2"]`, `{"field": ["m"]}` or text."""
    if not body:
        return ""
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    text = body.strip()
    if text.startswith("<"):  # an HTML error page
        return ""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    return _flatten(data)


def _flatten(data: Any, key: str = "") -> str:
    if isinstance(data, dict):
        if set(data) == {"detail"}:
            return _flatten(data["detail"], key)
        return "; ".join(_flatten(v, k) for k, v in data.items())
    if isinstance(data, list):
        return "; ".join(_flatten(v, key) for v in data)
    prefix = f"{key}: " if key and key not in ("non_field_errors", "detail") else ""
    return f"{prefix}{data}"


def _describe(exc: BaseException) -> tuple[str, int] | None:
    # Imported here: building the parser (and --help) should not load the HTTP stack.
    from cvat_sdk.core.exceptions import BackgroundRequestException, CvatSdkException
    from cvat_sdk.core.proxies.tasks import TaskCreationError
    from cvat_sdk.core.transfers import OutputExistsError
    from cvat_sdk.exceptions import (
        ApiException,
        ForbiddenException,
        NotFoundException,
        OpenApiException,
        TransportError,
        UnauthorizedException,
    )

    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", EXIT_INTERRUPTED
    if isinstance(exc, CliError):
        return str(exc), exc.exit_code
    if isinstance(exc, UnauthorizedException):
        return (
            f"authentication failed: {api_error_text(exc)} (check --auth, --access-token or CVAT_ACCESS_TOKEN)",
            EXIT_ERROR,
        )
    if isinstance(exc, ForbiddenException):
        return f"permission denied: {api_error_text(exc)}", EXIT_ERROR
    if isinstance(exc, NotFoundException):
        return f"not found: {api_error_text(exc)}", EXIT_ERROR
    if isinstance(exc, ApiException):
        if exc.status is not None and exc.status >= 500:
            return f"the server failed: {api_error_text(exc)}", EXIT_ERROR
        return f"the server rejected the request: {api_error_text(exc)}", EXIT_ERROR
    if isinstance(exc, TransportError):
        return f"cannot reach the server: {exc}", EXIT_ERROR
    if isinstance(exc, TaskCreationError):
        cause = exc.__cause__
        detail = one_line(describe(cause)[0] if cause is not None else str(exc), 500)
        return (
            f"task {exc.task_id} was created, but its {exc.step} failed: {detail} "
            f"(the task was kept; remove it with: cvat-cli task delete {exc.task_id})",
            EXIT_ERROR,
        )
    if isinstance(exc, OutputExistsError):
        return f"{exc.filename} already exists (use --overwrite to replace it)", EXIT_ERROR
    if isinstance(exc, BackgroundRequestException):
        return f"the server could not complete the operation: {last_traceback_line(str(exc))}", EXIT_ERROR
    if isinstance(exc, (CvatSdkException, OpenApiException)):
        return str(exc), EXIT_ERROR
    if isinstance(exc, OSError):
        if exc.strerror and exc.filename is not None:
            return f"{exc.strerror}: {exc.filename}", EXIT_ERROR
        return str(exc) or type(exc).__name__, EXIT_ERROR
    return None
