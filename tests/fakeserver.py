"""pytest plugin: a scripted local HTTP server for tests that need no CVAT server.

A test queues replies (`scripted.reply(...)`, `scripted.drop(...)`, `scripted.stall(...)`) and then makes
requests with a client built by `make_client(...)`; the server answers each request with the next
queued reply (or with `scripted.default`, if set) and records every request it received.
"""

from __future__ import annotations

import email.parser
import email.policy
import json as jsonlib
import socket
import ssl
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

# Actions a scripted reply can take instead of (or before) answering normally.
DROP = "drop"  # read the request, then close the connection without answering
DROP_IN_HEADERS = "drop_in_headers"  # send part of the status line, then close
DROP_IN_BODY = "drop_in_body"  # send the headers and part of the body (less than Content-Length), then close
STALL_IN_BODY = "stall_in_body"  # send the headers and part of the body, then wait (`stall` seconds), then close


@dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    reason: str | None = None
    chunked: bool = False
    chunk_size: int = 1 << 16
    action: str | None = None
    stall: float = 0.0  # seconds to wait before answering (interrupted when the server stops)


@dataclass
class RecordedRequest:
    method: str
    target: str
    headers: Any  # email.message.Message: case-insensitive .get(), .get_all()
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def raw_query(self) -> str:
        return urlsplit(self.target).query

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.raw_query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def json(self) -> Any:
        return jsonlib.loads(self.body)

    @property
    def cookies(self) -> dict[str, str]:
        out = {}
        for line in self.headers.get_all("Cookie") or []:
            for part in line.split(";"):
                name, _, value = part.strip().partition("=")
                if name:
                    out[name] = value
        return out

    def multipart(self) -> list[tuple[str, str | None, bytes]]:
        """The parts of a multipart/form-data body: (field name, file name or None, content)."""
        ctype = self.headers.get("Content-Type", "")
        assert ctype.startswith("multipart/form-data"), ctype
        raw = b"Content-Type: " + ctype.encode() + b"\r\nMIME-Version: 1.0\r\n\r\n" + self.body
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
        assert msg.is_multipart()
        return [
            (
                part.get_param("name", header="content-disposition"),
                part.get_filename(),
                part.get_payload(decode=True),
            )
            for part in msg.iter_parts()
        ]


class ScriptedServer:
    """A ThreadingHTTPServer on 127.0.0.1 (port 0) answering from a queue of scripted replies;
    HTTPS with `ssl_context` (a server-side `ssl.SSLContext`)."""

    def __init__(self, port: int = 0, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.requests: list[RecordedRequest] = []
        self.unscripted: list[RecordedRequest] = []
        self.default: Reply | Callable[[RecordedRequest], Reply] | None = None
        self._queue: deque[Reply | Callable[[RecordedRequest], Reply]] = deque()
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        handler = type("Handler", (_Handler,), {"scripted": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        if ssl_context is not None:
            self.httpd.socket = ssl_context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.url = f"{'https' if ssl_context else 'http'}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)
        self._thread.start()

    # --- scripting ----------------------------------------------------------------------------
    def enqueue(self, reply: Reply | Callable[[RecordedRequest], Reply]) -> None:
        with self._lock:
            self._queue.append(reply)

    @staticmethod
    def make_reply(
        status: int = 200,
        *,
        json: Any = None,
        body: bytes | str = b"",
        headers: Mapping[str, str] | list[tuple[str, str]] | None = None,
        content_type: str | None = None,
        reason: str | None = None,
        chunked: bool = False,
        stall: float = 0.0,
    ) -> Reply:
        hdrs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
        if json is not None:
            body = jsonlib.dumps(json).encode()
            content_type = content_type or "application/vnd.cvat+json"
        if isinstance(body, str):
            body = body.encode()
        if content_type and not any(k.lower() == "content-type" for k, _ in hdrs):
            hdrs.append(("Content-Type", content_type))
        return Reply(status, hdrs, body, reason=reason, chunked=chunked, stall=stall)

    def reply(self, status: int = 200, **kwargs: Any) -> None:
        """Queue one reply (see `make_reply` for the arguments)."""
        self.enqueue(self.make_reply(status, **kwargs))

    def always(self, status: int = 200, **kwargs: Any) -> None:
        """Answer every request not scripted otherwise with this reply."""
        self.default = self.make_reply(status, **kwargs)

    def drop(self, *, stall: float = 0.0) -> None:
        """Read the request, then close the connection without answering."""
        self.enqueue(Reply(action=DROP, stall=stall))

    def drop_in_headers(self) -> None:
        """Send part of the status line, then close the connection."""
        self.enqueue(Reply(action=DROP_IN_HEADERS))

    def drop_in_body(
        self, body: bytes = b'{"partial', content_type: str = "application/json", *, length: int | None = None
    ) -> None:
        """Send the headers and `body`, which is shorter than the Content-Length sent (`length`, by
        default 100,000 more than `body`), then close."""
        headers = [("Content-Type", content_type)]
        if length is not None:
            headers.append(("Content-Length", str(length)))
        self.enqueue(Reply(200, headers, body, action=DROP_IN_BODY))

    def stall(self, seconds: float, **reply_kwargs: Any) -> None:
        """Wait `seconds` before answering (see `make_reply` for the other arguments)."""
        self.reply(stall=seconds, **reply_kwargs)

    def stall_in_body(self, seconds: float, body: bytes = b'{"partial') -> None:
        """Send the headers and the start of the body, then wait `seconds` and close the connection."""
        self.enqueue(Reply(200, [("Content-Type", "application/json")], body, action=STALL_IN_BODY, stall=seconds))

    def _next(self, req: RecordedRequest) -> Reply | None:
        with self._lock:
            self.requests.append(req)
            item = self._queue.popleft() if self._queue else self.default
            if item is None:
                self.unscripted.append(req)
                return None
        return item(req) if callable(item) else item

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def close(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    scripted: ScriptedServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:  # the client went away (timeouts, dropped connections)
            self.close_connection = True

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        req = RecordedRequest(self.command, self.path, self.headers, self._read_body())
        reply = self.scripted._next(req)
        if reply is None:
            reply = Reply(599, [("Content-Type", "text/plain")], b"no scripted reply", reason="Unscripted")
        if reply.stall and reply.action != STALL_IN_BODY and self.scripted.stopping.wait(reply.stall):
            self.close_connection = True
            return
        if reply.action == DROP:
            self.close_connection = True
            return
        if reply.action == DROP_IN_HEADERS:
            self.wfile.write(b"HTTP/1.1 20")
            self.wfile.flush()
            self.close_connection = True
            return
        self.send_response(reply.status, reply.reason)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.action in (DROP_IN_BODY, STALL_IN_BODY):
            if not any(k.lower() == "content-length" for k, _ in reply.headers):
                self.send_header("Content-Length", str(len(reply.body) + 100_000))
            self.end_headers()
            self.wfile.write(reply.body)
            self.wfile.flush()
            if reply.action == STALL_IN_BODY:
                self.scripted.stopping.wait(reply.stall)
            self.close_connection = True
            return
        if reply.chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(reply.body), reply.chunk_size):
                chunk = reply.body[i : i + reply.chunk_size]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve


@pytest.fixture
def scripted_factory() -> Iterator[Callable[..., ScriptedServer]]:
    """Start more scripted servers: `scripted_factory(port=0)`; all are stopped after the test."""
    servers: list[ScriptedServer] = []

    def start(port: int = 0, **kwargs: Any) -> ScriptedServer:
        srv = ScriptedServer(port, **kwargs)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.close()
    for srv in servers:
        assert not srv.unscripted, (
            f"requests without a scripted reply: {[(r.method, r.target) for r in srv.unscripted]}"
        )


@pytest.fixture
def scripted(scripted_factory: Callable[..., ScriptedServer]) -> ScriptedServer:
    """A scripted server on a free port of 127.0.0.1."""
    return scripted_factory()


@pytest.fixture
def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
