"""`function create-native / run-agent / delete` against a fake CVAT 2.72 with the functions API
(tests/cli/fake_functions_server.py), which checks every request the agent sends and every answer
it gives against the 2.72 schema. Runs with the main build here, and with the 2.72 build through
tests/versions/test_builds.py."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cvat_api._generated import API_ATTRS, SCHEMA_VERSION
from cvat_cli._internal import agent as agent_module
from cvat_cli._internal.agent import AgentTimings, FunctionAgent

from tests.cli.conftest import Cli, created_id
from tests.cli.fake_functions_server import FakeFunctionsServer

DETECTOR = """
import cvat_sdk.auto_annotation as cvataa

spec = cvataa.DetectionFunctionSpec(labels=[
    cvataa.label_spec("car", 0, type="rectangle"),
    cvataa.label_spec("person", 1),
])


def create(fail_on: int = -1, interrupt: bool = False):
    class Detector:
        def __init__(self):
            self.spec = spec

        def detect(self, context, image):
            frame = int(context.frame_name.split(".")[0])
            if interrupt:
                raise KeyboardInterrupt
            if frame == fail_on:
                raise RuntimeError(f"model exploded on frame {frame}")
            width, height = image.size
            found = [cvataa.rectangle(0, [frame, 1, width - 1, height - 1])]
            if context.conf_threshold is None or context.conf_threshold < 0.5:
                found.append(cvataa.shape(1, type="points", points=[frame, 2]))
            return found

    return Detector()
"""
CAR = {"name": "car", "type": "rectangle", "attributes": []}
PERSON = {"name": "person", "attributes": []}
MAPPING = {"car": {"name": "vehicle"}, "person": {"name": "person"}}  # the task has "vehicle", not "car"
FAST = AgentTimings(
    poll_while_watching=60, poll_without_watch=60, reconnect_min=30, reconnect_max=60, progress_interval=0
)


@pytest.fixture
def server() -> Iterator[FakeFunctionsServer]:
    fake = FakeFunctionsServer()
    yield fake
    fake.close()
    assert fake.violations == [], "requests or answers outside the 2.72 schema"


@pytest.fixture
def detector(tmp_path: Path) -> Path:
    path = tmp_path / "detector.py"
    path.write_text(DETECTOR)
    return path


@pytest.fixture
def cli(server: FakeFunctionsServer, run: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setattr(agent_module, "DEFAULT_TIMINGS", FAST)

    def invoke(*args: object) -> object:
        return run("--server-host", server.url, "--access-token", "t", *map(str, args))

    return invoke  # type: ignore[return-value]


def _shapes(result: dict[str, object]) -> list[tuple[object, ...]]:
    annotations = result["annotations"]
    assert isinstance(annotations, dict)
    return [(s["frame"], s["label_id"], s["type"], s["points"], s["source"]) for s in annotations["shapes"]]


def test_full_cycle(server: FakeFunctionsServer, cli: Cli, detector: Path) -> None:
    function_id = created_id(cli("function", "create-native", "my detector", "--function-file", detector))
    assert server.functions[function_id]["labels_v2"] == [CAR, {**PERSON, "type": "any"}]
    whole = server.enqueue(
        function_id,
        {"type": "annotate_task", "task": 1, "threshold": 0.7, "conv_mask_to_poly": False,
         "mapping": {"car": {"name": "vehicle"}}},
    )  # fmt: skip
    frame = server.enqueue(
        function_id, {"type": "annotate_frame", "task": 1, "frame": 3, "mapping": {"person": {"name": "person"}}},
        category="interactive",
    )  # fmt: skip

    r = cli("function", "run-agent", function_id, "--function-file", detector, "--burst")

    assert r.code == 0, r.err
    done = server.requests
    assert (done[whole]["status"], done[frame]["status"]) == ("finished", "finished"), r.err
    # the threshold left out the people, the mapping sent cars to the task's "vehicle" (id 7)
    assert _shapes(done[whole]["result"]) == [(i, 7, "rectangle", [i, 1, 63, 47], "auto") for i in range(5)]
    assert _shapes(done[frame]["result"]) == [(3, 8, "points", [3, 2], "auto")]  # only people are mapped
    assert done[whole]["result"]["annotations"]["tags"] == []
    assert done[whole]["progress"] == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    acquired = [body["request_category"] for _, _, body in server.calls("/acquire")]
    assert acquired == ["interactive", "interactive", "batch", "interactive", "batch"]  # interactive first
    agents = {body["agent_id"] for _, path, body in server.log if "/queues/" in path}
    assert len(agents) == 1
    assert server.calls("/watch") == []  # --burst: no waiting


def test_a_failing_function_is_reported_with_its_message(server, cli, detector) -> None:
    function_id = server.add_function(kind="detector", labels_v2=[CAR])
    request = server.enqueue(function_id, {"type": "annotate_task", "task": 1, "mapping": MAPPING})
    r = cli("function", "run-agent", function_id, "--function-file", detector, "-p", "fail_on=int:2", "--burst")
    assert r.code == 0, r.err
    state = server.requests[request]
    assert state["status"] == "failed"
    assert state["exc_info"] == "the function failed: RuntimeError: model exploded on frame 2"
    assert f"Request {request} failed: the function failed: RuntimeError" in r.err


def test_a_bad_request_is_failed_and_the_next_one_served(server, cli, detector) -> None:
    function_id = server.add_function(kind="detector", labels_v2=[CAR, PERSON])
    bad_mapping = server.enqueue(function_id, {"type": "annotate_task", "task": 1, "mapping": {"car": {"name": "bus"}}})
    no_frame = server.enqueue(function_id, {"type": "annotate_frame", "task": 1, "frame": 99})
    no_task = server.enqueue(function_id, {"type": "annotate_task", "task": 2})
    wrong_kind = server.enqueue(function_id, {"type": "track", "task": 1, "frame": 0, "states": ["s"]})
    good = server.enqueue(function_id, {"type": "annotate_frame", "task": 1, "frame": 0, "mapping": MAPPING})
    r = cli("function", "run-agent", function_id, "--function-file", detector, "--burst")
    assert r.code == 0, r.err
    failures = {k: server.requests[k].get("exc_info") for k in (bad_mapping, no_frame, no_task, wrong_kind)}
    assert failures == {
        bad_mapping: "invalid request: the label mapping does not fit task 1: label 'car' is not in dataset",
        no_frame: "invalid request: task 1 has no frame 99",
        no_task: "not found: GET /api/tasks/2 (404 Not Found): not found",
        wrong_kind: "invalid request: a detection function cannot serve 'track' requests",
    }
    assert server.requests[good]["status"] == "finished"
    assert _shapes(server.requests[good]["result"]) == [(0, 7, "rectangle", [0, 1, 63, 47], "auto"), (0, 8, "points", [0, 2], "auto")]  # fmt: skip


def test_ctrl_c_fails_the_request_in_hand(server, cli, detector) -> None:
    function_id = server.add_function(kind="detector", labels_v2=[CAR])
    first = server.enqueue(function_id, {"type": "annotate_task", "task": 1, "mapping": MAPPING})
    second = server.enqueue(function_id, {"type": "annotate_task", "task": 1, "mapping": MAPPING})
    r = cli("function", "run-agent", function_id, "--function-file", detector, "-p", "interrupt=bool:true")
    assert r.code == 130
    assert server.requests[first]["status"] == "failed"
    assert "stopped (interrupted)" in server.requests[first]["exc_info"]
    assert server.requests[second]["status"] == "queued"  # nothing else was taken
    assert r.err_lines[-1].endswith("CRITICAL: interrupted")


def test_the_event_stream_wakes_the_agent_and_is_reconnected(server, detector, tmp_path) -> None:
    from cvat_cli._internal.auto_annotate import load_function
    from cvat_sdk import Client, Config

    function_id = server.add_function(kind="detector", labels_v2=[CAR])
    server.watch_plan = ["close", "close"]  # two connections end at once; the third stays
    # Polls are a minute apart and the agent's own first reconnection delay is 30 s: the request
    # can only be served in time if the server's `retry: 50` (ms) is followed and the event read.
    with Client(server.url, config=Config(cache_dir=tmp_path / "cache")) as client:
        agent = FunctionAgent(client, load_function(None, detector, {}), function_id, timings=FAST)
        thread = threading.Thread(target=agent.run)
        thread.start()
        try:
            assert server.wait_for(lambda s: s.watch_connections == 3), "not reconnected"
            acquires = _idle(server)  # the polls that follow the stream's ends are over
            request = server.enqueue(function_id, {"type": "annotate_frame", "task": 1, "frame": 1, "mapping": MAPPING})
            assert server.wait_for(lambda s: s.requests[request]["status"] == "finished", timeout=10)
        finally:
            agent.stop()
            thread.join(10)
    assert not thread.is_alive()
    assert len(server.calls("/acquire")) > acquires  # woken by the event, not by a poll a minute later
    assert server.watch_connections == 3


def _idle(server: FakeFunctionsServer) -> int:
    """The number of acquire calls, once no new one has come for half a second."""
    count = -1
    while count != (count := len(server.calls("/acquire"))):
        time.sleep(0.5)
    return count


def test_a_server_without_the_functions_api(detector, run) -> None:
    fake = FakeFunctionsServer(functions_api=False)
    try:
        r = run("--server-host", fake.url, "--access-token", "t", "function", "run-agent", "4",
                "--function-file", str(detector), "--burst")  # fmt: skip
    finally:
        fake.close()
    assert r.code == 1
    assert "the server has no functions API (GET /api/functions answered 404)" in r.err_lines[-1]
    if "functions_api" in API_ATTRS:  # the 2.72 build
        assert f"this cvat-cli's schema (CVAT {SCHEMA_VERSION}) has the functions API" in r.err_lines[-1]
    else:
        assert f"built for CVAT {SCHEMA_VERSION}, whose schema has no functions API either" in r.err_lines[-1]
    assert [path for _, path, _ in fake.log] == ["/api/server/about", "/api/functions/4", "/api/functions"]


def test_a_function_that_does_not_fit_is_refused_before_anything_is_acquired(server, cli, detector) -> None:
    other = server.add_function(kind="detector", labels_v2=[{"name": "car", "type": "polygon", "attributes": []}])
    missing = server.add_function(kind="detector", labels_v2=[{"name": "truck", "attributes": []}])
    tracker = server.add_function(kind="tracker", supported_shape_types=["rectangle"])
    lambda_function = server.add_function(provider="lambda", kind="detector", labels_v2=[CAR])
    expected = {
        other: "label 'car' has type 'polygon', the local function's has 'rectangle'",
        missing: "label 'truck' is not the local function's",
        tracker: "its kind is 'tracker', the local function's is 'detector'",
        lambda_function: "is not a native function (its provider is 'lambda')",
        99: "function #99 not found on the server",
    }
    for function_id, message in expected.items():
        server.enqueue(function_id, {"type": "annotate_task", "task": 1})
        r = cli("function", "run-agent", function_id, "--function-file", detector, "--burst")
        assert r.code == 1 and message in r.err_lines[-1], r.err
    assert server.calls("/acquire") == []


def test_delete(server, cli) -> None:
    keep, gone = server.add_function(kind="detector"), server.add_function(kind="detector")
    r = cli("function", "delete", gone, 42)
    assert r.code == 0
    assert f"Function #{gone} deleted" in r.err and "WARNING: Function #42 not found" in r.err
    assert list(server.functions) == [keep]
