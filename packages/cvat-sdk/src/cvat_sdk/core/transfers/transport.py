"""Sending one transfer request, judging a failure (may it be resent?), and bounded, logged retries.

The ApiClient is asked not to retry (`retry=False`): what is safe to repeat depends on the
request, so the transfer engine decides, with the verdicts of the client's one `RetryPolicy`
(`cvat_api.RetryPolicy`, which every other request also follows):

* UNPROCESSED: the server did not act on the request - the connection could not be opened,
  the body was not sent completely, or the server refused it (429, 503). Resending is
  safe for every request.
* AMBIGUOUS: the server may have acted on it - the whole body was sent and then the connection
  broke or timed out, or a gateway failed (502, 504, or another status the policy lists). Only
  steps that are harmless to repeat are resent as they are; the others recover differently
  (see the uploaders).
* FATAL: any other error status, or a local file that cannot be read: retrying would not help.

How long to wait and when to give up is the policy's `RetryBudget`: failures in a row without
progress, and Retry-After waits within the policy's time budget.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import cvat_api
from cvat_api import RetryBudget, Verdict
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


@dataclass(frozen=True)
class Failure:
    """A failed request: the verdict, the error to report, and the server's Retry-After hint."""

    verdict: Verdict
    error: BaseException
    retry_after: str | None = None

    @property
    def status(self) -> int | None:
        return getattr(self.error, "status", None)


def as_resendable(failure: Failure) -> Failure:
    """For requests that are harmless to repeat: an ambiguous failure is retried like any other."""
    if failure.verdict is Verdict.AMBIGUOUS:
        return Failure(Verdict.UNPROCESSED, failure.error, failure.retry_after)
    return failure


class Retrier:
    """The retries of one operation under the policy's budget: waits (backoff or Retry-After) and
    logs before each retry; raises `error_type` naming the file(s) once the budget is spent."""

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
        self._budget = RetryBudget(transport.policy)

    def succeeded(self) -> None:
        """Progress was made: the next failure starts a fresh count (and time budget)."""
        self._budget.progressed()

    def fail(self, failure: Failure, note: str = "") -> TransferError:
        """The error to raise for a failure that is not retried."""
        retries = self._budget.retries
        after = f" after {retries} retries" if retries else ""
        error = self.error_type(
            f"{self.what} failed{after}: {_describe(failure.error)}{note}", filenames=self.filenames
        )
        error.__cause__ = failure.error
        error.__suppress_context__ = True
        return error

    def retry_or_raise(self, failure: Failure, *, delivered: bool = False) -> None:
        """Wait before the next attempt, or raise if the failure is fatal or the budget is spent.
        `delivered`: the attempt moved data, though not beyond what was had (see RetryBudget)."""
        if failure.verdict is Verdict.FATAL:
            delay = None
        else:
            delay = self._budget.next_delay(failure.retry_after, delivered=delivered)
        if delay is None:
            raise self.fail(failure)
        self._transport.logger.warning(
            "%s failed (%s); %s in %.2fs", self.what, _describe(failure.error), self._budget.describe(), delay
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
        """One request, not retried. Raises TransportError when no answer came (or its body broke),
        CrossOriginError when `url` (given by the server) is not on the server's origin."""
        self.check_cancelled()
        return self.api_client.request(
            method,
            self.api_client.require_same_origin(self.absolute_url(url), "The transfer URL"),
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

    def failure_from_response(self, response: cvat_api.ApiResponse) -> Failure:
        """Judge an unexpected answer, by the policy."""
        error = exception_from_response(response)
        response.close()
        verdict = self.policy.status_verdict(response.status)
        return Failure(verdict, error, response.headers.get("Retry-After"))

    def failure_from_exception(
        self, error: BaseException, *, body_sent: bool = True, local_error: OSError | None = None
    ) -> Failure:
        """Judge a request that got no answer. `body_sent`: whether the whole body was handed over."""
        if local_error is not None:
            return Failure(Verdict.FATAL, local_error)
        if not isinstance(error, TransportError):
            return Failure(Verdict.FATAL, error)
        return Failure(self.policy.error_verdict(not body_sent or error.nothing_sent), error)

    def sleep(self, seconds: float) -> None:
        if self.cancel.wait(seconds):
            raise TransferCancelled("the transfer was cancelled")

    def check_cancelled(self) -> None:
        if self.cancel.is_set():
            raise TransferCancelled("the transfer was cancelled")
