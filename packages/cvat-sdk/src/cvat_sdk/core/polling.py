"""Waiting for CVAT background requests (`/api/requests/{rq_id}`) with a backoff that starts fast."""

from __future__ import annotations

import time
from collections.abc import Iterator

FIRST_DELAY = 0.1
GROWTH = 1.6


def sleep(seconds: float) -> None:
    """Pause between polls (replaced by a no-op when tests replay recorded polls)."""
    time.sleep(seconds)


def delays(max_period: float) -> Iterator[float]:
    """0.1 s, then growing by 1.6x, capped at `max_period` (the Config's status_check_period)."""
    delay = min(FIRST_DELAY, max_period)
    while True:
        yield delay
        delay = min(max_period, delay * GROWTH)
