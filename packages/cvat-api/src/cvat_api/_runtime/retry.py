"""When and how long to wait before repeating a request: the one retry policy of every layer
(low-level calls, uploads, downloads, polls, datasets)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from .operation import IDEMPOTENT_METHODS

# The server refused the request without acting on it: safe to resend whatever the method.
UNPROCESSED_STATUSES = frozenset({408, 425, 429, 503})
# A gateway failed: the server may have acted, so only idempotent requests are resent as they are.
AMBIGUOUS_STATUSES = frozenset({502, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, for transient failures.

    Idempotent methods are repeated on connection errors, timeouts, cut bodies and `statuses`.
    Other methods are repeated only when nothing reached the server (the connection could not be
    opened) or when the server refused them unprocessed (429, 503). Every repeat is logged.
    """

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    statuses: frozenset[int] = frozenset({429, 502, 503, 504})
    methods: frozenset[str] = IDEMPOTENT_METHODS
    respect_retry_after: bool = True
    max_retry_after: float = 120.0
    jitter: bool = field(default=True, compare=False)

    @classmethod
    def disabled(cls) -> RetryPolicy:
        return cls(max_retries=0)

    def retries_status(self, method: str, status: int) -> bool:
        if status not in self.statuses:
            return False
        return method in self.methods or status in UNPROCESSED_STATUSES

    def retries_error(self, method: str, nothing_sent: bool) -> bool:
        return nothing_sent or method in self.methods

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return random.uniform(0, ceiling) if self.jitter else ceiling

    def delay(self, attempt: int, retry_after: str | float | None) -> float:
        """Seconds before retry `attempt`: the server's Retry-After (header text or seconds), at
        most `max_retry_after`, else the backoff."""
        if self.respect_retry_after and retry_after is not None:
            hinted = parse_retry_after(retry_after) if isinstance(retry_after, str) else max(0.0, retry_after)
            if hinted is not None:
                return min(hinted, self.max_retry_after)
        return self.backoff(attempt)


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
