"""cvat_sdk.core.helpers and cvat_sdk.core.utils."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
import tqdm
from cvat_api.exceptions import ApiException, NotFoundException, ServiceException
from cvat_sdk.core import helpers
from cvat_sdk.core.helpers import (
    DeferredTqdmProgressReporter,
    StreamWithProgress,
    TqdmProgressReporter,
    expect_status,
    get_paginated_collection,
)
from cvat_sdk.core.utils import atomic_writer, filter_dict

from tests.sdk.conftest import RecordingProgress


# --- utils ------------------------------------------------------------------------------------------------------
def test_filter_dict() -> None:
    d = {"a": 1, "b": 2, "c": 3}
    assert filter_dict(d, keep=["a", "c"]) == {"a": 1, "c": 3}
    assert filter_dict(d, drop=["b"]) == {"a": 1, "c": 3}
    assert filter_dict(d, keep=[]) == d  # an empty keep list keeps everything
    assert filter_dict(d, keep=["a", "b"], drop=["b"]) == {"a": 1}
    assert filter_dict(d) == d and filter_dict(d) is not d


def test_atomic_writer_replaces_the_target_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with atomic_writer(target, "w") as f:
        f.write("héllo")
        assert target.read_text() == "old"  # not touched until the block ends
    assert target.read_text(encoding="utf-8") == "héllo" and os.listdir(tmp_path) == ["out.txt"]
    with atomic_writer(str(tmp_path / "b.bin"), "wb") as f:
        f.write(b"\x00\x01")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"


def test_atomic_writer_leaves_nothing_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_writer(target, "w") as f:
        f.write("partial")
        raise RuntimeError("boom")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["out.txt"]


def test_atomic_writer_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with atomic_writer(tmp_path / "f", "wb") as f:
            f.write(b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "f").stat().st_mode & 0o777 == 0o644  # not a temp file's 0600


def test_atomic_writer_rejects_other_modes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Unsupported mode"):
        atomic_writer(tmp_path / "f", "a")  # type: ignore[call-overload]


# --- progress reporters ----------------------------------------------------------------------------------------------
def test_deferred_tqdm_reporter_makes_one_bar_per_task() -> None:
    out = io.StringIO()
    reporter = DeferredTqdmProgressReporter({"file": out, "disable": False, "mininterval": 0})
    with reporter.task(total=2048, desc="Uploading", unit="B", unit_scale=True, unit_divisor=1024):
        reporter.advance(1024)
        reporter.report_status(2048)
    assert "Uploading: 100%" in out.getvalue() and "2.00k/2.00k" in out.getvalue()
    with reporter.task(total=3):
        for _ in reporter.iter(range(3)):
            pass
    assert "3/3" in out.getvalue()
    with pytest.raises(RuntimeError):
        reporter.advance(1)


def test_deferred_tqdm_reporter_writes_to_the_callers_file_tty_or_not() -> None:
    out = io.StringIO()  # not a TTY: the caller's bar is still shown, as tqdm does by default
    reporter = DeferredTqdmProgressReporter({"file": out, "mininterval": 0})
    with reporter.task(total=10):
        reporter.advance(10)
    assert "100%" in out.getvalue().strip("\r").split("\r")[-1]


def test_deferred_tqdm_reporter_hides_off_terminal_when_asked() -> None:
    out = io.StringIO()  # disable=None is tqdm's "only on a terminal"
    reporter = DeferredTqdmProgressReporter({"file": out, "disable": None})
    with reporter.task(total=10):
        reporter.advance(10)
    assert out.getvalue() == ""


def test_tqdm_reporter_is_deprecated_but_works() -> None:
    out = io.StringIO()
    bar = tqdm.tqdm(file=out, disable=False, mininterval=0)
    with pytest.warns(DeprecationWarning, match="DeferredTqdmProgressReporter"):
        reporter = TqdmProgressReporter(bar)
    with reporter.task(total=5, desc="Working"):
        reporter.advance(2)
        reporter.report_status(5)
    assert bar.n == 5 and bar.total == 5 and "Working" in out.getvalue()
    bar.close()


def test_stream_with_progress_counts_reads_and_seeks() -> None:
    progress = RecordingProgress()
    stream = StreamWithProgress(io.BytesIO(b"0123456789"), progress)
    assert stream.read(4) == b"0123" and progress.advanced == 4
    assert stream.read() == b"456789" and progress.advanced == 10
    assert stream.read() == b"" and progress.advanced == 10
    assert stream.seek(2) == 2 and progress.advanced == 2 and stream.tell() == 2
    stream.seek(0, io.SEEK_END)
    assert progress.advanced == 10


# --- expect_status -----------------------------------------------------------------------------------------------------
class _Response:
    def __init__(self, status: int, body: bytes = b"", reason: str = "Reason") -> None:
        self.status = status
        self.data = body
        self.reason = reason
        self.headers = {"Content-Type": "application/json"}
        self.method = "GET"
        self.url = "http://h/api/x"


def test_expect_status() -> None:
    expect_status(200, _Response(200))  # type: ignore[arg-type]
    expect_status([200, 201], _Response(201))  # type: ignore[arg-type]
    with pytest.raises(NotFoundException) as info:
        expect_status(200, _Response(404, b'{"detail": "Not found."}', "Not Found"))  # type: ignore[arg-type]
    assert info.value.status == 404 and "Not found." in str(info.value) and "GET http://h/api/x" in str(info.value)
    with pytest.raises(ServiceException):
        expect_status(200, _Response(502))  # type: ignore[arg-type]
    with pytest.raises(ApiException, match="Unexpected status code received"):
        expect_status(202, _Response(200))  # type: ignore[arg-type]


# --- get_paginated_collection ------------------------------------------------------------------------------------------
class _Page:
    def __init__(self, results: list[Any], next_url: str | None) -> None:
        self.results = results
        self.next = next_url


class _Endpoint:
    """Like a generated list method: (parsed page, response); raw JSON with _parse_response=False."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> tuple[Any, Any]:
        self.calls.append(kwargs)
        page, size = kwargs["page"], kwargs["page_size"]
        chunk = self.items[(page - 1) * size : page * size]
        more = page * size < len(self.items)
        body = json.dumps({"count": len(self.items), "next": "n" if more else None, "results": chunk}).encode()
        parsed = (
            None
            if kwargs.get("_parse_response") is False
            else _Page([f"item{x['id']}" for x in chunk], "n" if more else None)
        )
        return parsed, _Response(200, body)


class _WithHttpInfo:
    def __init__(self, endpoint: _Endpoint) -> None:
        self.endpoint = endpoint

    def call_with_http_info(self, **kwargs: Any) -> tuple[Any, Any]:
        return self.endpoint(**kwargs)


def test_get_paginated_collection_walks_all_pages() -> None:
    endpoint = _Endpoint([{"id": i} for i in range(7)])
    assert get_paginated_collection(endpoint, page_size=3, name="x") == [f"item{i}" for i in range(7)]
    assert [c["page"] for c in endpoint.calls] == [1, 2, 3]
    assert all(c["name"] == "x" and c["page_size"] == 3 for c in endpoint.calls)


def test_get_paginated_collection_returns_raw_dicts_as_a_list() -> None:
    endpoint = _Endpoint([{"id": i} for i in range(4)])
    result = get_paginated_collection(_WithHttpInfo(endpoint), return_json=True, page_size=3)
    assert result == [{"id": i} for i in range(4)] and isinstance(result, list)


def test_get_paginated_collection_defaults_to_big_pages() -> None:
    endpoint = _Endpoint([{"id": 1}])
    get_paginated_collection(endpoint)
    assert endpoint.calls == [{"page": 1, "page_size": helpers.DEFAULT_PAGE_SIZE}]


@pytest.mark.parametrize(
    ("module", "missing"),
    [("cvat_sdk.pytorch", "torch"), ("cvat_sdk.pytorch", "torchvision"), ("cvat_sdk.masks", "numpy")],
)
def test_a_missing_extra_is_a_module_not_found_error_naming_it(monkeypatch, module: str, missing: str) -> None:
    """Callers guard these imports with `except ModuleNotFoundError as e: if e.name == ...`."""
    import importlib
    import sys

    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, missing, None)  # `import <missing>` now fails
    with pytest.raises(ModuleNotFoundError) as e:
        importlib.import_module(module)
    assert e.value.name == missing
    assert "pip install" in str(e.value)


def test_a_task_creation_error_is_also_the_failures_own_type() -> None:
    from cvat_api.exceptions import ForbiddenException
    from cvat_sdk.core.exceptions import BackgroundRequestException
    from cvat_sdk.core.proxies.tasks import TaskCreationError, task_creation_error

    api_error = ForbiddenException(
        status=403, reason="Forbidden", body='{"detail": "no"}', method="POST", url="http://h/x"
    )
    error = task_creation_error(api_error, task_id=7, step="data upload")
    assert isinstance(error, TaskCreationError) and isinstance(error, ForbiddenException)
    assert error.status == 403 and error.task_id == 7 and error.step == "data upload"
    assert str(error).startswith("task 7 was created, but its data upload failed: POST http://h/x: (403)")
    server_failure = task_creation_error(
        BackgroundRequestException("No media data found"), task_id=8, step="data upload"
    )
    assert isinstance(server_failure, BackgroundRequestException) and server_failure.task_id == 8
    assert type(error) is type(task_creation_error(api_error, task_id=9, step="x"))  # one class per cause type
