"""Progress bars on stderr: tqdm bars that turn themselves off when stderr is not a terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cvat_sdk.core.progress import ProgressReporter


def make_reporter(*, enabled: bool) -> ProgressReporter:
    """A reporter drawing tqdm bars on stderr; none when not `enabled` (--quiet) or stderr is no TTY."""
    from cvat_sdk.core.helpers import DeferredTqdmProgressReporter

    # disable=None is tqdm's "off unless the output is a terminal"
    return DeferredTqdmProgressReporter({"disable": None if enabled else True, "leave": False})
