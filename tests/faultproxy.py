"""FaultProxy: a seeded, bounded, fault-injecting HTTP/1.1 proxy on 127.0.0.1 for tests.

It sits in front of any server (a fake one the tests start, or a real CVAT) and forwards each
request, except that a `plan` may answer it with a fault instead:

* "reset": close the connection (RST) without forwarding the request;
* "reset_after": forward it, read the whole answer, then reset instead of relaying it;
* "cut": relay the status, headers and part of the body, then reset (a body cut mid-way);
* "stale": relay the answer, then close the connection the client believes is kept alive;
* "429", "502", "503", "504": answer that status (with `Retry-After`) without forwarding.

`RandomFaults(seed, rate)` is the plan of the fault matrix: each request is judged from
(seed, method, identity, its occurrence count) - the identity is the target plus the headers
that tell one upload step from another - so a seed gives the same faults whatever the order of
parallel requests. Faults that lose a request the server may have processed (reset,
reset_after, cut, 502, 504) only hit idempotent methods; POST and PATCH get only refusals the
server cannot have acted on (429, 503). `max_streak` bounds the faults in a row on one
request, so a client with at least that many retries always completes.
"""

from __future__ import annotations

import hashlib
import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
ANY_METHOD_FAULTS = ("429", "503")
IDEMPOTENT_FAULTS = ("reset", "reset_after", "cut", "stale", "429", "502", "503", "504")

# (method, request identity: the target then identifying headers, occurrence) -> fault or None
Plan = Callable[[str, str, int], "str | None"]


@dataclass
class RandomFaults:
    """A fault on `rate` of the requests, chosen from the seed, bounded per request and in all."""

    seed: int
    rate: float
    max_streak: int = 2
    budget: int = 10_000
    retry_after: str = "0"
    streaks: Counter[tuple[str, str]] = field(default_factory=Counter)

    def __call__(self, method: str, target: str, occurrence: int) -> str | None:
        key = (method, target)
        digest = hashlib.sha256(f"{self.seed}|{method}|{target}|{occurrence}".encode()).digest()
        rng = random.Random(digest)
        if self.budget <= 0 or self.streaks[key] >= self.max_streak or rng.random() >= self.rate:
            self.streaks[key] = 0
            return None
        self.streaks[key] += 1
        self.budget -= 1
        return rng.choice(IDEMPOTENT_FAULTS if method in IDEMPOTENT else ANY_METHOD_FAULTS)


class FaultProxy:
    """Forwards HTTP on 127.0.0.1:<port> to `upstream` ("http://host:port"), with faults from `plan`."""

    def __init__(self, upstream: str, plan: Plan | None = None, *, routes: Mapping[str, str] | None = None) -> None:
        """`routes`: path prefixes sent to another upstream than `upstream` (one proxy, two servers)."""
        self.upstream = _address(upstream)
        self.upstream_origin = _origin(self.upstream)
        self._routes = [(prefix, _address(url)) for prefix, url in (routes or {}).items()]
        self.plan: Plan = plan or (lambda method, target, n: None)
        self.faults: list[tuple[str, str, str]] = []  # (fault, method, target)
        self.requests = 0
        self.errors: list[str] = []
        self._seen: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes accept()
        except OSError:
            pass
        self._listener.close()
        self._thread.join(5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fault_counts(self) -> Counter[str]:
        return Counter(f for f, _, _ in self.faults)

    # --- serving --------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        client = conn.makefile("rb")
        try:
            while not self._stop.is_set():
                head = _read_head(client)
                if head is None:
                    return
                method, target = head[0].split(" ")[:2]
                body = _read_body(client, head[1:], method, request=True)
                identity = _identity(target, head[1:])
                with self._lock:
                    occurrence = self._seen[(method, identity)]
                    self._seen[(method, identity)] += 1
                    self.requests += 1
                    fault = self.plan(method, identity, occurrence)
                    if fault:
                        self.faults.append((fault, method, target))
                if not self._exchange(conn, method, target, head, body, fault):
                    return
        except OSError:
            return
        except Exception as e:  # a bug in the proxy: recorded, so tests can report it
            self.errors.append(repr(e))
        finally:
            client.close()
            conn.close()

    def _exchange(
        self, conn: socket.socket, method: str, target: str, head: list[str], body: bytes, fault: str | None
    ) -> bool:
        """Answer one request; False when the client connection is to be closed."""
        if fault == "reset":
            _reset(conn)
            return False
        if fault in ("429", "502", "503", "504"):
            conn.sendall(
                f"HTTP/1.1 {fault} Injected\r\nRetry-After: {self.plan_retry_after()}\r\n"
                "Content-Type: text/plain\r\nContent-Length: 8\r\n\r\ninjected".encode()
            )
            return True
        headers = [h for h in head[1:] if h.split(":", 1)[0].strip().lower() not in ("connection", "keep-alive")]
        request = "\r\n".join([head[0], *headers, "Connection: close", "", ""]).encode() + body
        upstream_address = next((a for prefix, a in self._routes if target.startswith(prefix)), self.upstream)
        with socket.create_connection(upstream_address, timeout=600) as up:
            up.sendall(request)
            upstream = up.makefile("rb")
            answer = _read_head(upstream)
            if answer is None:
                _reset(conn)
                return False
            status = int(answer[0].split(" ")[1])
            answer_headers = [self._rewrite(h) for h in answer[1:] if not h.lower().startswith("connection:")]
            pieces = _body_pieces(upstream, answer[1:], method, status=status)
            if fault == "reset_after":
                for _ in pieces:  # the server answers in full; the client gets nothing
                    pass
                _reset(conn)
                return False
            delimited = any(h.lower().startswith(("content-length:", "transfer-encoding:")) for h in answer_headers)
            if not delimited and method != "HEAD" and status not in (204, 304):
                whole = b"".join(pieces)  # delimited by closing: give the client a length instead
                answer_headers.append(f"Content-Length: {len(whole)}")
                pieces = iter([whole])
            conn.sendall("\r\n".join([answer[0], *answer_headers, "", ""]).encode())
            length = _header(answer[1:], "content-length")
            cut_at = None
            if fault == "cut" and length and int(length) > 1:
                cut_at = random.Random(f"{target}|{len(self.faults)}").randrange(1, int(length))
            sent = 0
            for piece in pieces:
                if cut_at is not None and sent + len(piece) >= cut_at:
                    conn.sendall(piece[: cut_at - sent])
                    _reset(conn)
                    return False
                conn.sendall(piece)
                sent += len(piece)
            if fault == "cut":  # nothing to cut (empty or chunked body): lose the connection instead
                return False
        return fault != "stale"

    def plan_retry_after(self) -> str:
        return getattr(self.plan, "retry_after", "0")

    def _rewrite(self, header: str) -> str:
        """Location headers pointing at an upstream point at the proxy instead."""
        name, _, value = header.partition(":")
        if name.strip().lower() != "location":
            return header
        value = value.strip()
        for address in [self.upstream, *(a for _, a in self._routes)]:
            value = value.replace(_origin(address), self.url)
        return f"{name}: {value}"


# Headers that tell apart requests to one URL (upload steps, TUS offsets, ranges).
_IDENTITY_HEADERS = ("content-length", "range", "upload-offset", "upload-length", "upload-metadata")
_IDENTITY_PREFIX = "upload-"


def _identity(target: str, headers: list[str]) -> str:
    """The request as the plan sees it: the target, plus the headers that make it one logical
    request (so a resent request is recognised whatever else is sent to the same URL meanwhile)."""
    parts = [target]
    for h in headers:
        name, _, value = h.partition(":")
        name = name.strip().lower()
        if name in _IDENTITY_HEADERS or name.startswith(_IDENTITY_PREFIX):
            parts.append(f"{name}={value.strip()}")
    return " ".join([parts[0], *sorted(parts[1:])])


def _address(url: str) -> tuple[str, int]:
    host, _, port = url.removeprefix("http://").rstrip("/").partition(":")
    return host, int(port or 80)


def _origin(address: tuple[str, int]) -> str:
    return f"http://{address[0]}:{address[1]}"


def _reset(conn: socket.socket) -> None:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def _read_head(stream: socket.SocketIO | object) -> list[str] | None:
    lines: list[str] = []
    while True:
        line = stream.readline(65537)  # type: ignore[attr-defined]
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            if lines:
                return lines
            continue
        lines.append(line.decode("latin-1").rstrip("\r\n"))


def _header(headers: list[str], name: str) -> str | None:
    for h in headers:
        key, _, value = h.partition(":")
        if key.strip().lower() == name:
            return value.strip()
    return None


def _read_body(stream: object, headers: list[str], method: str, *, request: bool = False, status: int = 0) -> bytes:
    """The body exactly as sent (chunked framing kept), read whole."""
    return b"".join(_body_pieces(stream, headers, method, request=request, status=status))


def _body_pieces(
    stream: object, headers: list[str], method: str, *, request: bool = False, status: int = 0, piece: int = 1 << 16
) -> Iterator[bytes]:
    """The body exactly as sent (chunked framing kept), in pieces of at most `piece` bytes."""
    if not request and (method == "HEAD" or status in (204, 304) or 100 <= status < 200):
        return
    read = stream.read  # type: ignore[attr-defined]
    readline = stream.readline  # type: ignore[attr-defined]
    if "chunked" in (_header(headers, "transfer-encoding") or "").lower():
        while True:
            line = readline(65537)
            yield line
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:
                    trailer = readline(65537)
                    yield trailer
                    if trailer in (b"\r\n", b"\n", b""):
                        return
            yield read(size + 2)
    length = _header(headers, "content-length")
    if length is not None:
        left = int(length)
        while left > 0:
            data = read(min(piece, left))
            if not data:
                return
            left -= len(data)
            yield data
        return
    if not request:
        while data := read(piece):
            yield data
