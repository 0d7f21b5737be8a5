"""When and how long to wait before repeating a request: the one retry policy of every layer
(low-level calls, uploads, downloads, polls, datasets). `RetryPolicy` gives the verdict on a
failure (`status_verdict`, `error_verdict`); a `RetryBudget` counts the retries of one request
or transfer and says how long to wait before the next, or that it is time to give up."""

from __future__ import annotations

import enum
import random
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from .operation import IDEMPOTENT_METHODS

# The server refused the request without acting on it: safe to resend whatever the method.
UNPROCESSED_STATUSES = frozenset({408, 425, 429, 503})
# A gateway failed: the server may have acted, so only idempotent requests are resent as they are.
AMBIGUOUS_STATUSES = frozenset({502, 504})


class Verdict(enum.Enum):
    """What a failed request means for resending it.

    UNPROCESSED: the server did not act on it (nothing reached it, or it refused: 408, 425, 429,
    503), so any request may be resent. AMBIGUOUS: it may have acted (the body was sent and the
    answer was lost, a gateway failed, or a status the policy lists), so only a request that is
    harmless to repeat is resent as it is. FATAL: repeating cannot help.
    """

    UNPROCESSED = "unprocessed"
    AMBIGUOUS = "ambiguous"
    FATAL = "fatal"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, for transient failures.

    Idempotent methods are repeated on connection errors, timeouts, cut bodies and `statuses`.
    Other methods are repeated only when nothing reached the server (the connection could not be
    opened) or when the server refused them unprocessed (429, 503). Every repeat is logged.

    Limits: `max_retries` failures in a row without progress (a transfer that receives or sends
    new bytes starts a fresh count); a refusal with `Retry-After` (429, 503) is waited for as the
    server asks (at most `max_retry_after` at once) without counting, while the time since the
    first attempt, or the last progress, stays within `retry_time_budget` seconds.
    """

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    statuses: frozenset[int] = frozenset({408, 425, 429, 502, 503, 504})
    methods: frozenset[str] = IDEMPOTENT_METHODS
    respect_retry_after: bool = True
    max_retry_after: float = 120.0
    retry_time_budget: float = 300.0
    jitter: bool = field(default=True, compare=False)

    @classmethod
    def disabled(cls) -> RetryPolicy:
        return cls(max_retries=0, retry_time_budget=0.0)

    def status_verdict(self, status: int) -> Verdict:
        """The verdict on an error answer: a refusal (429, 503, ...) or another status of
        `statuses` (a gateway's 502, 504, or one the caller added) may be retried, the rest not."""
        if status not in self.statuses:
            return Verdict.FATAL
        return Verdict.UNPROCESSED if status in UNPROCESSED_STATUSES else Verdict.AMBIGUOUS

    @staticmethod
    def error_verdict(nothing_sent: bool) -> Verdict:
        """The verdict on a request that got no answer: `nothing_sent` when the connection could
        not be opened or the body was not sent whole, so the server cannot have acted on it."""
        return Verdict.UNPROCESSED if nothing_sent else Verdict.AMBIGUOUS

    def resends(self, method: str, verdict: Verdict) -> bool:
        """Whether a request with `method` is sent again as it is after a failure judged `verdict`."""
        if verdict is Verdict.UNPROCESSED:
            return True
        return verdict is Verdict.AMBIGUOUS and method in self.methods

    def retries_status(self, method: str, status: int) -> bool:
        return self.resends(method, self.status_verdict(status))

    def retries_error(self, method: str, nothing_sent: bool) -> bool:
        return self.resends(method, self.error_verdict(nothing_sent))

    def budget(self) -> RetryBudget:
        """A fresh count of retries for one request or transfer."""
        return RetryBudget(self)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return random.uniform(0, ceiling) if self.jitter else ceiling

    def delay(self, attempt: int, retry_after: str | float | None) -> float:
        """Seconds before retry `attempt`: the server's Retry-After (header text or seconds), at
        most `max_retry_after`, else the backoff."""
        if self.respect_retry_after:
            hinted = _hint(retry_after)
            if hinted is not None:
                return min(hinted, self.max_retry_after)
        return self.backoff(attempt)


class RetryBudget:
    """The retries of one request or transfer under a policy: `next_delay` gives the seconds to
    wait before the next attempt, or None when it is time to give up; `progressed` is called when
    an attempt moved data, so that the count and the time budget start afresh."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self.failures = 0  # failures in a row without progress, not counting waits the server asked for
        self.retries = 0  # every retry so far
        self._hinted = False  # whether the last wait was the server's Retry-After
        self._since = time.monotonic()

    def progressed(self) -> None:
        self.failures = 0
        self._since = time.monotonic()

    def next_delay(self, retry_after: str | float | None = None, *, delivered: bool = False) -> float | None:
        """Seconds before the next attempt, or None when it is time to give up.

        A failure counts toward `max_retries` in a row, unless the server asked to wait
        (Retry-After) or the attempt `delivered` data without progress (a download restarted and
        cut again): those are retried while `retry_time_budget` seconds since the first attempt,
        or the last progress, are not spent."""
        policy = self.policy
        hinted = self._hinted = policy.respect_retry_after and _hint(retry_after) is not None
        counted = not (hinted or delivered)
        if counted and self.failures >= policy.max_retries:
            return None
        delay = policy.delay(self.failures + 1, retry_after)
        if counted:
            self.failures += 1
        else:
            if hinted and self.retries:
                delay = max(delay, policy.backoff_base)  # never a busy loop on "Retry-After: 0"
            if time.monotonic() - self._since + delay > policy.retry_time_budget:
                return None
        self.retries += 1
        return delay

    def describe(self) -> str:
        """`retry n/max` (failures in a row), or `retry n as asked by Retry-After`, for log lines."""
        if self._hinted:
            return f"retry {self.retries} as asked by Retry-After"
        return f"retry {self.failures}/{self.policy.max_retries}"


def _hint(retry_after: str | float | None) -> float | None:
    if retry_after is None:
        return None
    return parse_retry_after(retry_after) if isinstance(retry_after, str) else max(0.0, retry_after)


def sleep(seconds: float) -> None:
    """Wait before a retry (a hook: tests that replay recorded answers replace it with a no-op)."""
    time.sleep(seconds)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date (None if absent or unreadable)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
