"""Pieces of the function agent (`cvat-cli function run-agent`): reading the server's event stream.

The server announces queued work as a stream of server-sent events (the WHATWG `text/event-stream`
format); `_parse_event_stream` turns its lines into messages. (The names keep the official CLI's
spelling because CVAT's own tests import them.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Protocol, Union

import attrs


class SupportsReadline(Protocol):
    def readline(self) -> bytes: ...


@attrs.frozen
class _Event:
    """One dispatched event: its type (`event:` field, "" if none) and data (`data:` lines joined by newlines)."""

    type: str
    data: str


@attrs.frozen
class _NewReconnectionDelay:
    """The server set how long to wait before reconnecting (`retry:` field)."""

    delay: timedelta


def _parse_event_stream(stream: SupportsReadline) -> Iterator[Union[_Event, _NewReconnectionDelay]]:
    """The messages of an event stream, read line by line until it ends.

    A blank line dispatches the event gathered so far (an event cut off by the end of the stream is
    dropped); lines starting with `:` are comments (keep-alives); `retry:` with a decimal number of
    milliseconds yields a new reconnection delay at once. Lines may end in LF or CRLF; a CR inside a
    line is an error.
    """
    event_type = data = ""
    while True:
        raw = stream.readline()
        if not raw:
            return
        line = raw.decode("utf-8").removesuffix("\n").removesuffix("\r")
        if "\r" in line:
            raise ValueError("a bare CR in the event stream")
        if not line:
            yield _Event(event_type, data.removesuffix("\n"))
            event_type = data = ""
            continue
        if line.startswith(":"):
            continue
        name, sep, value = line.partition(":")
        if sep:
            value = value.removeprefix(" ")
        if name == "event":
            event_type = value
        elif name == "data":
            data += value + "\n"
        elif name == "retry" and value.isascii() and value.isdecimal():
            yield _NewReconnectionDelay(timedelta(milliseconds=int(value)))
