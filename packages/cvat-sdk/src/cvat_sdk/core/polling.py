"""Waiting for CVAT background requests (`/api/requests/{rq_id}`) with a backoff that starts fast."""

from __future__ import annotations

import time
from collections.abc import Iterator

FIRST_DELAY = 0.1
# Each pause is at most this share of the time waited so far, so a request that finishes is seen at
# most about 20 % (and 0.1 s) after it did; long waits still poll rarely (up to status_check_period).
LATENESS = 0.2


def sleep(seconds: float) -> None:
    """Pause between polls (replaced by a no-op when tests replay recorded polls)."""
    time.sleep(seconds)


def delays(max_period: float) -> Iterator[float]:
    """0.1 s at first, then a fifth of the time waited so far, capped at `max_period` (the
    Config's status_check_period)."""
    waited = 0.0
    while True:
        delay = min(max_period, max(FIRST_DELAY, LATENESS * waited))
        yield delay
        waited += delay


# A status line repeats at INFO at most this often while nothing changes, so a long wait logged
# to a file (no progress bar) still shows that the server is working.
STATUS_REPEAT = 30.0


class StatusLog:
    """Which polls of one background request are worth an INFO line: the first, each change of
    status or message, and one every STATUS_REPEAT seconds otherwise (the rest go to DEBUG)."""

    def __init__(self) -> None:
        self._last: tuple[str, object] | None = None
        self._at = 0.0

    def notable(self, status: str, message: object) -> bool:
        now = time.monotonic()
        if (status, message) != self._last or now - self._at >= STATUS_REPEAT:
            self._last, self._at = (status, message), now
            return True
        return False
