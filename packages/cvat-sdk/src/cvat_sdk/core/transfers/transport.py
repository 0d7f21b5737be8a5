"""Sending one transfer request, judging a failure (may it be resent?), and bounded, logged retries.

The ApiClient is asked not to retry (`retry=False`): what is safe to repeat depends on the
request, so the transfer engine decides, with the rules here:

* UNPROCESSED: the server did not act on the request - the connection could not be opened,
  the body was not sent completely, or the server refused it (408, 425, 429, 503). Resending is
  safe for every request.

How long to wait, how often to retry and which statuses mean what come from the client's one
`RetryPolicy` (`cvat_api._runtime.retry`), which every other request also follows.
* AMBIGUOUS: the server may have acted on it - the whole body was sent and then the connection
  broke or timed out, or a gateway failed (502, 504). Only steps that are harmless to repeat are
  resent as they are; the others recover differently (see the uploaders).
* FATAL: any other error status, or a local file that cannot be read: retrying would not help.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import cvat_api
from cvat_api._runtime.rest import nothing_sent
from cvat_api._runtime.retry import AMBIGUOUS_STATUSES, UNPROCESSED_STATUSES, parse_retry_after
from cvat_api.exceptions import TransportError, exception_from_response

from .bodies import TransferCancelled
from .errors import TransferError, UploadError
from .settings import TransferSettings

LOGGER_NAME = "cvat_sdk.transfers"


class TransferComponent:
    """What every uploader and downloader holds: the client (session and auth), settings, a logger."""

    def __init__(
        self,
        api_client: cvat_api.ApiClient,
        settings: TransferSettings | None = None,
        *,
        logger: logging.Logger | None = None,
    ) -> None:
        self.api_client = api_client
        self.settings = settings or TransferSettings()
        self.logger = logger or logging.getLogger(LOGGER_NAME)


class Verdict(enum.Enum):
    """What a failed request means for resending it."""

    UNPROCESSED = "unprocessed"
    AMBIGUOUS = "ambiguous"
    FATAL = "fatal"


@dataclass(frozen=True)
class Failure:
    """A failed request: the verdict, the error to report, and the server's Retry-After hint."""

    verdict: Verdict
    error: BaseException
    retry_after: float | None = None

    @property
    def status(self) -> int | None:
        return getattr(self.error, "status", None)


def failure_from_response(response: cvat_api.ApiResponse) -> Failure:
    """Judge an unexpected answer."""
    error = exception_from_response(response)
    response.close()
    if response.status in UNPROCESSED_STATUSES:
        verdict = Verdict.UNPROCESSED
    elif response.status in AMBIGUOUS_STATUSES:
        verdict = Verdict.AMBIGUOUS
    else:
        verdict = Verdict.FATAL
    return Failure(verdict, error, parse_retry_after(response.headers.get("Retry-After")))


def failure_from_exception(
    error: BaseException, *, body_sent: bool = True, local_error: OSError | None = None
) -> Failure:
    """Judge a request that got no answer. `body_sent`: whether the whole body was handed over."""
    if local_error is not None:
        return Failure(Verdict.FATAL, local_error)
    if not isinstance(error, TransportError):
        return Failure(Verdict.FATAL, error)
    if not body_sent or _nothing_sent(error):
        return Failure(Verdict.UNPROCESSED, error)
    return Failure(Verdict.AMBIGUOUS, error)


def as_resendable(failure: Failure) -> Failure:
    """For requests that are harmless to repeat: an ambiguous failure is retried like any other."""
    if failure.verdict is Verdict.AMBIGUOUS:
        return Failure(Verdict.UNPROCESSED, failure.error, failure.retry_after)
    return failure


def _nothing_sent(error: TransportError) -> bool:
    """True when the connection could not even be opened."""
    return error.__cause__ is not None and nothing_sent(error.__cause__)


class Retrier:
    """Counts consecutive failures of one operation; waits (backoff or Retry-After) and logs
    before each retry; raises `error_type` naming the file(s) once the retries are exhausted."""

    def __init__(
        self,
        transport: Transport,
        what: str,
        filenames: Sequence[str],
        error_type: type[TransferError] = UploadError,
    ) -> None:
        self._transport = transport
        self.what = what
        self.filenames = list(filenames)
        self.error_type = error_type
        self.attempt = 0

    def succeeded(self) -> None:
        """Progress was made: the next failure starts a fresh count."""
        self.attempt = 0

    def fail(self, failure: Failure, note: str = "") -> TransferError:
        """The error to raise for a failure that is not retried."""
        retries = f" after {self.attempt} retries" if self.attempt else ""
        error = self.error_type(
            f"{self.what} failed{retries}: {_describe(failure.error)}{note}", filenames=self.filenames
        )
        error.__cause__ = failure.error
        error.__suppress_context__ = True
        return error

    def retry_or_raise(self, failure: Failure) -> None:
        """Wait before the next attempt, or raise if the failure is fatal or retries are exhausted."""
        policy = self._transport.policy
        if failure.verdict is Verdict.FATAL or self.attempt >= policy.max_retries:
            raise self.fail(failure)
        self.attempt += 1
        delay = self._transport.delay(self.attempt, failure.retry_after)
        self._transport.logger.warning(
            "%s failed (%s); retry %d/%d in %.2fs",
            self.what,
            _describe(failure.error),
            self.attempt,
            policy.max_retries,
            delay,
        )
        self._transport.sleep(delay)


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 500 else text[:500] + "…"


class Transport:
    """Sends transfer requests through an ApiClient (its auth, session and pool), without its retries."""

    def __init__(
        self,
        api_client: cvat_api.ApiClient,
        settings: TransferSettings,
        logger: logging.Logger,
        cancel: threading.Event | None = None,
    ) -> None:
        self.api_client = api_client
        self.settings = settings
        self.policy = settings.retry_policy(api_client.configuration.retry_policy)
        self.logger = logger
        self.cancel = cancel if cancel is not None else threading.Event()

    @property
    def max_workers(self) -> int:
        """Parallel requests: the setting, but never more than the client's connection pool."""
        pool = max(1, int(getattr(self.api_client.configuration, "connection_pool_maxsize", 1) or 1))
        return max(1, min(self.settings.max_workers, pool))

    def absolute_url(self, url: str) -> str:
        if url.startswith(("http://", "https://")):
            return url
        return urljoin(self.api_client.configuration.host + "/", url.lstrip("/"))

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        stream: bool = False,
        timeout: float | tuple[float, float] | None = None,
    ) -> cvat_api.ApiResponse:
        """One request, not retried. Raises TransportError when no answer came (or its body broke)."""
        self.check_cancelled()
        return self.api_client.request(
            method,
            self.absolute_url(url),
            query_params=list(params) if params else None,
            headers=headers,
            body=body,
            _request_timeout=timeout if timeout is not None else self.settings.timeout,
            _parse_response=not stream,
            _check_status=False,
            retry=False,
        )

    def retrier(self, what: str, filenames: Sequence[str], error_type: type[TransferError] = UploadError) -> Retrier:
        return Retrier(self, what, filenames, error_type)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds before retry `attempt`, by the one retry policy (Retry-After, else backoff)."""
        return self.policy.delay(attempt, retry_after)

    def sleep(self, seconds: float) -> None:
        if self.cancel.wait(seconds):
            raise TransferCancelled("the transfer was cancelled")

    def check_cancelled(self) -> None:
        if self.cancel.is_set():
            raise TransferCancelled("the transfer was cancelled")
