"""Progress shared by parallel workers: one reporter, many accounts (one per group or file)."""

from __future__ import annotations

import threading

from ..progress import NullProgressReporter, ProgressReporter


class SharedProgress:
    """Serializes `advance` calls of many threads into one ProgressReporter."""

    def __init__(self, reporter: ProgressReporter | None) -> None:
        self.reporter = reporter if reporter is not None else NullProgressReporter()
        self._lock = threading.Lock()

    def advance(self, delta: int) -> None:
        if delta:
            with self._lock:
                self.reporter.advance(delta)

    def account(self) -> ProgressAccount:
        return ProgressAccount(self)


class ProgressAccount:
    """The bytes reported for one unit of work, so a retry can take them back or set them anew."""

    def __init__(self, shared: SharedProgress) -> None:
        self._shared = shared
        self.reported = 0

    def add(self, delta: int) -> None:
        self.reported += delta
        self._shared.advance(delta)

    def set_to(self, value: int) -> None:
        self.add(value - self.reported)

    def reset(self) -> None:
        self.set_to(0)
