"""The CLI's messages reach an embedding program's logging (as the official CLI's do: CVAT's own
tests read them with caplog), and the function agent's event-stream reader."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from cvat_cli._internal.agent import _Event, _NewReconnectionDelay, _parse_event_stream


def test_a_legacy_alias_says_it_is_deprecated_through_logging(run, caplog, free_port) -> None:
    with caplog.at_level(logging.INFO):
        r = run("--server-host", f"http://127.0.0.1:{free_port}", "--auth", "a:b", "ls")
    assert r.code == 1  # nothing listens there
    assert 'deprecated. Use "task ls" instead' in caplog.text
    assert 'deprecated. Use "task ls" instead' in r.err  # and on stderr, once
    assert r.err.count("deprecated") == 1


def test_transport_retries_are_not_shown_twice(run, caplog, scripted) -> None:
    about = {"name": "CVAT", "description": "", "version": "2.42.0", "logo_url": "", "subtitle": ""}
    scripted.reply(json=about)
    scripted.reply(503)
    scripted.reply(json={"count": 0, "next": None, "previous": None, "results": []})
    scripted.always(json=about)
    r = run("--server-host", scripted.url, "--access-token", "t" * 8, "task", "ls")
    assert r.code == 0, r.err
    retry_lines = [line for line in r.err.splitlines() if "answered 503; retry" in line]
    assert len(retry_lines) == 1


def _stream(*lines: str) -> io.BytesIO:
    return io.BytesIO(b"".join(line.encode() + b"\n" for line in lines))


@pytest.mark.parametrize(
    ("lines", "messages"),
    [
        ([], []),
        ([""], [_Event("", "")]),
        (["event: a", "event: b", ""], [_Event("b", "")]),
        (["data: x", "data: y", ""], [_Event("", "x\ny")]),
        (["data: x", "event: t", "data: y", ""], [_Event("t", "x\ny")]),
        (["event: t", "event", ""], [_Event("", "")]),
        (["data: t", "data", ""], [_Event("", "t\n")]),
        (["event: t", "data: cut off"], []),
        ([":keep-alive", "event: t", ":", "data: d", ""], [_Event("t", "d")]),
        (["retry: 1500"], [_NewReconnectionDelay(timedelta(milliseconds=1500))]),
        (["retry", "retry:", "retry: 1.5", "retry: ١٢"], []),
        (["event:t", "data:d", ""], [_Event("t", "d")]),
        (["event:  t", ""], [_Event(" t", "")]),
        (["event: t\r", "data: d\r", "\r"], [_Event("t", "d")]),
        (["event: 1", "data: a", "", "event: 2", "data: b", ""], [_Event("1", "a"), _Event("2", "b")]),
    ],
)
def test_event_stream_parsing(lines: list[str], messages: list[object]) -> None:
    assert list(_parse_event_stream(_stream(*lines))) == messages


def test_a_bare_carriage_return_is_an_error() -> None:
    with pytest.raises(ValueError, match="CR"):
        list(_parse_event_stream(_stream("data: a\rb", "")))
