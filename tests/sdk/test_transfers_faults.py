"""Fault handling: dropped connections, 502/503, 429 + Retry-After and stalls, for uploads and downloads.

Every test checks the result byte for byte, that nothing was stored twice, and, when retries run
out, that the error names the file.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import cvat_api
import pytest
from cvat_api.exceptions import BadRequestException, ServiceException
from cvat_sdk.core.transfers import (
    DataUploader,
    Downloader,
    DownloadError,
    FileUploader,
    TransferSettings,
    UploadError,
)

from tests.sdk.transfer_server import (
    DROP_AFTER,
    DROP_MID_BODY,
    DROP_MID_RESPONSE,
    STALL,
    STALL_AFTER,
    STALL_MID_RESPONSE,
    STATUS,
    STATUS_AFTER,
    FakeCvat,
)

DATA_URL = "/api/tasks/7/data/"
KiB = 1024
MiB = 1024 * 1024
LOGGER = "cvat_sdk.transfers"


def _settings(**kwargs: object) -> TransferSettings:
    base: dict[str, object] = {"backoff_base": 0.01, "backoff_max": 0.05, "max_retries": 3}
    base.update(kwargs)
    return TransferSettings(**base)  # type: ignore[arg-type]


def _upload(client, files: list[Path], **settings: object):
    return DataUploader(client, _settings(**settings)).upload_files(
        DATA_URL, files, data_params={"image_quality": 70, "sorting_method": "predefined"}
    )


def _assert_stored_once(fake: FakeCvat, files: list[Path]) -> None:
    """Each file is on the server with its exact bytes, written once, and recorded once."""
    state = fake.endpoint(DATA_URL)
    assert sorted(state.table) == sorted(f.name for f in files)
    for f in files:
        assert state.content(f.name) == f.read_bytes(), f.name
        assert state.writes[f.name] == f.stat().st_size, f"{f.name} was written more than once"
    assert set(state.stored) == {f.name for f in files}  # no renamed second copies
    assert len(state.finishes) == 1
    assert state.finishes[0].json["upload_file_order"] == [f.name for f in files]


def _retry_logs(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and "retry" in r.getMessage()]


# --- Upload-Multiple groups ---------------------------------------------------------------------------------
def test_group_dropped_mid_body_is_resent_as_a_group(fake_cvat: FakeCvat, fake_cvat_client, make_files, caplog) -> None:
    files = make_files([8 * MiB] * 3)
    fake_cvat.fault("multiple", DROP_MID_BODY, fraction=0.02)
    with caplog.at_level(logging.WARNING, LOGGER):
        _upload(fake_cvat_client, files, group_size=32 * MiB, tus_threshold=16 * MiB)
    groups = fake_cvat.of_kind("multiple")
    assert [g.fault for g in groups] == [DROP_MID_BODY, None]
    assert groups[0].names == [] and groups[1].names == [f.name for f in files]
    assert not fake_cvat.of_kind("tus_create")  # the server cannot have stored anything: plain resend
    _assert_stored_once(fake_cvat, files)
    assert len(_retry_logs(caplog)) == 1


@pytest.mark.parametrize("status", [503, 429, 408])
def test_group_refused_by_the_server_is_resent(fake_cvat: FakeCvat, fake_cvat_client, make_files, status) -> None:
    files = make_files([1000, 2000, 3000])
    fake_cvat.fault("multiple", STATUS, status=status, times=2)
    _upload(fake_cvat_client, files)
    assert [g.status for g in fake_cvat.of_kind("multiple")] == [status, status, 200]
    _assert_stored_once(fake_cvat, files)


def test_retry_after_is_honoured(fake_cvat: FakeCvat, fake_cvat_client, make_files, caplog) -> None:
    files = make_files([100])
    fake_cvat.fault("multiple", STATUS, status=429, headers={"Retry-After": "0.3"})
    with caplog.at_level(logging.WARNING, LOGGER):
        _upload(fake_cvat_client, files)
    first, second = fake_cvat.of_kind("multiple")
    assert second.time - first.time >= 0.29
    assert "retry 1 as asked by Retry-After in 0.30s" in _retry_logs(caplog)[0] and "429" in _retry_logs(caplog)[0]
    _assert_stored_once(fake_cvat, files)


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [(DROP_AFTER, {}), (STATUS_AFTER, {"status": 502}), (STATUS_AFTER, {"status": 504}), (STALL_AFTER, {"seconds": 2})],
    ids=["dropped-after-storing", "502-after-storing", "504-after-storing", "stalled-after-storing"],
)
def test_group_whose_answer_was_lost_is_not_stored_twice(
    fake_cvat: FakeCvat, fake_cvat_client, make_files, action, kwargs, caplog
) -> None:
    files = make_files([1000, 2000, 3000])
    fake_cvat.fault("multiple", action, **kwargs)
    with caplog.at_level(logging.WARNING, LOGGER):
        _upload(fake_cvat_client, files, timeout=0.5)
    # The server stored the group; each file is checked with a TUS create: 409 = already there.
    assert len(fake_cvat.of_kind("multiple")) == 1
    assert [c.status for c in fake_cvat.of_kind("tus_create")] == [409, 409, 409]
    assert not fake_cvat.of_kind("patch")
    _assert_stored_once(fake_cvat, files)
    assert any("checking them one by one" in r.getMessage() for r in caplog.records)


def test_group_lost_before_the_server_stored_it_is_sent_file_by_file(
    fake_cvat: FakeCvat, fake_cvat_client, make_files
) -> None:
    files = make_files([1000, 2000])
    # A gateway answers 502 without the server having stored anything: the check finds no file.
    fake_cvat.fault("multiple", STATUS, status=502)
    _upload(fake_cvat_client, files)
    assert [c.status for c in fake_cvat.of_kind("tus_create")] == [201, 201]
    assert len(fake_cvat.of_kind("patch")) == 2
    _assert_stored_once(fake_cvat, files)


def test_group_retries_run_out_and_the_error_names_the_files(
    fake_cvat: FakeCvat, fake_cvat_client, make_files, caplog
) -> None:
    files = make_files([10, 20])
    fake_cvat.fault("multiple", STATUS, status=503, times=10)
    with caplog.at_level(logging.WARNING, LOGGER), pytest.raises(UploadError) as info:
        _upload(fake_cvat_client, files, max_retries=2)
    message = str(info.value)
    assert all(str(f) in message for f in files) and "after 2 retries" in message and "503" in message
    assert info.value.filenames == tuple(str(f) for f in files) and info.value.filename == str(files[0])
    assert isinstance(info.value.__cause__, ServiceException)
    assert len(fake_cvat.of_kind("multiple")) == 3 and len(_retry_logs(caplog)) == 2
    assert not fake_cvat.of_kind("finish")


def test_a_rejected_group_is_not_retried_and_stops_the_upload(
    fake_cvat: FakeCvat, fake_cvat_client, make_files
) -> None:
    files = make_files([10] * 40)
    fake_cvat.fault("multiple", STATUS, status=400)
    fake_cvat.delay_kinds["multiple"] = 0.01
    with pytest.raises(UploadError) as info:
        _upload(fake_cvat_client, files, group_size=20, max_workers=2)
    assert isinstance(info.value.__cause__, BadRequestException) and "failed: " in str(info.value)
    assert len(fake_cvat.of_kind("multiple")) < 8  # the remaining groups were cancelled
    assert not fake_cvat.of_kind("finish")


# --- TUS ----------------------------------------------------------------------------------------------------------
def test_tus_patch_dropped_mid_body_resumes_from_the_server_offset(
    fake_cvat: FakeCvat, fake_cvat_client, make_files
) -> None:
    (big,) = make_files([20 * MiB])
    fake_cvat.fault("patch", DROP_MID_BODY, fraction=0.1)
    _upload(fake_cvat_client, [big], tus_threshold=1 * MiB, tus_chunk_size=8 * MiB)
    patches = fake_cvat.of_kind("patch")
    assert patches[0].fault == DROP_MID_BODY
    heads = fake_cvat.of_kind("head")
    assert len(heads) == 1 and heads[0].status == 200
    assert [p.offset for p in patches[1:]] == [0, 8 * MiB, 16 * MiB]  # nothing had been written: from 0
    _assert_stored_once(fake_cvat, [big])


def test_tus_patch_and_offset_failures_are_counted_apart(fake_cvat: FakeCvat, fake_cvat_client, make_files) -> None:
    """PATCH, HEAD x3, PATCH fail in turn: 5 failures of one chunk, but never more than
    max_retries (3) in a row of one request (PATCH or HEAD), so the upload completes."""
    (big,) = make_files([300 * KiB])
    fake_cvat.fault("patch", STATUS, status=429, headers={"Retry-After": "0"}, times=2)
    fake_cvat.fault("head", STATUS, status=503, headers={"Retry-After": "0"}, times=3)
    _upload(fake_cvat_client, [big], tus_threshold=1 * KiB, tus_chunk_size=100 * KiB)
    assert [p.status for p in fake_cvat.of_kind("patch")][:3] == [429, 429, 204]
    assert [h.status for h in fake_cvat.of_kind("head")] == [503, 503, 503, 200, 200]
    _assert_stored_once(fake_cvat, [big])


def test_tus_patch_answer_lost_continues_after_the_stored_chunk(
    fake_cvat: FakeCvat, fake_cvat_client, make_files
) -> None:
    (big,) = make_files([300 * KiB])
    fake_cvat.fault("patch", DROP_AFTER, where=lambda s: s.offset == 100 * KiB)
    _upload(fake_cvat_client, [big], tus_threshold=1, tus_chunk_size=100 * KiB)
    # The chunk at 100 KiB was written, so the HEAD says 200 KiB: it is not sent again.
    assert [p.offset for p in fake_cvat.of_kind("patch")] == [0, 100 * KiB, 200 * KiB]
    _assert_stored_once(fake_cvat, [big])


@pytest.mark.parametrize(("action", "kwargs"), [(DROP_AFTER, {}), (STATUS_AFTER, {"status": 502})])
def test_tus_final_patch_answer_lost_is_recognized_as_complete(
    fake_cvat: FakeCvat, fake_cvat_client, make_files, action, kwargs
) -> None:
    (big,) = make_files([150 * KiB])
    fake_cvat.fault("patch", action, where=lambda s: s.offset == 100 * KiB, **kwargs)
    _upload(fake_cvat_client, [big], tus_threshold=1, tus_chunk_size=100 * KiB)
    # CVAT forgets a finished upload (HEAD answers 500); a create request confirms the file is there.
    assert [h.status for h in fake_cvat.of_kind("head")] == [500]
    assert [c.status for c in fake_cvat.of_kind("tus_create")] == [201, 409]
    assert len(fake_cvat.of_kind("patch")) == 2
    _assert_stored_once(fake_cvat, [big])


def test_tus_stalled_patch_times_out_and_resumes(fake_cvat: FakeCvat, fake_cvat_client, make_files) -> None:
    (big,) = make_files([200 * KiB])
    fake_cvat.fault("patch", STALL, seconds=2, where=lambda s: s.offset == 100 * KiB)
    started = time.monotonic()
    _upload(fake_cvat_client, [big], tus_threshold=1, tus_chunk_size=100 * KiB, timeout=0.4)
    assert time.monotonic() - started < 1.8
    assert len(fake_cvat.of_kind("head")) == 1
    _assert_stored_once(fake_cvat, [big])


@pytest.mark.parametrize("status", [502, 503, 429])
def test_tus_create_and_head_failures_are_retried(fake_cvat: FakeCvat, fake_cvat_client, make_files, status) -> None:
    (big,) = make_files([200 * KiB])
    fake_cvat.fault("tus_create", STATUS, status=status)
    fake_cvat.fault("patch", STATUS, status=503, where=lambda s: s.offset == 100 * KiB)
    fake_cvat.fault("head", STATUS, status=status)
    _upload(fake_cvat_client, [big], tus_threshold=1, tus_chunk_size=100 * KiB)
    assert [c.status for c in fake_cvat.of_kind("tus_create")] == [status, 201]
    assert [h.status for h in fake_cvat.of_kind("head")] == [status, 200]
    _assert_stored_once(fake_cvat, [big])


def test_tus_upload_forgotten_by_the_server_starts_over(
    fake_cvat: FakeCvat, fake_cvat_client, make_files, caplog
) -> None:
    (big,) = make_files([200 * KiB])
    fake_cvat.fault("patch", STATUS, status=404)
    with caplog.at_level(logging.WARNING, LOGGER):
        _upload(fake_cvat_client, [big], tus_threshold=1, tus_chunk_size=100 * KiB)
    assert [c.status for c in fake_cvat.of_kind("tus_create")] == [201, 201]
    assert any("starting the upload over" in r.getMessage() for r in caplog.records)
    _assert_stored_once(fake_cvat, [big])


def test_tus_retries_run_out_and_the_error_names_the_file(fake_cvat: FakeCvat, fake_cvat_client, make_files) -> None:
    (big,) = make_files([200 * KiB])
    fake_cvat.fault("patch", STATUS, status=503, times=10)
    with pytest.raises(UploadError) as info:
        _upload(fake_cvat_client, [big], tus_threshold=1, tus_chunk_size=100 * KiB, max_retries=2)
    assert str(big) in str(info.value) and info.value.filename == str(big) and "after 2 retries" in str(info.value)
    assert not fake_cvat.of_kind("finish")


def test_a_file_that_shrinks_while_uploading_fails_without_retries(
    fake_cvat: FakeCvat, fake_cvat_client, make_files, monkeypatch
) -> None:
    (big,) = make_files([200 * KiB])
    from cvat_sdk.core.transfers import tus

    original = tus.FileRegion

    def shrinking(*args, **kwargs):
        big.write_bytes(b"tiny")
        return original(*args, **kwargs)

    monkeypatch.setattr(tus, "FileRegion", shrinking)
    with pytest.raises(UploadError, match="changed while being uploaded") as info:
        _upload(fake_cvat_client, [big], tus_threshold=1)
    assert info.value.filename == str(big)
    assert len(fake_cvat.of_kind("patch")) <= 1  # not retried (the aborted request may not even arrive)


# --- Upload-Start / Upload-Finish -------------------------------------------------------------------------------
def test_start_and_finish_are_retried_when_the_server_refused_them(
    fake_cvat: FakeCvat, fake_cvat_client, make_files
) -> None:
    files = make_files([10])
    fake_cvat.fault("start", STATUS, status=503)
    fake_cvat.fault("start", DROP_AFTER)  # starting twice is harmless
    fake_cvat.fault("finish", STATUS, status=429, headers={"Retry-After": "0"})
    response = _upload(fake_cvat_client, files)
    assert response.status == 202
    assert [s.fault for s in fake_cvat.of_kind("start")] == [STATUS, DROP_AFTER, None]
    _assert_stored_once(fake_cvat, files)


def test_finish_whose_answer_was_lost_is_not_sent_again(fake_cvat: FakeCvat, fake_cvat_client, make_files) -> None:
    files = make_files([10])
    fake_cvat.fault("finish", DROP_AFTER)
    with pytest.raises(UploadError, match="may or may not have started processing"):
        _upload(fake_cvat_client, files)
    assert len(fake_cvat.endpoint(DATA_URL).finishes) == 1


def test_file_upload_survives_faults_in_every_step(fake_cvat: FakeCvat, fake_cvat_client, make_files) -> None:
    (path,) = make_files([250 * KiB], suffix=".zip")
    url = "/api/projects/3/dataset/"
    fake_cvat.fault("start", STATUS, status=502)
    fake_cvat.fault("tus_create", DROP_AFTER)  # leaves an unused upload behind: harmless
    fake_cvat.fault("patch", DROP_MID_BODY, where=lambda s: s.offset == 100 * KiB)
    fake_cvat.fault("patch", DROP_AFTER, where=lambda s: s.offset == 200 * KiB)  # the last chunk
    fake_cvat.fault("finish", STATUS, status=503)
    FileUploader(fake_cvat_client, _settings(tus_chunk_size=100 * KiB)).upload_file(
        url, path, query_params={"format": "COCO 1.0", "conv_mask_to_poly": True}
    )
    state = fake_cvat.endpoint(url)
    finishes = state.finishes
    assert len(finishes) == 1 and finishes[0].query["conv_mask_to_poly"] == ["true"]
    server_name = finishes[0].query["filename"][0]
    assert state.content(server_name) == path.read_bytes() and state.writes[path.name] == path.stat().st_size
    assert fake_cvat.pending_faults == 0


# --- downloads ---------------------------------------------------------------------------------------------------
def _download(client, target: Path, **settings: object) -> Path:
    return Downloader(client, _settings(**settings)).download_file("/files/blob.bin", target)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def blob(fake_cvat: FakeCvat) -> bytes:
    data = bytes(range(256)) * (3 * 4096)  # 3 MiB
    fake_cvat.files["blob.bin"] = data
    return data


def test_download_dropped_mid_body_resumes_with_range(
    fake_cvat: FakeCvat, fake_cvat_client, blob, tmp_path, caplog
) -> None:
    fake_cvat.fault("get", DROP_MID_RESPONSE, fraction=0.4)
    with caplog.at_level(logging.INFO, LOGGER):
        path = _download(fake_cvat_client, tmp_path / "out.bin")
    assert path.read_bytes() == blob and _leftovers(tmp_path) == ["out.bin"]
    first, second = fake_cvat.of_kind("get")
    assert "range" not in first.headers
    assert second.headers["range"].startswith("bytes=") and int(second.headers["range"][6:-1]) > 0
    assert second.headers["if-range"] and second.status == 206
    assert any("resuming at byte" in r.getMessage() for r in caplog.records)


def test_download_without_range_support_starts_over(fake_cvat: FakeCvat, fake_cvat_client, blob, tmp_path) -> None:
    fake_cvat.ranges = False
    fake_cvat.fault("get", DROP_MID_RESPONSE, fraction=0.6)
    path = _download(fake_cvat_client, tmp_path / "out.bin")
    assert path.read_bytes() == blob and _leftovers(tmp_path) == ["out.bin"]
    assert [g.status for g in fake_cvat.of_kind("get")] == [200, 200]


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        (STATUS, {"status": 502}),
        (STATUS, {"status": 503}),
        (STATUS, {"status": 429, "headers": {"Retry-After": "0.1"}}),
        (STALL, {"seconds": 2}),
        (STALL_MID_RESPONSE, {"seconds": 2}),
    ],
    ids=["502", "503", "429", "stall-before-answer", "stall-mid-body"],
)
def test_download_survives_transient_failures(
    fake_cvat: FakeCvat, fake_cvat_client, blob, tmp_path, action, kwargs
) -> None:
    fake_cvat.fault("get", action, **kwargs)
    path = Downloader(fake_cvat_client, _settings()).download_file("/files/blob.bin", tmp_path / "o.bin", timeout=0.5)
    assert path.read_bytes() == blob and _leftovers(tmp_path) == ["o.bin"]
    assert len(fake_cvat.of_kind("get")) == 2


def test_download_retries_run_out_and_nothing_is_left(fake_cvat: FakeCvat, fake_cvat_client, blob, tmp_path) -> None:
    """A server that cannot resume and cuts every answer at the same point: the download gets no
    further, so it ends once the time budget without progress is spent, leaving nothing."""
    fake_cvat.fault("get", DROP_MID_RESPONSE, fraction=0.5, times=1000)
    fake_cvat.ranges = False
    target = tmp_path / "out.bin"
    started = time.monotonic()
    with pytest.raises(DownloadError) as info:
        _download(fake_cvat_client, target, max_retries=2, retry_time_budget=0.5)
    assert 0.4 < time.monotonic() - started < 5
    assert str(target) in str(info.value) and info.value.filename == str(target)
    assert _leftovers(tmp_path) == [] and len(fake_cvat.of_kind("get")) > 3


def test_download_answers_without_data_run_out_after_max_retries(
    fake_cvat: FakeCvat, fake_cvat_client, blob, tmp_path
) -> None:
    fake_cvat.fault("get", STATUS, status=502, times=10)
    with pytest.raises(DownloadError, match="after 2 retries"):
        _download(fake_cvat_client, tmp_path / "out.bin", max_retries=2)
    assert len(fake_cvat.of_kind("get")) == 3


def test_a_restarted_download_is_retried_while_it_receives_data(
    fake_cvat: FakeCvat, fake_cvat_client, blob, tmp_path
) -> None:
    """No Range support (as CVAT's export downloads): each attempt starts at byte 0 and is cut
    before the best so far; 6 such cuts in a row, then a whole answer. A fixed count of 3
    retries gave up; retries while data arrives complete it."""
    for fraction in (0.9, 0.2, 0.5, 0.3, 0.1, 0.6):
        fake_cvat.fault("get", DROP_MID_RESPONSE, fraction=fraction)
    fake_cvat.ranges = False
    target = _download(fake_cvat_client, tmp_path / "out.bin", max_retries=3)
    assert target.read_bytes() == blob and len(fake_cvat.of_kind("get")) == 7


def test_failed_overwrite_keeps_the_old_file(fake_cvat: FakeCvat, fake_cvat_client, blob, tmp_path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    fake_cvat.fault("get", STATUS, status=503, times=10)
    with pytest.raises(DownloadError):
        Downloader(fake_cvat_client, _settings(max_retries=1)).download_file("/files/blob.bin", target, overwrite=True)
    assert target.read_bytes() == b"old" and _leftovers(tmp_path) == ["out.bin"]


def test_a_changed_file_is_downloaded_again_from_the_start(
    fake_cvat: FakeCvat, fake_cvat_client, blob, tmp_path
) -> None:
    def change(seen) -> bool:
        fake_cvat.files["blob.bin"] = b"new content " * 1000
        return True

    fake_cvat.fault("get", DROP_MID_RESPONSE, fraction=0.5)
    fake_cvat.fault("get", STATUS, status=503, where=change)  # the file changes between attempts
    path = _download(fake_cvat_client, tmp_path / "out.bin")
    assert path.read_bytes() == b"new content " * 1000  # If-Range did not match: a full answer
    assert [g.status for g in fake_cvat.of_kind("get")] == [200, 503, 200]


@pytest.mark.parametrize(("statuses", "retried"), [({500, 503}, True), ({429, 502, 504}, False)])
def test_the_transfer_engine_follows_the_policys_statuses(
    fake_cvat: FakeCvat, blob, tmp_path, statuses: set[int], retried: bool
) -> None:
    """One verdict: a status the client's RetryPolicy lists (500 here) is retried by downloads as
    by API calls; one it does not list (503 here) is not."""
    status = 500 if retried else 503
    fake_cvat.fault("get", STATUS, status=status)
    policy = cvat_api.RetryPolicy(statuses=frozenset(statuses), backoff_base=0.001, backoff_max=0.01)
    config = cvat_api.Configuration(host=fake_cvat.url, api_key={"tokenAuth": "t"}, retries=policy)
    with cvat_api.ApiClient(config) as api_client:
        downloader = Downloader(api_client)
        if retried:
            assert downloader.download_file("/files/blob.bin", tmp_path / "out.bin").read_bytes() == blob
        else:
            with pytest.raises(DownloadError, match=f"\\({status}\\)"):
                downloader.download_file("/files/blob.bin", tmp_path / "out.bin")
    assert len(fake_cvat.of_kind("get")) == (2 if retried else 1)
