"""FaultProxy: a seeded, bounded, fault-injecting HTTP/1.1 proxy on 127.0.0.1 for tests.

It sits in front of any server (a fake one the tests start, or a real CVAT) and forwards each
request, except that a `plan` may answer it with a fault instead:

* "reset": close the connection (RST) without forwarding the request;
* "reset_after": forward it, read the whole answer, then reset instead of relaying it;
* "cut": relay the status, headers and part of the body, then reset (a body cut mid-way);
* "stale": relay the answer, then close the connection the client believes is kept alive;
* "429", "502", "503", "504": answer that status (with `Retry-After`) without forwarding.

`RandomFaults(seed, rate)` is the plan of the fault matrix: each request is judged from
(seed, method, target, its occurrence count), so a seed gives the same faults whatever the
order of parallel requests. Faults that lose a request the server may have processed (reset,
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
from collections.abc import Callable
from dataclasses import dataclass, field

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
ANY_METHOD_FAULTS = ("429", "503")
IDEMPOTENT_FAULTS = ("reset", "reset_after", "cut", "stale", "429", "502", "503", "504")

Plan = Callable[[str, str, int], "str | None"]  # (method, target, occurrence) -> fault or None


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

    def __init__(self, upstream: str, plan: Plan | None = None) -> None:
        host, _, port = upstream.removeprefix("http://").rstrip("/").partition(":")
        self.upstream = (host, int(port or 80))
        self.upstream_origin = f"http://{host}:{self.upstream[1]}"
        self.plan: Plan = plan or (lambda method, target, n: None)
        self.faults: list[tuple[str, str, str]] = []  # (fault, method, target)
        self.requests = 0
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
                with self._lock:
                    occurrence = self._seen[(method, target)]
                    self._seen[(method, target)] += 1
                    self.requests += 1
                    fault = self.plan(method, target, occurrence)
                    if fault:
                        self.faults.append((fault, method, target))
                if not self._exchange(conn, method, target, head, body, fault):
                    return
        except OSError:
            return
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
        with socket.create_connection(self.upstream, timeout=600) as up:
            up.sendall(request)
            upstream = up.makefile("rb")
            answer = _read_head(upstream)
            if answer is None:
                _reset(conn)
                return False
            status = int(answer[0].split(" ")[1])
            answer_headers = [self._rewrite(h) for h in answer[1:] if not h.lower().startswith("connection:")]
            answer_body = _read_body(upstream, answer[1:], method, status=status)
        if fault == "reset_after":
            _reset(conn)
            return False
        delimited = any(h.lower().startswith(("content-length:", "transfer-encoding:")) for h in answer_headers)
        if not delimited and method != "HEAD" and status not in (204, 304):
            answer_headers.append(f"Content-Length: {len(answer_body)}")
        out = "\r\n".join([answer[0], *answer_headers, "", ""]).encode()
        if fault == "cut" and len(answer_body) > 1:
            conn.sendall(out + answer_body[: random.Random(len(self.faults)).randrange(1, len(answer_body))])
            _reset(conn)
            return False
        conn.sendall(out + answer_body)
        return fault != "stale"

    def plan_retry_after(self) -> str:
        return getattr(self.plan, "retry_after", "0")

    def _rewrite(self, header: str) -> str:
        """Location headers pointing at the upstream point at the proxy instead."""
        name, _, value = header.partition(":")
        if name.strip().lower() == "location":
            return f"{name}: {value.strip().replace(self.upstream_origin, self.url)}"
        return header


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
    """The body exactly as sent (chunked framing kept)."""
    if not request and (method == "HEAD" or status in (204, 304) or 100 <= status < 200):
        return b""
    read = stream.read  # type: ignore[attr-defined]
    readline = stream.readline  # type: ignore[attr-defined]
    if "chunked" in (_header(headers, "transfer-encoding") or "").lower():
        out = bytearray()
        while True:
            line = readline(65537)
            out += line
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:
                    trailer = readline(65537)
                    out += trailer
                    if trailer in (b"\r\n", b"\n", b""):
                        return bytes(out)
            out += read(size + 2)
    length = _header(headers, "content-length")
    if length is not None:
        return bytes(read(int(length)))
    return b"" if request else bytes(read())
