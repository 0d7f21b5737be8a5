"""annotate_task's machinery without a server: batched uploads and reading ahead."""

from __future__ import annotations

import threading
from typing import Any

import cvat_sdk.auto_annotation as cvataa
import pytest
from cvat_sdk.auto_annotation import driver


class FakeResponse:
    def read(self) -> bytes:
        return b""


class FakeTasksApi:
    """The two annotation calls as the generated code makes them (by keyword, JSON bodies)."""

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.calls: list[tuple[str, list[int]]] = []
        self.fail_on_call = fail_on_call

    def _record(self, kind: str, shapes: list[Any]) -> None:
        if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
            raise ConnectionError("the server went away")
        self.calls.append((kind, [s["frame"] for s in shapes]))

    def update_annotations(
        self, id: int, *, labeled_data_request: Any, _parse_response: bool = True
    ) -> tuple[None, FakeResponse]:
        self._record("PUT", labeled_data_request["shapes"])
        return None, FakeResponse()

    def partial_update_annotations(
        self, action: str, id: int, *, patched_labeled_data_request: Any, _parse_response: bool = True
    ) -> tuple[None, FakeResponse]:
        assert action == "create"
        self._record("PATCH", patched_labeled_data_request["shapes"])
        return None, FakeResponse()


class FakeClient:
    def __init__(self, api: FakeTasksApi) -> None:
        self.api_client = type("ApiClient", (), {"tasks_api": api})()
        import logging

        self.logger = logging.getLogger("fake")


def shapes(frame: int, n: int) -> list[Any]:
    return [cvataa.rectangle(1, [0, 0, 1, 1]) for _ in range(n)]


def add(uploader: driver._Uploader, frame: int, n: int) -> None:
    items = shapes(frame, n)
    for item in items:
        item.frame = frame
    uploader.add(frame, items)


@pytest.mark.parametrize("threaded", [False, True])
def test_batches_hold_whole_frames_in_order(monkeypatch: pytest.MonkeyPatch, threaded: bool) -> None:
    monkeypatch.setattr(driver, "BATCH_MAX_SHAPES", 3)
    monkeypatch.setattr(driver, "BATCH_MAX_SECONDS", float("inf"))
    api = FakeTasksApi()
    uploader = driver._Uploader(FakeClient(api), 1, clear_existing=True, threaded=threaded)  # type: ignore[arg-type]
    for frame, n in enumerate([2, 0, 2, 1, 0, 0, 1]):
        add(uploader, frame, n)
    uploader.flush()
    uploader.close()
    assert api.calls == [("PUT", [0, 0, 2, 2]), ("PATCH", [3, 6])]
    assert uploader.sent_up_to == 6


def test_clear_existing_with_no_results_still_clears() -> None:
    api = FakeTasksApi()
    uploader = driver._Uploader(FakeClient(api), 1, clear_existing=True, threaded=True)  # type: ignore[arg-type]
    add(uploader, 0, 0)
    uploader.flush()
    uploader.close()
    assert api.calls == [("PUT", [])]
    api2 = FakeTasksApi()
    uploader = driver._Uploader(FakeClient(api2), 1, clear_existing=False, threaded=True)  # type: ignore[arg-type]
    add(uploader, 0, 0)
    uploader.flush()
    uploader.close()
    assert api2.calls == []  # nothing to add: no request


def test_a_failed_background_upload_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "BATCH_MAX_SHAPES", 1)
    api = FakeTasksApi(fail_on_call=1)
    uploader = driver._Uploader(FakeClient(api), 1, clear_existing=False, threaded=True)  # type: ignore[arg-type]
    add(uploader, 0, 1)
    add(uploader, 1, 1)  # its upload fails
    with pytest.raises(ConnectionError, match="the server went away"):
        for frame in range(2, 1000):
            add(uploader, frame, 1)
            threading.Event().wait(0.001)
    with pytest.raises(ConnectionError):
        uploader.close()
    assert api.calls == [("PATCH", [0])] and uploader.sent_up_to == 0


class FakeImage:
    def __init__(self, frame: int, decoded: list[int]) -> None:
        self.frame, self.decoded = frame, decoded

    def load(self) -> None:
        self.decoded.append(self.frame)


class FakeMedia:
    def __init__(self, frame: int, fail: bool, opened: list[int], decoded: list[int]) -> None:
        self.frame, self.fail, self.opened, self.decoded = frame, fail, opened, decoded

    def load_image(self) -> FakeImage:
        if self.fail:
            raise OSError(f"frame {self.frame} is unreadable")
        self.opened.append(self.frame)
        return FakeImage(self.frame, self.decoded)


class FakeSample:
    def __init__(self, frame: int, fail: bool = False, opened: list[int] | None = None) -> None:
        self.frame_index = frame
        self.opened: list[int] = [] if opened is None else opened
        self.decoded: list[int] = []
        self.media = FakeMedia(frame, fail, self.opened, self.decoded)


def fake_samples(n: int, failing: int | None = None) -> list[Any]:
    opened: list[int] = []
    return [FakeSample(i, i == failing, opened) for i in range(n)]


@pytest.mark.parametrize("slow", [False, True])
def test_read_ahead_order_errors_and_early_stop(monkeypatch: pytest.MonkeyPatch, slow: bool) -> None:
    monkeypatch.setattr(driver, "PROBE_FRAMES", 2)
    monkeypatch.setattr(driver, "READ_AHEAD_ABOVE_SECONDS", 0.0 if slow else float("inf"))
    reader = driver._ReadAhead(fake_samples(10, failing=5), depth=2)
    got = []
    with pytest.raises(OSError, match="frame 5 is unreadable"):
        for sample, image in reader:
            assert sample.frame_index == image.frame
            got.append(image.frame)
    reader.close()
    assert got == [0, 1, 2, 3, 4]

    samples = fake_samples(1000)
    reader = driver._ReadAhead(samples, depth=2)
    iterator = iter(reader)
    for _ in range(3):
        next(iterator)
    reader.close()  # the consumer stopped: the threads end without reading everything
    assert len(samples[0].opened) < 10


def test_a_quick_consumer_gets_undecoded_images_from_this_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "READ_AHEAD_ABOVE_SECONDS", 0.05)
    samples = fake_samples(20)
    reader = driver._ReadAhead(samples, depth=4)
    for _sample, _image in reader:
        pass
    reader.close()
    assert samples[0].opened == list(range(20))
    assert all(not s.decoded for s in samples)  # nothing decoded the pixels: nobody asked for them
    assert reader._pool is None


def test_a_slow_consumer_gets_frames_decoded_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "READ_AHEAD_ABOVE_SECONDS", 0.001)
    monkeypatch.setattr(driver, "PROBE_FRAMES", 2)
    samples = fake_samples(12)
    reader = driver._ReadAhead(samples, depth=4)
    got = []
    for sample, image in reader:
        got.append(image.frame)
        threading.Event().wait(0.005)  # the function's work
        if sample.frame_index == 5:
            assert len(samples[0].opened) >= 8  # frames beyond the current one were read ahead...
    reader.close()
    assert got == list(range(12))
    assert [s.frame_index for s in samples if s.decoded] == list(range(2, 12))  # ...and decoded there


class FailingFunction:
    """Finds one box per frame, and raises `error` on frame `fail_at`."""

    spec = cvataa.DetectionFunctionSpec(labels=[cvataa.label_spec("car", 1)])

    def __init__(self, fail_at: int, error: BaseException) -> None:
        self.fail_at, self.error = fail_at, error

    def detect(self, context: Any, image: Any) -> list[Any]:
        if context.frame_name == f"frame{self.fail_at}":
            raise self.error
        return [cvataa.rectangle(1, [0, 0, 1, 1])]


class PassThroughMapper:
    def validate_and_remap(self, shapes: list[Any], frame: int) -> None:
        for shape in shapes:
            shape.frame = frame


def run_failing(api: FakeTasksApi, *, clear_existing: bool, fail_at: int, error: BaseException, serial: bool) -> None:
    samples = [FakeSample(i) for i in range(5)]
    for sample in samples:
        sample.frame_name = f"frame{sample.frame_index}"  # type: ignore[attr-defined]
    dataset = type("Dataset", (), {"samples": samples})()
    function = FailingFunction(fail_at, error)
    driver._run(
        FakeClient(api),  # type: ignore[arg-type]
        1,
        function,
        dataset,  # type: ignore[arg-type]
        PassThroughMapper(),  # type: ignore[arg-type]
        driver.NullProgressReporter(),
        clear_existing,
        serial,
        None,
        False,
    )


@pytest.mark.parametrize("serial", [False, True], ids=["threaded", "serial"])
@pytest.mark.parametrize(
    ("fail_at", "error"), [(0, RuntimeError("model failed")), (3, KeyboardInterrupt())], ids=["frame0", "ctrl-c"]
)
def test_clear_existing_run_failing_before_the_first_batch_changes_nothing(
    caplog: pytest.LogCaptureFixture, serial: bool, fail_at: int, error: BaseException
) -> None:
    api = FakeTasksApi()
    with caplog.at_level("WARNING", logger="fake"), pytest.raises(type(error)):
        run_failing(api, clear_existing=True, fail_at=fail_at, error=error, serial=serial)
    assert api.calls == []  # no PUT: the task's annotations are as they were
    assert "failed before any results were uploaded; its annotations are unchanged" in caplog.text


def test_adding_run_failing_midway_still_uploads_the_finished_frames(caplog: pytest.LogCaptureFixture) -> None:
    api = FakeTasksApi()
    with caplog.at_level("WARNING", logger="fake"), pytest.raises(KeyboardInterrupt):
        run_failing(api, clear_existing=False, fail_at=3, error=KeyboardInterrupt(), serial=False)
    assert api.calls == [("PATCH", [0, 1, 2])]
    assert "the results for frames up to 2 are on the server" in caplog.text


def test_tags_go_up_with_the_shapes() -> None:
    sent: list[Any] = []

    class Api:
        def update_annotations(
            self, id: int, *, labeled_data_request: Any, _parse_response: bool = True
        ) -> tuple[None, FakeResponse]:
            sent.append(labeled_data_request)
            return None, FakeResponse()

    uploader = driver._Uploader(FakeClient(Api()), 1, clear_existing=True, threaded=False)  # type: ignore[arg-type]
    tag, rect = cvataa.tag(5), cvataa.rectangle(1, [0, 0, 1, 1])
    uploader.add(0, [tag, rect])
    uploader.flush()
    (request,) = sent
    assert request["tags"] == [tag.to_dict()] and request["shapes"] == [rect.to_dict()]
