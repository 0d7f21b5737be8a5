"""Logging to stderr, and the --debug request log; neither ever shows a credential.

Three layers keep secrets out: the request log writes only the method, the URL (user info and
secret-looking query values hidden), the status and the time, never headers or bodies; nothing
turns on http.client's wire dump (which prints Cookie and X-CSRFToken headers); and every
message passes a `Redactor` that replaces the values the CLI knows to be secret (the password,
the access token, the session and CSRF cookies, the token a login returns).
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

LOG_FORMAT = "[%(asctime)s] %(levelname)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
CLI_LOGGER = "cvat_cli"
# Loggers shown: the CLI's (also given to the SDK client) and the SDK's modules ("Task #1 deleted",
# transfer retries); cvat-api's request retries are shown once the server has answered (CliLogging).
_SHOWN = ("cvat_cli", "cvat_sdk")
_TRANSPORT = ("cvat_api", "cvat_sdk.api_client")
LOGIN_PATH = "/api/auth/login"
_MIN_SECRET = 4  # shorter values would blank out ordinary words


class Redactor:
    """Replaces known secret values in text with `***`; secrets can be added at any time."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= _MIN_SECRET:
            with self._lock:
                self._secrets.add(secret)

    def redact(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, "***")
        return text


class _RedactingFormatter(logging.Formatter):
    def __init__(self, redactor: Redactor) -> None:
        super().__init__(LOG_FORMAT, DATE_FORMAT)
        self._redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self._redactor.redact(super().format(record))


class CliLogging:
    """The logging of one CLI run: the logger, the redactor, and what is known about the server.

    cvat-api's retry warnings ("GET /api/... answered 429; retry 1/3 in 7.00s") are shown once
    the server has answered anything, so that a wait is explained; before that (nothing listens
    at the address) they are shown with --debug only, and the final error is the one line shown.
    """

    def __init__(self, *, debug: bool, redactor: Redactor) -> None:
        self.debug = debug
        self.redactor = redactor
        self.logger = logging.getLogger(CLI_LOGGER)
        self._server_answered = threading.Event()

    def watch_session(self, session: Any) -> None:
        """Follow a requests.Session: note the first answer. (With --debug, every exchange is logged
        by the SDK's low-level logger, `cvat_sdk.api_client`, without headers or bodies.)"""

        def answered(response: Any, *args: Any, **kwargs: Any) -> None:
            self._server_answered.set()
            if response.request.method == "POST" and response.request.path_url.startswith(LOGIN_PATH):
                self._note_login_key(response)

        session.hooks["response"].append(answered)

    def _note_login_key(self, response: Any) -> None:
        """The session cookies and the token a password login returns are credentials too, whether
        or not they are used."""
        for name in ("sessionid", "csrftoken"):
            self.redactor.add(response.cookies.get(name))
        try:
            body = response.json()
        except ValueError:
            return
        if isinstance(body, dict) and isinstance(body.get("key"), str):
            self.redactor.add(body["key"])

    def show_transport_record(self, record: logging.LogRecord) -> bool:
        return self.debug or self._server_answered.is_set()


@contextmanager
def cli_logging(*, debug: bool, quiet: bool, redactor: Redactor | None = None) -> Iterator[CliLogging]:
    """Send the CLI's and the SDK's log messages to stderr while the block runs; restore after.

    Levels: INFO by default, WARNING with --quiet, DEBUG with --debug.
    """
    state = CliLogging(debug=debug, redactor=redactor or Redactor())
    level = logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_RedactingFormatter(state.redactor))
    transport_handler = logging.StreamHandler(sys.stderr)
    transport_handler.setFormatter(_RedactingFormatter(state.redactor))
    transport_handler.addFilter(state.show_transport_record)
    # `cvat_sdk.api_client` (transport) propagates through `cvat_sdk`: its handler skips those records
    handler.addFilter(lambda record: not any(_is_under(record.name, t) for t in _TRANSPORT))
    saved: list[tuple[logging.Logger, int, bool, list[logging.Handler]]] = []
    for name in _SHOWN + _TRANSPORT:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.propagate, list(logger.handlers)))
        logger.handlers = [handler if name in _SHOWN else transport_handler]
        logger.setLevel(level)
        logger.propagate = True  # as the official CLI: an embedding program's handlers (and pytest's caplog) see them
    try:
        yield state
    finally:
        for logger, old_level, old_propagate, old_handlers in saved:
            logger.handlers = old_handlers
            logger.setLevel(old_level)
            logger.propagate = old_propagate
        handler.flush()


def _is_under(name: str, parent: str) -> bool:
    return name == parent or name.startswith(parent + ".")
