"""A fake CVAT 2.72 with the functions API, for the function agent's tests: the image task of
FakeTaskServer (id 1, with labels) plus native functions and their request queues.

* `POST|GET /api/functions`, `GET|DELETE /api/functions/{id}`: functions as the server keeps them;
* `POST /api/functions/queues/function:{id}/requests/acquire` hands out queued requests of the asked
  category (in the order they were queued; `{"ar_assignment": null}` when there is none), and
  `.../{request_id}/complete|fail|update` record what the agent that holds a request reports;
* `GET /api/functions/queues/function:{id}/watch` is a `text/event-stream`: `retry:` first, then a
  `newrequest` event for each request queued while it is open. `watch_plan` says what each
  connection does: "close" (end after `retry:`) or "stay" (the default once the plan is used up);
* `functions_api=False`: a server without any of it (every /api/functions path answers 404).

Every request's path must be an operation of the 2.72 schema, with path parameters and JSON body
that fit it (else 400), and every answer must fit the schema; misfits are kept in `violations`.
Requests are queued by the test (`enqueue`), as `POST /api/functions/requests/` would.
"""

from __future__ import annotations

import io
import json
import re
import threading
import uuid
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.harness.conformance import SchemaViolation, check_path, check_request, check_response
from tests.sdk.fake_task_server import FakeTaskServer
from tests.sdk.fake_task_server import _Handler as _TaskHandler

VERSION = "2.72.0"
ABOUT = {"name": "CVAT", "description": "fake", "version": VERSION, "logo_url": "", "subtitle": ""}
OWNER = {"url": "http://localhost/api/users/1", "id": 1, "username": "admin", "first_name": "", "last_name": ""}
NOW = "2026-01-01T00:00:00Z"
TASK_LABELS = [
    {"id": 7, "name": "vehicle", "type": "rectangle", "attributes": [], "sublabels": [], "has_parent": False},
    {"id": 8, "name": "person", "type": "any", "attributes": [], "sublabels": [], "has_parent": False},
]


class FakeFunctionsServer(FakeTaskServer):
    def __init__(self, *, functions_api: bool = True, frames: int = 5, chunk_size: int = 2) -> None:
        self.functions_api = functions_api
        self.functions: dict[int, dict[str, Any]] = {}
        self.requests: dict[str, dict[str, Any]] = {}  # id -> state, result, progress, ...
        self.queued: list[str] = []
        self.log: list[tuple[str, str, Any]] = []  # (method, path, JSON body) of every request
        self.violations: list[str] = []
        self.watch_plan: list[str] = []
        self.watch_connections = 0
        self.retry_ms = 50
        self.labels = TASK_LABELS
        self.changed = threading.Condition()
        self.closing = False
        self._next_function = 1
        super().__init__(frames=frames, chunk_size=chunk_size)

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()
        super().close()

    # --- what a test does -------------------------------------------------------------------
    def add_function(self, **fields: Any) -> int:
        with self.changed:
            function_id = self._next_function
            self._next_function += 1
            labels = [_with_defaults(label) for label in fields.pop("labels_v2", [])]
            self.functions[function_id] = {
                "id": function_id,
                "provider": "native",
                "name": "fn",
                **fields,
                **({"labels_v2": labels} if labels or fields.get("kind") == "detector" else {}),
                "created_date": NOW,
                "updated_date": NOW,
                "owner": OWNER,
                "organization": None,
                "visibility": "private",
            }
            return function_id

    def enqueue(self, function_id: int, params: dict[str, Any], category: str = "batch") -> str:
        with self.changed:
            request_id = str(uuid.uuid4())
            self.requests[request_id] = {
                "function_id": function_id,
                "params": params,
                "category": category,
                "status": "queued",
                "progress": [],
            }
            self.queued.append(request_id)
            self.changed.notify_all()
            return request_id

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self), timeout)

    def calls(self, fragment: str) -> list[tuple[str, str, Any]]:
        return [entry for entry in self.log if fragment in entry[1]]


def _with_defaults(label: dict[str, Any]) -> dict[str, Any]:
    """A FunctionLabel(Request) as the server answers it: type "any" and no attributes by default."""
    out = {"type": "any", "attributes": [], **label}
    if "sublabels" in out:
        out["sublabels"] = [{"type": "any", "attributes": [], **s} for s in out["sublabels"]]
    return out


_QUEUE = re.compile(r"^/api/functions/queues/function:(\d+)/(?:watch|requests/(acquire|[^/]+/(complete|fail|update)))$")


class _Handler(_TaskHandler):
    fake: FakeFunctionsServer

    def _send(self, status: int, body: bytes, ctype: str = "application/vnd.cvat+json") -> None:
        path = unquote(urlsplit(self.path).path)
        if not path.startswith("/api/server/about") and status != 400:
            try:
                check_response(self.command, path, status, ctype, body, version=VERSION)
            except SchemaViolation as e:
                self.fake.violations.append(str(e))
        super()._send(status, body, ctype)

    def _serve(self) -> None:
        fake = self.fake
        path = unquote(urlsplit(self.path).path)  # as Django does: `function%3A1` is `function:1`
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw) if raw else None
        with fake.changed:
            fake.log.append((self.command, path, body))
        if path == "/api/server/about":
            return self._json(ABOUT)
        if not fake.functions_api and path.startswith("/api/functions"):
            return self._json({"detail": "Not found."}, 404)
        try:
            check_path(self.command, path, version=VERSION)
            check_request(self.command, path, self.headers.get("Content-Type"), raw, version=VERSION)
        except SchemaViolation as e:
            fake.violations.append(str(e))
            return self._json({"detail": str(e)}, 400)
        if path == "/api/labels":
            return self._json({"count": len(fake.labels), "next": None, "previous": None, "results": fake.labels})
        if path.startswith("/api/functions"):
            return self._functions(path, body)
        connection, self.rfile = self.rfile, io.BytesIO(raw)  # the task server's handler reads the body
        try:
            return super()._serve()
        finally:
            self.rfile = connection

    def _functions(self, path: str, body: Any) -> None:
        fake = self.fake
        if path == "/api/functions":
            if self.command == "POST":
                function_id = fake.add_function(**body)
                return self._json(fake.functions[function_id], 201)
            results = list(fake.functions.values())
            return self._json({"count": len(results), "next": None, "previous": None, "results": results})
        if match := re.fullmatch(r"/api/functions/(\d+)", path):
            function_id = int(match.group(1))
            if function_id not in fake.functions:
                return self._json({"detail": "Not found."}, 404)
            if self.command == "DELETE":
                del fake.functions[function_id]
                return self._send(204, b"")
            return self._json(fake.functions[function_id])
        match = _QUEUE.match(path)
        if match is None or int(match.group(1)) not in fake.functions:
            return self._json({"detail": "Not found."}, 404)
        function_id = int(match.group(1))
        if path.endswith("/watch"):
            return self._watch(function_id)
        if match.group(2) == "acquire":
            return self._json({"ar_assignment": self._acquire(function_id, body)})
        request_id, action = path.split("/")[-2], match.group(3)
        with fake.changed:
            request = fake.requests.get(request_id)
            if request is None or request["function_id"] != function_id:
                return self._json({"detail": "Not found."}, 404)
            if request["status"] != "started" or request["agent_id"] != body["agent_id"]:
                return self._json({"detail": "The request is not assigned to this agent."}, 400)
            if action == "update":
                request["progress"].append(body["progress"])
            elif action == "complete":
                request.update(status="finished", result={k: v for k, v in body.items() if k != "agent_id"})
            else:
                request.update(status="failed", exc_info=body.get("exc_info", ""))
            fake.changed.notify_all()
        return self._send(204, b"")

    def _acquire(self, function_id: int, body: Any) -> dict[str, Any] | None:
        fake = self.fake
        with fake.changed:
            for request_id in fake.queued:
                request = fake.requests[request_id]
                if request["function_id"] == function_id and request["category"] == body["request_category"]:
                    fake.queued.remove(request_id)
                    request.update(status="started", agent_id=body["agent_id"])
                    fake.changed.notify_all()
                    return {"function_id": function_id, "ar_id": request_id, "ar_params": request["params"]}
        return None

    def _watch(self, function_id: int) -> None:
        fake = self.fake
        with fake.changed:
            fake.watch_connections += 1
            plan = fake.watch_plan.pop(0) if fake.watch_plan else "stay"
            seen = len(fake.requests)
            fake.changed.notify_all()
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        try:
            self.wfile.write(f": connected\nretry: {fake.retry_ms}\n\n".encode())
            self.wfile.flush()
            while plan == "stay":
                with fake.changed:
                    fake.changed.wait_for(lambda seen=seen: fake.closing or len(fake.requests) > seen, timeout=0.2)
                    if fake.closing:
                        return
                    new = list(fake.requests.values())[seen:]
                    seen = len(fake.requests)
                for request in new:
                    if request["function_id"] == function_id:
                        data = json.dumps({"request_category": request["category"]})
                        self.wfile.write(f"event: newrequest\ndata: {data}\n\n".encode())
                self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except OSError:  # the agent went away
            return

    do_GET = do_PUT = do_PATCH = do_HEAD = do_POST = do_DELETE = _serve


FakeFunctionsServer.handler_class = _Handler
