"""The function agent (`cvat-cli function run-agent`): serves a native function's requests.

A native function is registered on the server (`function create-native`) with the spec of a local
auto-annotation function; users then ask the server to run it, and the server queues their
requests. The agent takes them from the queue (`POST /api/functions/queues/function:ID/requests/
acquire`, interactive requests before batch ones), runs the local function through the
auto-annotation driver and reports the result (`.../complete`) or a failure (`.../fail`), with
progress updates (`.../update`) on long ones. When the queue is empty it waits for the server's
`newrequest` events on `.../watch` (a server-sent event stream, read by `_parse_event_stream`;
reconnected after bounded, growing delays) and polls now and then in case an event was missed.

Before taking anything it checks that the server has the functions API and that the server's
function fits the local one, so nothing is acquired that the agent would then refuse. A request
it cannot serve (a bad label mapping, a missing frame, a function error) is reported failed, and
the agent goes on with the next; on Ctrl-C the request in hand is reported failed before exiting.
Transient HTTP errors are retried by the client's retry policy. (`_parse_event_stream`, `_Event`
and `_NewReconnectionDelay` keep the official CLI's names because CVAT's own tests import them.)
"""

from __future__ import annotations

import contextlib
import logging
import random
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Union

import attrs
from cvat_sdk.core.progress import ProgressReporter

from .errors import CliError, describe, one_line
from .functions import native_function_request

if TYPE_CHECKING:
    from cvat_sdk import Client
    from cvat_sdk.auto_annotation.mapping import LabelNameMapping


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


# --- the agent ------------------------------------------------------------------------------------
QUEUE_CATEGORIES = ("interactive", "batch")  # acquired in this order: interactive requests first
_MAX_FAILURE_TEXT = 4096  # `exc_info` of QueueRequestFailInputRequest


@attrs.frozen
class AgentTimings:
    """How long the agent waits, in seconds (each wait is stretched by up to `jitter` at random, so
    that many agents do not act in step)."""

    poll_while_watching: float = 600.0  # between polls while the event stream is connected
    poll_without_watch: float = 60.0  # between polls while it is not
    reconnect_min: float = 5.0  # first delay before reconnecting the event stream
    reconnect_max: float = 600.0  # the delays double up to this (the server's `retry:` too)
    watch_read_timeout: float = 900.0  # a silent event stream is reconnected after this
    progress_interval: float = 30.0  # at most one progress update per interval
    jitter: float = 0.15


DEFAULT_TIMINGS = AgentTimings()


class _BadRequest(Exception):
    """The request cannot be served by this function (reported failed as an invalid request)."""


def _stretched(seconds: float, jitter: float) -> float:
    return seconds * random.uniform(1, 1 + jitter)  # noqa: S311 - timing, not security


class _ProgressUpdates(ProgressReporter):
    """Reports the progress of one request to the server, at most once per interval."""

    def __init__(self, agent: FunctionAgent, request_id: str) -> None:
        self._agent = agent
        self._request_id = request_id
        self._total = 0
        self._done = 0
        self._last = time.monotonic()

    def start2(self, total: int, *, desc: str | None = None, **kwargs: Any) -> None:
        self._total, self._done = total, 0

    def report_status(self, progress: int) -> None:
        self._done = progress
        self._maybe_send()

    def advance(self, delta: int) -> None:
        self._done += delta
        self._maybe_send()

    def _maybe_send(self) -> None:
        now = time.monotonic()
        if self._total and now - self._last >= self._agent.timings.progress_interval:
            self._last = now
            self._agent.update_progress(self._request_id, min(1.0, self._done / self._total))


class FunctionAgent:
    """Serves the requests of native function `function_id` on `client`'s server with `function`.

    `check()` validates the server and the function (it raises CliError, and nothing is acquired,
    when they do not fit); `run()` then serves requests until `stop()` or Ctrl-C (`burst`: until
    the queue is empty).
    """

    def __init__(self, client: Client, function: Any, function_id: int, *, timings: AgentTimings | None = None) -> None:
        self.client = client
        self.function = function
        self.function_id = function_id
        self.timings = timings or DEFAULT_TIMINGS
        self.logger = client.logger
        self.agent_id = secrets.token_hex(16)
        self.queue = f"function:{function_id}"
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._watching = False
        self._reconnect_delay = self.timings.reconnect_min
        self._watch_response: Any = None
        self._watch_lock = threading.Lock()
        self._updates_work = True
        self._checked = False

    # --- before the loop ------------------------------------------------------------------------
    def check(self) -> None:
        """Check that the server has the functions API and that function #id is a native function
        whose spec the local function serves (like the official agent: every label, sublabel and
        attribute the server's function declares must be the local function's, with the same type,
        input type and values; a tracker's shape types must all be supported)."""
        from cvat_sdk.exceptions import NotFoundException

        remote = self._call("GET", "/api/functions/{id}", {"id": self.function_id}, allow_missing=True)
        if remote is None:
            try:
                self._call("GET", "/api/functions", {}, query={"page_size": 1})
            except NotFoundException:
                raise _no_functions_api("GET /api/functions") from None
            raise CliError(f"function #{self.function_id} not found on the server")
        if not isinstance(remote, Mapping):
            raise CliError(f"GET /api/functions/{self.function_id} answered something that is not a function")
        if remote.get("provider") != "native":
            raise CliError(
                f"function #{self.function_id} is not a native function (its provider is "
                f"{remote.get('provider')!r}); an agent serves functions made with `function create-native`"
            )
        local = native_function_request("", self.function.spec)
        try:
            _check_same_function(remote, local)
        except _Incompatible as e:
            raise CliError(f"function #{self.function_id} does not fit the local function: {e}") from None
        if local["kind"] != "detector":
            raise CliError(
                f"function #{self.function_id} is a tracker; this agent serves detection functions only "
                "(annotate_task and annotate_frame requests)"
            )
        self._checked = True
        self.logger.info("Agent %s serves function #%d (%s)", self.agent_id, self.function_id, remote.get("name", ""))

    # --- the loop -------------------------------------------------------------------------------
    def run(self, *, burst: bool = False) -> None:
        """Serve requests until `stop()` or Ctrl-C; with `burst`, until the queue is empty."""
        if not self._checked:
            self.check()
        if burst:
            self._serve_queue()
            self.logger.info("No requests left in the queue of function #%d", self.function_id)
            return
        watcher = threading.Thread(target=self._watch, name="cvat-agent-watch", daemon=True)
        watcher.start()
        try:
            while not self._stop.is_set():
                self._wake.clear()
                self._serve_queue()
                interval = self.timings.poll_while_watching if self._watching else self.timings.poll_without_watch
                self._wake.wait(_stretched(interval, self.timings.jitter))
        finally:
            self._stop.set()
            self._close_watch()
            watcher.join(5)

    def stop(self) -> None:
        """Ask `run()` to return once the request in hand (if any) is reported."""
        self._stop.set()
        self._wake.set()
        self._close_watch()

    def _serve_queue(self) -> None:
        """Acquire and serve requests, the interactive ones first, until the queue is empty."""
        while not self._stop.is_set():
            for category in QUEUE_CATEGORIES:
                answer = self._call(
                    "POST",
                    "/api/functions/queues/{id}/requests/acquire",
                    {"id": self.queue},
                    body={"agent_id": self.agent_id, "request_category": category},
                )
                assignment = answer.get("ar_assignment") if isinstance(answer, Mapping) else None
                if assignment:
                    self._serve(assignment)
                    break
            else:
                return

    def _serve(self, assignment: Mapping[str, Any]) -> None:
        request_id = str(assignment["ar_id"])
        params = assignment.get("ar_params") or {}
        try:
            self.logger.info(
                "Serving request %s: %s of task %s", request_id, params.get("type", "?"), params.get("task", "?")
            )
            result = self._compute(request_id, params)
            self._call(
                "POST",
                "/api/functions/queues/{id}/requests/{request_id}/complete",
                {"id": self.queue, "request_id": request_id},
                body={"agent_id": self.agent_id, **result},
            )
        except KeyboardInterrupt:
            self._fail(request_id, "the agent was stopped (interrupted) before it finished this request")
            raise
        except Exception as e:
            self.logger.error("Request %s failed: %s", request_id, _failure_text(e), exc_info=self._debug())
            self._fail(request_id, _failure_text(e))
        else:
            self.logger.info("Request %s completed", request_id)

    def _fail(self, request_id: str, text: str) -> None:
        try:
            self._call(
                "POST",
                "/api/functions/queues/{id}/requests/{request_id}/fail",
                {"id": self.queue, "request_id": request_id},
                body={"agent_id": self.agent_id, "exc_info": one_line(text, _MAX_FAILURE_TEXT) or "failed"},
            )
        except Exception as e:  # the request stays with the server, which times it out
            self.logger.error("Could not report request %s as failed: %s", request_id, _failure_text(e))
        else:
            self.logger.info("Request %s reported failed", request_id)

    def update_progress(self, request_id: str, progress: float) -> None:
        """Tell the server how far request `request_id` is (0..1); failures are only logged."""
        if not self._updates_work:
            return
        from cvat_sdk.exceptions import NotFoundException

        try:
            self._call(
                "POST",
                "/api/functions/queues/{id}/requests/{request_id}/update",
                {"id": self.queue, "request_id": request_id},
                body={"agent_id": self.agent_id, "progress": progress},
            )
        except NotFoundException:
            self._updates_work = False
            self.logger.warning("The server does not take progress updates; none will be sent")
        except Exception as e:
            self.logger.warning("Could not update the progress of request %s: %s", request_id, _failure_text(e))

    # --- one request ----------------------------------------------------------------------------
    def _compute(self, request_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """The `complete` body (without agent_id) for a detection request."""
        from cvat_sdk import models
        from cvat_sdk.auto_annotation import BadFunctionError
        from cvat_sdk.auto_annotation.driver import detect_frames
        from cvat_sdk.auto_annotation.mapping import AnnotationMapper
        from cvat_sdk.core.progress import NullProgressReporter
        from cvat_sdk.datasets import MediaDownloadPolicy, TaskDataset

        kind = params.get("type", "annotate_task")
        task_id = params.get("task")
        if not isinstance(task_id, int):
            raise _BadRequest("the request names no task")
        threshold = params.get("threshold")
        conv_mask_to_poly = bool(params.get("conv_mask_to_poly", False))
        mapping = _label_mapping(params.get("mapping"))
        pbar: ProgressReporter
        if kind == "annotate_task":
            self.update_progress(request_id, 0.0)  # fetching the frames may take a while
            dataset = TaskDataset(self.client, task_id, load_annotations=False)
            samples = list(dataset.samples)
            pbar = _ProgressUpdates(self, request_id)
        elif kind == "annotate_frame":
            frame = params.get("frame")
            dataset = TaskDataset(
                self.client,
                task_id,
                load_annotations=False,
                media_download_policy=MediaDownloadPolicy.FETCH_FRAMES_ON_DEMAND,
            )
            samples = [s for s in dataset.samples if s.frame_index == frame]
            if not samples:
                raise _BadRequest(f"task {task_id} has no frame {frame}")
            pbar = NullProgressReporter()
        else:
            raise _BadRequest(f"a detection function cannot serve {kind!r} requests")
        try:
            mapper = AnnotationMapper(
                self.logger,
                self.function.spec.labels,
                dataset.labels,
                allow_unmatched_labels=False,
                conv_mask_to_poly=conv_mask_to_poly,
                label_mapping=mapping,
            )
        except BadFunctionError as e:
            raise _BadRequest(f"the label mapping does not fit task {task_id}: {e}") from None
        tags: list[Any] = []
        shapes: list[Any] = []
        for _, found in detect_frames(self.function, samples, mapper, pbar, threshold, conv_mask_to_poly):
            for annotation in found:
                is_shape = isinstance(annotation, models.LabeledShapeRequest)
                (shapes if is_shape else tags).append(annotation.to_dict())
        return {"annotations": {"tags": tags, "shapes": shapes}}

    # --- waiting for work -----------------------------------------------------------------------
    def _watch(self) -> None:
        """The watcher thread: wake the loop on `newrequest` events, reconnecting the stream after
        growing delays (reset by the server's `retry:`), and once more whenever it ends."""
        timings = self.timings
        self._reconnect_delay = timings.reconnect_min
        while not self._stop.is_set():
            try:
                self._read_events()
                self.logger.info("The queue's event stream ended; will reconnect")
            except Exception as e:
                if self._stop.is_set():
                    return
                self.logger.warning("Cannot watch the queue (%s); will reconnect", _failure_text(e))
            self._wake.set()  # anything queued while disconnected is found by a poll
            if self._stop.wait(_stretched(self._reconnect_delay, timings.jitter)):
                return
            self._reconnect_delay = min(self._reconnect_delay * 2 or timings.reconnect_min, timings.reconnect_max)

    def _read_events(self) -> None:
        response = self._open_watch()
        self._watching = True
        self.logger.info("Watching the queue of function #%d", self.function_id)
        try:
            for message in _parse_event_stream(response.http_response.raw):
                if isinstance(message, _NewReconnectionDelay):
                    self._reconnect_delay = min(message.delay.total_seconds(), self.timings.reconnect_max)
                elif message.type == "newrequest":
                    self._wake.set()
                else:
                    self.logger.debug("Ignoring a queue event of type %r", message.type)
        finally:
            self._watching = False
            self._close_watch()

    def _open_watch(self) -> Any:
        api = self.client.api_client
        _, response = api.call_api(
            "/api/functions/queues/{id}/watch",
            "GET",
            path_params={"id": self.queue},
            header_params={"Accept": "text/event-stream"},
            _parse_response=False,
            _request_timeout=(api.configuration.connect_timeout, self.timings.watch_read_timeout),
        )
        with self._watch_lock:
            if self._stop.is_set():
                response.close()
                raise CliError("stopping")
            self._watch_response = response
        return response

    def _close_watch(self) -> None:
        with self._watch_lock:
            response, self._watch_response = self._watch_response, None
        if response is not None:
            with contextlib.suppress(Exception):
                response.http_response.raw.shutdown()  # unblocks a read in the watcher thread
            with contextlib.suppress(Exception):
                response.close()

    # --- HTTP -----------------------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        path_params: Mapping[str, Any],
        *,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
        allow_missing: bool = False,
    ) -> Any:
        """One call of the functions API (repeated on transient failures by the retry policy). A
        404 from `acquire` means the server has no queue API: CliError (nothing was acquired)."""
        from cvat_sdk.exceptions import NotFoundException

        try:
            data, _ = self.client.api_client.call_api(
                path, method, path_params=path_params, query_params=query, body=body
            )
        except NotFoundException:
            if allow_missing:
                return None
            if path.endswith("/acquire"):
                raise _no_functions_api(f"{method} {path}") from None
            raise
        return data

    def _debug(self) -> bool:
        return self.logger.isEnabledFor(logging.DEBUG)


def _no_functions_api(endpoint: str) -> CliError:
    from cvat_api._generated import API_ATTRS, SCHEMA_VERSION

    build = (
        f"this cvat-cli's schema (CVAT {SCHEMA_VERSION}) has the functions API"
        if "functions_api" in API_ATTRS
        else f"this cvat-cli is built for CVAT {SCHEMA_VERSION}, whose schema has no functions API either"
    )
    return CliError(
        f"the server has no functions API ({endpoint} answered 404): the function agent needs a CVAT "
        f"server with native functions (CVAT Enterprise or the cloud, 2.72 schema); {build}"
    )


class _Incompatible(Exception):
    pass


def _check_same_function(remote: Mapping[str, Any], local: Mapping[str, Any]) -> None:
    """Raise _Incompatible unless the local function (described as `function create-native` sends
    it) serves the server's function."""
    if remote.get("kind") != local["kind"]:
        raise _Incompatible(f"its kind is {remote.get('kind')!r}, the local function's is {local['kind']!r}")
    if local["kind"] == "tracker":
        missing = set(remote.get("supported_shape_types") or []) - set(local["supported_shape_types"])
        if missing:
            raise _Incompatible(f"the local function does not track {', '.join(sorted(missing))}")
        return
    _check_labels(remote.get("labels_v2") or [], local["labels_v2"], "")


def _check_labels(remote: Sequence[Mapping[str, Any]], local: Sequence[Mapping[str, Any]], owner: str) -> None:
    by_name = {label["name"]: label for label in local}
    for label in remote:
        desc = f"{'sub' if owner else ''}label {label['name']!r}{owner}"
        mine = by_name.get(label["name"])
        if mine is None:
            raise _Incompatible(f"{desc} is not the local function's")
        theirs_type, my_type = label.get("type", "any"), mine.get("type", "any")
        if theirs_type not in ("any", "unknown") and theirs_type != my_type:
            raise _Incompatible(f"{desc} has type {theirs_type!r}, the local function's has {my_type!r}")
        my_attributes = {a["name"]: a for a in mine["attributes"]}
        for attribute in label.get("attributes") or []:
            attr_desc = f"attribute {attribute['name']!r} of {desc}"
            my_attribute = my_attributes.get(attribute["name"])
            if my_attribute is None:
                raise _Incompatible(f"{attr_desc} is not the local function's")
            for field in ("input_type", "values"):
                if attribute.get(field) != my_attribute[field]:
                    raise _Incompatible(
                        f"{attr_desc} has {field} {attribute.get(field)!r}, the local function's has {my_attribute[field]!r}"
                    )
        _check_labels(label.get("sublabels") or [], mine.get("sublabels") or [], f" of {desc}")


def _label_mapping(raw: Any) -> dict[str, LabelNameMapping] | None:
    """The request's `mapping` (function label name -> LabelMappingEntry) for AnnotationMapper."""
    from cvat_sdk.auto_annotation.mapping import LabelNameMapping, SublabelNameMapping

    if raw is None:
        return None

    def entry(value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping) or not isinstance(value.get("name"), str):
            raise _BadRequest(f"the mapping of {where} has no name")
        attributes = value.get("attributes")
        if attributes is not None and not (
            isinstance(attributes, Mapping) and all(isinstance(v, str) for v in attributes.values())
        ):
            raise _BadRequest(f"the attribute mapping of {where} is not a mapping of names")
        return value

    if not isinstance(raw, Mapping):
        raise _BadRequest("the label mapping is not a mapping")
    result = {}
    for name, value in raw.items():
        label = entry(value, f"label {name!r}")
        sublabels = label.get("sublabels")
        if sublabels is not None and not isinstance(sublabels, Mapping):
            raise _BadRequest(f"the sublabel mapping of label {name!r} is not a mapping")
        result[name] = LabelNameMapping(
            label["name"],
            attributes=label.get("attributes"),
            sublabels=None
            if sublabels is None
            else {
                sl: SublabelNameMapping(
                    entry(v, f"sublabel {sl!r} of label {name!r}")["name"], attributes=v.get("attributes")
                )
                for sl, v in sublabels.items()
            },
        )
    return result


def _failure_text(exc: BaseException) -> str:
    """What the server is told (and the log says) about a failed request."""
    from cvat_sdk.auto_annotation import BadFunctionError
    from cvat_sdk.exceptions import OpenApiException

    if isinstance(exc, _BadRequest):
        return f"invalid request: {exc}"
    if isinstance(exc, BadFunctionError):
        return f"the function returned an incorrect result: {exc}"
    if isinstance(exc, (OpenApiException, CliError)):
        return describe(exc)[0]
    return f"the function failed: {type(exc).__name__}: {exc}"


def run_agent(client: Client, function: Any, function_id: int, *, burst: bool) -> None:
    """`function run-agent`: check, then serve the function's requests (frames are cached in a
    temporary folder, removed at the end)."""
    agent = FunctionAgent(client, function, function_id)
    agent.check()
    with tempfile.TemporaryDirectory(prefix="cvat-agent-") as cache:
        client.config.cache_dir = Path(cache)
        agent.run(burst=burst)
