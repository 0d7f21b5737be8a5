"""Progress reporting: the interface transfers and waits report through, and a null reporter."""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


class ProgressReporter:
    """Receives progress of one task at a time: `start2`, then `advance`/`report_status`, then `finish`."""

    @contextlib.contextmanager
    def task(self, **kwargs: Any) -> Generator[None, None, None]:
        """Run a task: `start2(**kwargs)` on entry, `finish()` on exit (also on errors)."""
        self.start2(**kwargs)
        try:
            yield
        finally:
            self.finish()

    def start(self, total: int, *, desc: str | None = None) -> None:
        """Begin a task of `total` units (older form of `start2`)."""
        raise NotImplementedError

    def start2(
        self,
        total: int,
        *,
        desc: str | None = None,
        unit: str = "it",
        unit_scale: bool = False,
        unit_divisor: int = 1000,
        **kwargs: Any,
    ) -> None:
        """Begin a task of `total` units; `unit`, `unit_scale`, `unit_divisor` say how to show them."""
        self.start(total=total, desc=desc)

    def report_status(self, progress: int) -> None:
        """Set the absolute progress."""
        raise NotImplementedError

    def advance(self, delta: int) -> None:
        """Add `delta` units of progress."""
        raise NotImplementedError

    def iter(self, iterable: Iterable[T]) -> Iterator[T]:
        """Yield the items, advancing by one after each is consumed."""
        for item in iterable:
            yield item
            self.advance(1)

    def finish(self) -> None:
        """End the current task."""


class BaseProgressReporter(ProgressReporter):
    """A reporter that checks the start/advance/finish order."""

    def __init__(self) -> None:
        self._in_progress = False

    def start2(self, total: int, *, desc: str | None = None, **kwargs: Any) -> None:
        if self._in_progress:
            raise RuntimeError("a progress task is already running")
        self._in_progress = True

    def report_status(self, progress: int) -> None:
        self._check_running()

    def advance(self, delta: int) -> None:
        self._check_running()

    def finish(self) -> None:
        self._check_running()
        self._in_progress = False

    def _check_running(self) -> None:
        if not self._in_progress:
            raise RuntimeError("no progress task is running")


class NullProgressReporter(BaseProgressReporter):
    """Reports nothing."""
