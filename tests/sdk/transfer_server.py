"""A fake CVAT for transfer tests: the upload dialect and file downloads, with injectable faults.

It behaves like CVAT 2.42 where the transfer engine depends on it:
* `POST <endpoint>/` with `Upload-Start` -> 202; with `Upload-Multiple` -> stores each
  `client_files[i]` part by its name, appending to an existing file (as CVAT does), after
  recording the name in a "table" that refuses duplicates (a repeated name -> 500, nothing
  written); with `Upload-Length` -> a TUS upload (201, Location, Upload-Filename; on task data
  endpoints `/data/` a name already stored -> 409); with `Upload-Finish` -> 202 `{"rq_id"}`.
* `HEAD <endpoint>/<id>` -> Upload-Offset (500 once the upload is complete, as CVAT 2.42);
  `PATCH` -> writes at the offset (409 on a wrong offset) -> 204 with the new offset.
* `GET /files/<name>` -> the bytes put in `files`, with Range support if `ranges` is set.

Request bodies are spooled to disk and parsed through mmap, so the server itself holds little
memory (the memory test measures the client in the same process).

Faults are queued with `fault(kind, action, ...)`: the next request of that kind (start,
multiple, tus_create, head, patch, finish, get) gets the action instead of normal handling.
"""

from __future__ import annotations

import base64
import json
import mmap
import re
import shutil
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

# Fault actions
STATUS = "status"  # answer `status` (with `headers`) without acting on the request
STATUS_AFTER = "status_after"  # act on the request, then answer `status` (a gateway lost the answer)
DROP_MID_BODY = "drop_mid_body"  # read part of the request body, then close the connection
DROP_AFTER = "drop_after"  # act on the request, then close the connection without answering
STALL_AFTER = "stall_after"  # act on the request, then wait `seconds` before answering
STALL = "stall"  # wait `seconds`, then act and answer normally
DROP_MID_RESPONSE = "drop_mid_response"  # GET: send the headers and part of the body, then close
STALL_MID_RESPONSE = "stall_mid_response"  # GET: send part of the body, then wait `seconds` and close


@dataclass
class Fault:
    kind: str
    action: str
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    fraction: float = 0.5
    where: Callable[[Seen], bool] | None = None


@dataclass
class Seen:
    """One request the server received."""

    kind: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body_size: int = 0
    names: list[str] = field(default_factory=list)  # multipart file names, TUS metadata name
    fields: dict[str, str] = field(default_factory=dict)  # multipart text fields
    offset: int | None = None  # PATCH
    json: Any = None  # finish
    status: int | None = None  # what it answered (None: dropped)
    fault: str | None = None
    time: float = 0.0


@dataclass
class TusState:
    endpoint: str
    name: str
    size: int
    path: Path
    offset: int = 0
    done: bool = False


@dataclass
class EndpointState:
    """What an upload endpoint has received."""

    stored: dict[str, Path] = field(default_factory=dict)  # name -> file
    table: list[str] = field(default_factory=list)  # names recorded, in arrival order
    writes: dict[str, int] = field(default_factory=dict)  # name -> bytes written (appends and chunks)
    starts: int = 0
    finishes: list[Seen] = field(default_factory=list)

    def content(self, name: str) -> bytes:
        return self.stored[name].read_bytes()


class FakeCvat:
    """The fake server; `url` is where it listens on 127.0.0.1."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.Lock()
        self.seen: list[Seen] = []
        self.endpoints: dict[str, EndpointState] = {}
        self.tus: dict[str, TusState] = {}
        self.files: dict[str, bytes] = {}
        self.ranges = True
        self.faults: list[Fault] = []
        self.active = 0
        self.max_active = 0
        self.delay_kinds: dict[str, float] = {}  # kind -> seconds to wait before handling (overlap tests)
        self.stopping = threading.Event()
        handler = type("Handler", (_Handler,), {"fake": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    # -- test API -----------------------------------------------------------------------------
    def fault(self, kind: str, action: str, *, times: int = 1, **kwargs: Any) -> None:
        """Queue `times` faults for the next requests of `kind`."""
        with self.lock:
            self.faults.extend(Fault(kind, action, **kwargs) for _ in range(times))

    def endpoint(self, path: str) -> EndpointState:
        with self.lock:
            return self.endpoints.setdefault(path, EndpointState())

    def of_kind(self, kind: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.kind == kind]

    @property
    def pending_faults(self) -> int:
        with self.lock:
            return len(self.faults)

    def close(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)

    # -- internals ------------------------------------------------------------------------------
    def _take_fault(self, seen: Seen) -> Fault | None:
        with self.lock:
            for i, f in enumerate(self.faults):
                if f.kind == seen.kind and (f.where is None or f.where(seen)):
                    return self.faults.pop(i)
        return None


def _kind(method: str, path: str, headers: dict[str, str]) -> str:
    if method == "GET":
        return "get"
    if method == "HEAD":
        return "head"
    if method == "PATCH":
        return "patch"
    if "upload-finish" in headers:
        return "finish"
    if "upload-start" in headers:
        return "start"
    if "upload-length" in headers:
        return "tus_create"
    if "upload-multiple" in headers:
        return "multiple"
    return "other"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeCvat

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no Nagle delays on small answers

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:
            self.close_connection = True

    # -- plumbing ---------------------------------------------------------------------------------
    def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if body and not any(k.lower() == "content-type" for k in headers or {}):
            self.send_header("Content-Type", "application/vnd.cvat+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _spool_body(self, limit: int | None = None) -> BinaryIO:
        """The request body in a temp file (at most `limit` bytes read)."""
        length = int(self.headers.get("Content-Length") or 0)
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raise AssertionError("the client sent a chunked body; it must send Content-Length")
        to_read = length if limit is None else min(limit, length)
        spool = tempfile.TemporaryFile(dir=self.fake.root)  # noqa: SIM115 - closed by the caller
        while to_read > 0:
            block = self.rfile.read(min(1 << 16, to_read))
            if not block:
                break
            spool.write(block)
            to_read -= len(block)
        spool.seek(0)
        return spool

    # -- dispatch ---------------------------------------------------------------------------------
    def _serve(self) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        seen = Seen(
            kind=_kind(self.command, parts.path, headers),
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=headers,
            body_size=int(headers.get("content-length") or 0),
            offset=int(headers["upload-offset"]) if "upload-offset" in headers else None,
            time=time.monotonic(),
        )
        with fake.lock:
            fake.seen.append(seen)
            fake.active += 1
            fake.max_active = max(fake.max_active, fake.active)
        try:
            if fake.delay_kinds.get(seen.kind):
                fake.stopping.wait(fake.delay_kinds[seen.kind])
            fault = fake._take_fault(seen)
            seen.fault = fault.action if fault else None
            self._handle(seen, fault)
        finally:
            with fake.lock:
                fake.active -= 1

    def _handle(self, seen: Seen, fault: Fault | None) -> None:
        if fault and fault.action == STATUS:
            self._spool_body().close()
            seen.status = fault.status
            self._reply(fault.status, b'"fault"', fault.headers)
            return
        if fault and fault.action == DROP_MID_BODY:
            self._spool_body(limit=int(seen.body_size * fault.fraction)).close()
            self._drop()
            return
        if fault and fault.action == STALL:
            self.fake.stopping.wait(fault.seconds)
        status, body, headers = self._act(seen, fault)
        if fault and fault.action == DROP_AFTER:
            self._drop()
            return
        if fault and fault.action == STATUS_AFTER:
            status, body, headers = fault.status, b'"fault"', fault.headers
        if fault and fault.action == STALL_AFTER and self.fake.stopping.wait(fault.seconds):
            return
        seen.status = status
        if seen.kind == "get" and fault and fault.action in (DROP_MID_RESPONSE, STALL_MID_RESPONSE):
            self._partial_response(status, body, headers, fault)
            return
        self._reply(status, body, headers)

    def _partial_response(self, status: int, body: bytes, headers: dict[str, str], fault: Fault) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: int(len(body) * fault.fraction)])
        self.wfile.flush()
        if fault.action == STALL_MID_RESPONSE:
            self.fake.stopping.wait(fault.seconds)
        self._drop()

    def _act(self, seen: Seen, fault: Fault | None) -> tuple[int, bytes, dict[str, str]]:
        kind = seen.kind
        if kind == "get":
            self._spool_body().close()
            return self._get(seen)
        if kind in ("head", "patch"):
            return self._tus_chunk(seen)
        endpoint_path = seen.path
        state = self.fake.endpoint(endpoint_path)
        if kind == "start":
            self._spool_body().close()
            with self.fake.lock:
                state.starts += 1
            return 202, b"", {}
        if kind == "finish":
            with self._spool_body() as spool:
                raw = spool.read()
            seen.json = json.loads(raw) if raw else None
            with self.fake.lock:
                state.finishes.append(seen)
                n = len(state.finishes)
            return 202, json.dumps({"rq_id": f"rq-{n}"}).encode(), {}
        if kind == "multiple":
            return self._multiple(seen, state)
        if kind == "tus_create":
            return self._tus_create(seen, state)
        self._spool_body().close()
        return 405, b'"unsupported"', {}

    # -- uploads ------------------------------------------------------------------------------------
    def _multiple(self, seen: Seen, state: EndpointState) -> tuple[int, bytes, dict[str, str]]:
        ctype = self.headers.get("Content-Type", "")
        match = re.search(r'boundary="?([^";]+)"?', ctype)
        if not ctype.startswith("multipart/form-data") or not match:
            return 400, b'"not multipart"', {}
        with self._spool_body() as spool:
            size = seen.body_size
            if size == 0:
                return 400, b'"empty body"', {}
            with mmap.mmap(spool.fileno(), size, access=mmap.ACCESS_READ) as mm:
                view = memoryview(mm)
                try:
                    parts = _parse_multipart(mm, match.group(1).encode())
                    for name, filename, start, end in parts:
                        if filename is None:
                            seen.fields[name] = bytes(view[start:end]).decode()
                    files = [
                        (name, filename, start, end) for name, filename, start, end in parts if filename is not None
                    ]
                    seen.names = [filename for _, filename, _, _ in files]
                    if "image_quality" not in seen.fields:
                        return 400, b'{"image_quality":["This field is required."]}', {}
                    with self.fake.lock:
                        if any(f in state.table for f in seen.names) or len(set(seen.names)) != len(seen.names):
                            return 500, b"<h1>Server Error (500)</h1>", {"Content-Type": "text/html"}
                        state.table.extend(seen.names)
                    for _, filename, start, end in files:
                        target = self.fake.root / f"{abs(hash(seen.path))}-{filename}"
                        with open(target, "ab") as out:  # CVAT appends: a second copy would corrupt the file
                            out.write(view[start:end])
                        with self.fake.lock:
                            state.stored[filename] = target
                            state.writes[filename] = state.writes.get(filename, 0) + (end - start)
                finally:
                    view.release()
        return 200, b"", {}

    def _tus_create(self, seen: Seen, state: EndpointState) -> tuple[int, bytes, dict[str, str]]:
        self._spool_body().close()
        meta = dict(
            (kv.split(" ", 1) + [""])[:2] for kv in (self.headers.get("Upload-Metadata") or "").split(",") if kv
        )
        name = base64.b64decode(meta.get("filename", "")).decode()
        seen.names = [name]
        size = int(self.headers["Upload-Length"])
        origin = self.headers.get("Origin")
        if origin is None:
            return 500, b"<h1>Server Error (500)</h1>", {"Content-Type": "text/html"}  # CVAT needs Origin here
        unique = seen.path.endswith("/data/")
        with self.fake.lock:
            if unique and name in state.stored:
                return 409, b'"File with same name already exists"', {}
            file_id = f"1_{uuid.uuid4()}"
            path = self.fake.root / f"tus-{file_id}"
            path.write_bytes(b"")
            self.fake.tus[file_id] = TusState(seen.path, name, size, path)
            if unique and name not in state.table:
                state.table.append(name)
        return (
            201,
            b"",
            {
                "Location": origin + seen.path + file_id,
                "Upload-Filename": name if unique else file_id,
                "Tus-Resumable": "1.0.0",
            },
        )

    def _tus_chunk(self, seen: Seen) -> tuple[int, bytes, dict[str, str]]:
        endpoint, _, file_id = seen.path.rpartition("/")
        with self.fake.lock:
            tus = self.fake.tus.get(file_id)
        if tus is None:
            self._spool_body().close()
            return 404, b"", {}
        if seen.method == "HEAD":
            if tus.done:
                return 500, b"", {}  # CVAT 2.42: the upload's state is gone once complete
            return 200, b"", {"Upload-Offset": str(tus.offset), "Upload-Length": str(tus.size)}
        offset = seen.offset or 0
        if self.headers.get("Content-Type") != "application/offset+octet-stream" or tus.done:
            self._spool_body().close()
            return 400 if not tus.done else 404, b"", {}
        if offset != tus.offset:
            self._spool_body().close()
            return 409, b"", {}
        with self._spool_body() as spool, open(tus.path, "r+b") as out:
            out.seek(offset)
            shutil.copyfileobj(spool, out, 1 << 16)
            written = out.tell() - offset
        state = self.fake.endpoint(tus.endpoint)
        with self.fake.lock:
            tus.offset += written
            state.writes[tus.name] = state.writes.get(tus.name, 0) + written
            if tus.offset >= tus.size:
                tus.done = True
                if tus.endpoint.endswith("/data/"):
                    name = tus.name
                    if name in state.stored:  # CVAT renames instead of overwriting
                        stem, dot, ext = name.rpartition(".")
                        name = f"{stem}_1{dot}{ext}"
                    state.stored[name] = tus.path
                else:
                    state.stored[file_id] = tus.path
        return 204, b"", {"Upload-Offset": str(tus.offset), "Tus-Resumable": "1.0.0"}

    # -- downloads ------------------------------------------------------------------------------
    def _get(self, seen: Seen) -> tuple[int, bytes, dict[str, str]]:
        name = seen.path.removeprefix("/files/")
        data = self.fake.files.get(name)
        if data is None:
            return 404, b'{"detail":"Not found."}', {}
        etag = f'"{abs(hash(data))}"'
        headers = {"Content-Type": "application/octet-stream", "ETag": etag}
        if self.fake.ranges:
            headers["Accept-Ranges"] = "bytes"
            match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
            if match and self.headers.get("If-Range", etag) == etag:
                start = int(match.group(1))
                if start >= len(data):
                    return 416, b"", {"Content-Range": f"bytes */{len(data)}"}
                headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
                return 206, data[start:], headers
        return 200, data, headers

    do_GET = do_POST = do_HEAD = do_PATCH = _serve


def _parse_multipart(mm: mmap.mmap, boundary: bytes) -> list[tuple[str, str | None, int, int]]:
    """(field name, file name or None, content start, content end) of each part."""
    delimiter = b"--" + boundary
    if mm[: len(delimiter)] != delimiter:
        raise ValueError("body does not start with the boundary")
    out: list[tuple[str, str | None, int, int]] = []
    pos = len(delimiter)
    while True:
        if mm[pos : pos + 2] == b"--":
            return out
        assert mm[pos : pos + 2] == b"\r\n", "malformed multipart body"
        head_start = pos + 2
        head_end = mm.find(b"\r\n\r\n", head_start)
        head = mm[head_start:head_end].decode("utf-8")
        content_start = head_end + 4
        next_delim = mm.find(b"\r\n" + delimiter, content_start)
        if next_delim < 0:
            raise ValueError("unterminated multipart body")
        name = _param(head, "name") or ""
        filename = _param(head, "filename")
        out.append((name, filename, content_start, next_delim))
        pos = next_delim + 2 + len(delimiter)


def _param(head: str, key: str) -> str | None:
    match = re.search(rf'[;\s]{key}="((?:[^"\\]|\\.)*)"', head)
    if not match:
        return None
    return re.sub(r"\\(.)", r"\1", match.group(1))
