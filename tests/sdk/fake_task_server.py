"""A fake CVAT 2.42 serving one image task (id 1) for read-path tests: frames, chunks, preview,
data meta and annotations, in the shapes the SDK reads from a real server.

* `GET /api/tasks/1/data?type=frame&number=i` -> the frame's JPEG; `type=chunk&number=k` -> a zip
  of the chunk's frames in order (as CVAT's original-quality image chunks are);
* `GET /api/tasks/1/preview` -> a JPEG; `GET /api/tasks/1/data/meta` -> frame sizes and names;
* `GET|PUT /api/tasks/1/annotations`, `PATCH ...?action=create` -> stored shapes (PUT replaces,
  PATCH appends, each shape gets an id, as CVAT does);
* `POST /api/tasks/1/dataset/export` -> 202 and a request id; `GET /api/requests/<id>` -> finished,
  with a `result_url` built from the request's Host (as CVAT builds it) unless `result_origin` is
  set; `GET /api/tasks/1/dataset/download` -> a zip of `images/` and `annotations.xml`, always
  whole (no Range support, as CVAT 2.42's export downloads).
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

EXPORT_RQ = "export-1"
ABOUT = {"name": "CVAT", "description": "fake", "version": "2.42.0", "logo_url": "", "subtitle": ""}


def make_jpeg(index: int, size: tuple[int, int] = (64, 48)) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, ((index * 37) % 256, (index * 91) % 256, (index * 13) % 256))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


class FakeTaskServer:
    """One image task of `frames` JPEGs in chunks of `chunk_size`, on 127.0.0.1 (port 0)."""

    handler_class: type[BaseHTTPRequestHandler]  # set below: `_Handler` (subclasses serve more)

    def __init__(self, frames: int = 12, chunk_size: int = 4) -> None:
        self.frames = [make_jpeg(i) for i in range(frames)]
        self.chunk_size = chunk_size
        self.preview = make_jpeg(999)
        self.shapes: list[dict[str, Any]] = []
        self.annotation_version = 0
        self.seen: list[tuple[str, str]] = []
        self.result_origin: str | None = None  # the origin of result_url (None: the request's Host)
        self._next_id = 1
        self._lock = threading.Lock()
        handler = type("Handler", (self.handler_class,), {"fake": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)

    def chunk(self, index: int) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            first = index * self.chunk_size
            for i in range(first, min(first + self.chunk_size, len(self.frames))):
                archive.writestr(f"{i:06d}.jpeg", self.frames[i])
        return out.getvalue()

    def task_json(self) -> dict[str, Any]:
        return {
            "id": 1,
            "name": "fake",
            "size": len(self.frames),
            "mode": "annotation",
            "data_chunk_size": self.chunk_size,
            "data_original_chunk_type": "imageset",
            "data_compressed_chunk_type": "imageset",
            "jobs": {"count": 1, "completed": 0, "validation": 0},
            "labels": {"count": 1},
            "updated_date": "2026-01-01T00:00:00Z",
        }

    def export_zip(self) -> bytes:
        """The same bytes every time (fixed file dates)."""
        out = io.BytesIO()
        when = (2026, 1, 1, 0, 0, 0)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr(
                zipfile.ZipInfo("annotations.xml", when), "<annotations><version>1.1</version></annotations>"
            )
            for i, frame in enumerate(self.frames):
                archive.writestr(zipfile.ZipInfo(f"images/{i:06d}.jpeg", when), frame)
        return out.getvalue()

    def meta_json(self) -> dict[str, Any]:
        return {
            "chunk_size": self.chunk_size,
            "size": len(self.frames),
            "image_quality": 90,
            "start_frame": 0,
            "stop_frame": len(self.frames) - 1,
            "frame_filter": "",
            "deleted_frames": [],
            "chunks_updated_date": "2026-01-01T00:00:00Z",
            "frames": [
                {"width": 64, "height": 48, "name": f"{i:06d}.jpeg", "related_files": 0}
                for i in range(len(self.frames))
            ],
        }

    def store(self, body: dict[str, Any], *, replace: bool) -> dict[str, Any]:
        with self._lock:
            if replace:
                self.shapes = []
            added = []
            for shape in body.get("shapes", []):
                shape = {**shape, "id": self._next_id}
                self._next_id += 1
                added.append(shape)
            self.shapes.extend(added)
            self.annotation_version += 1
            return {"version": self.annotation_version, "tags": [], "shapes": added, "tracks": []}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeTaskServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/vnd.cvat+json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, value: Any, status: int = 200) -> None:
        self._send(status, json.dumps(value).encode())

    def _serve(self) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        path, query = parts.path.rstrip("/"), {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else {}
        with fake._lock:
            fake.seen.append((self.command, self.path))
        if path == "/api/server/about":
            return self._json(ABOUT)
        if path == "/api/tasks/1":
            return self._json(fake.task_json())
        if path == "/api/tasks/1/data/meta":
            return self._json(fake.meta_json())
        if path == "/api/tasks/1/preview":
            return self._send(200, fake.preview, "image/jpeg")
        if path == "/api/tasks/1/data":
            number = int(query.get("number", -1))
            if query.get("type") == "frame" and 0 <= number < len(fake.frames):
                return self._send(200, fake.frames[number], "image/jpeg")
            if query.get("type") == "chunk" and 0 <= number * fake.chunk_size < len(fake.frames):
                return self._send(200, fake.chunk(number), "application/zip")
            return self._json({"detail": "bad frame or chunk"}, 400)
        if path == "/api/tasks/1/dataset/export" and self.command == "POST":
            return self._json({"rq_id": EXPORT_RQ}, 202)
        if path == f"/api/requests/{EXPORT_RQ}":
            origin = fake.result_origin or f"http://{self.headers.get('Host')}"
            url = f"{origin}/api/tasks/1/dataset/download?rq_id={EXPORT_RQ}"
            operation = {"type": "export:dataset", "target": "task", "task_id": 1, "format": "CVAT for images 1.1"}
            return self._json(
                {
                    "id": EXPORT_RQ,
                    "status": "finished",
                    "message": "",
                    "operation": operation,
                    "created_date": "2026-01-01T00:00:00Z",
                    "result_url": url,
                }
            )
        if path == "/api/tasks/1/dataset/download":
            return self._send(200, fake.export_zip(), "application/zip")
        if path == "/api/tasks/1/annotations":
            if self.command == "GET":
                with fake._lock:
                    return self._json(
                        {"version": fake.annotation_version, "tags": [], "shapes": fake.shapes, "tracks": []}
                    )
            if self.command == "PUT":
                return self._json(fake.store(body, replace=True))
            if self.command == "PATCH" and query.get("action") == "create":
                return self._json(fake.store(body, replace=False))
        return self._json({"detail": "not found"}, 404)

    do_GET = do_PUT = do_PATCH = do_HEAD = do_POST = _serve


FakeTaskServer.handler_class = _Handler
