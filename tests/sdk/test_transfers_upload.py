"""Uploads against the fake CVAT: the dialect on the wire, grouping, order, parallelism, memory."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import subprocess
import sys
import threading
from pathlib import Path

import cvat_api
import pytest
from cvat_sdk.core.transfers import (
    DataUploader,
    FileUploader,
    MissingFilesError,
    TransferSettings,
    UploadError,
    parallel_map,
)
from cvat_sdk.core.transfers.bodies import FilePart, FileRegion, MultipartBody, TransferCancelled
from cvat_sdk.core.transfers.planning import Group, LocalFile, Single, plan_jobs

from tests.sdk.transfer_server import FakeCvat

DATA_URL = "/api/tasks/7/data/"
KiB = 1024
MiB = 1024 * 1024


def _settings(**kwargs: object) -> TransferSettings:
    base: dict[str, object] = {"backoff_base": 0.01, "backoff_max": 0.05}
    base.update(kwargs)
    return TransferSettings(**base)  # type: ignore[arg-type]


# --- the dialect on the wire -----------------------------------------------------------------------
def test_data_upload_speaks_the_dialect(fake_cvat: FakeCvat, fake_cvat_client, make_files, recording_progress) -> None:
    small = make_files([1000, 2000, 3000, 500])
    big = make_files([300 * KiB], prefix="big")
    files = [small[0], small[1], big[0], small[2], small[3]]
    settings = _settings(group_size=3500, tus_threshold=100 * KiB, tus_chunk_size=128 * KiB, max_workers=1)

    response = DataUploader(fake_cvat_client, settings).upload_files(
        DATA_URL, files, data_params={"image_quality": 70, "sorting_method": "predefined"}, pbar=recording_progress
    )

    assert response.status == 202 and response.json() == {"rq_id": "rq-1"}
    kinds = [s.kind for s in fake_cvat.seen]
    assert kinds[0] == "start" and kinds[-1] == "finish" and kinds.count("start") == kinds.count("finish") == 1
    start = fake_cvat.seen[0]
    assert start.method == "POST" and start.path == DATA_URL and start.headers["upload-start"] == ""
    assert start.body_size == 0

    groups = fake_cvat.of_kind("multiple")
    assert [g.names for g in groups] == [[small[0].name, small[1].name], [small[2].name, small[3].name]]
    for g in groups:
        assert g.headers["upload-multiple"] == "" and g.fields == {"image_quality": "70"}
        assert g.headers["content-type"].startswith("multipart/form-data; boundary=")
        assert "content-length" in g.headers and "transfer-encoding" not in g.headers

    create = fake_cvat.of_kind("tus_create")[0]
    assert create.path == DATA_URL and create.headers["tus-resumable"] == "1.0.0"
    assert create.headers["upload-length"] == str(300 * KiB)
    assert create.headers["upload-metadata"] == "filename " + base64.b64encode(big[0].name.encode()).decode()
    assert create.headers["origin"] == fake_cvat.url  # CVAT builds the Location from it
    patches = fake_cvat.of_kind("patch")
    assert [p.offset for p in patches] == [0, 128 * KiB, 256 * KiB]
    assert all(p.headers["content-type"] == "application/offset+octet-stream" for p in patches)
    assert all(p.headers["tus-resumable"] == "1.0.0" for p in patches)
    assert all(int(p.headers["content-length"]) <= 128 * KiB for p in patches)
    assert not fake_cvat.of_kind("head")  # nothing failed: no offset to ask for

    finish = fake_cvat.of_kind("finish")[0]
    assert finish.headers["upload-finish"] == "" and finish.headers["content-type"] == "application/json"
    assert finish.json == {
        "image_quality": 70,
        "sorting_method": "predefined",
        "upload_file_order": [f.name for f in files],
    }
    state = fake_cvat.endpoint(DATA_URL)
    assert state.table == [f.name for f in files]  # one worker: the server received them in the user's order
    for f in files:
        assert state.content(f.name) == f.read_bytes()
    total = sum(f.stat().st_size for f in files)
    assert recording_progress.starts[0]["total"] == total and recording_progress.starts[0]["unit"] == "B"
    assert recording_progress.advanced == total and recording_progress.finished == 1


def test_upload_file_order_is_only_added_for_predefined_sorting(
    fake_cvat: FakeCvat, fake_cvat_client, make_files
) -> None:
    files = make_files([10, 20])
    uploader = DataUploader(fake_cvat_client, _settings())
    uploader.upload_files(DATA_URL, files, data_params={"image_quality": 50, "sorting_method": "natural"})
    uploader.upload_files(
        "/api/tasks/8/data/",
        make_files([5, 6]),
        data_params={"image_quality": 50, "sorting_method": "PREDEFINED", "upload_file_order": ["x.png", "y.png"]},
    )
    first, second = fake_cvat.of_kind("finish")
    assert "upload_file_order" not in first.json
    assert second.json["upload_file_order"] == ["x.png", "y.png"]  # the caller's own order wins


def test_data_params_are_not_modified(fake_cvat: FakeCvat, fake_cvat_client, make_files) -> None:
    params = {"image_quality": 70, "sorting_method": "predefined"}
    DataUploader(fake_cvat_client, _settings()).upload_files(DATA_URL, make_files([3]), data_params=params)
    assert params == {"image_quality": 70, "sorting_method": "predefined"}


def test_absolute_url_works(fake_cvat: FakeCvat, fake_cvat_client, make_files) -> None:
    files = make_files([10, 20])
    DataUploader(fake_cvat_client, _settings()).upload_files(
        fake_cvat.url + DATA_URL, files, data_params={"image_quality": 70}
    )
    assert sorted(fake_cvat.endpoint(DATA_URL).table) == sorted(f.name for f in files)


def test_multipart_file_names_are_basenames(fake_cvat: FakeCvat, fake_cvat_client, make_files) -> None:
    files = make_files([10], folder="deep") + make_files([10], folder="other")
    DataUploader(fake_cvat_client, _settings()).upload_files(DATA_URL, files, data_params={"image_quality": 70})
    names = fake_cvat.of_kind("multiple")[0].names
    assert names == [f.name for f in files] and all("/" not in n for n in names)


def test_parallel_upload_keeps_order_information(fake_cvat: FakeCvat, fake_cvat_client, make_files) -> None:
    files = make_files([4 * KiB] * 24)
    files.reverse()  # the user's order is not the name order
    fake_cvat.delay_kinds["multiple"] = 0.05
    DataUploader(fake_cvat_client, _settings(group_size=8 * KiB, max_workers=4)).upload_files(
        DATA_URL, files, data_params={"image_quality": 70, "sorting_method": "predefined"}
    )
    groups = fake_cvat.of_kind("multiple")
    assert len(groups) == 12 and fake_cvat.max_active > 1  # several groups in flight at once
    index = {f.name: i for i, f in enumerate(files)}
    ordered = sorted(groups, key=lambda g: index[g.names[0]])
    assert [n for g in ordered for n in g.names] == [f.name for f in files]  # each group in the user's order
    assert fake_cvat.of_kind("finish")[0].json["upload_file_order"] == [f.name for f in files]
    state = fake_cvat.endpoint(DATA_URL)
    assert all(state.content(f.name) == f.read_bytes() for f in files)


def test_workers_are_bounded_by_the_connection_pool(fake_cvat: FakeCvat, make_files) -> None:
    client = cvat_api.ApiClient(
        cvat_api.Configuration(host=fake_cvat.url, connection_pool_maxsize=2, api_key={"tokenAuth": "t"})
    )
    fake_cvat.delay_kinds["multiple"] = 0.05
    with client:
        DataUploader(client, _settings(group_size=1, max_workers=16)).upload_files(
            DATA_URL, make_files([10] * 12), data_params={"image_quality": 70}
        )
    assert fake_cvat.max_active == 2


def test_empty_file_list_still_opens_and_finishes(fake_cvat: FakeCvat, fake_cvat_client) -> None:
    response = DataUploader(fake_cvat_client, _settings()).upload_files(
        DATA_URL, [], data_params={"image_quality": 70, "server_files": ["a.jpg"]}
    )
    assert response.status == 202
    assert [s.kind for s in fake_cvat.seen] == ["start", "finish"]


# --- checks before sending ---------------------------------------------------------------------------
def test_missing_files_are_reported_before_anything_is_sent(
    fake_cvat: FakeCvat, fake_cvat_client, make_files, tmp_path: Path
) -> None:
    present = make_files([10])
    missing = [tmp_path / "nope1.png", tmp_path / "nope2.png"]
    with pytest.raises(MissingFilesError) as info:
        DataUploader(fake_cvat_client, _settings()).upload_files(
            DATA_URL, [present[0], missing[0], tmp_path, missing[1]], data_params={"image_quality": 70}
        )
    assert info.value.missing == [str(missing[0]), str(tmp_path), str(missing[1])]
    assert all(str(p) in str(info.value) for p in missing)
    assert isinstance(info.value, FileNotFoundError) and isinstance(info.value, UploadError)
    assert fake_cvat.seen == []


def test_files_with_the_same_name_are_refused(fake_cvat: FakeCvat, fake_cvat_client, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = tmp_path / "a" / "x.png", tmp_path / "b" / "x.png"
    one.write_bytes(b"1")
    two.write_bytes(b"2")
    with pytest.raises(UploadError, match="distinct names") as info:
        DataUploader(fake_cvat_client, _settings()).upload_files(
            DATA_URL, [one, two], data_params={"image_quality": 70}
        )
    assert info.value.filenames == (str(one), str(two))
    assert fake_cvat.seen == []


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        TransferSettings(tus_chunk_size=200 * MiB)
    with pytest.raises(ValueError):
        TransferSettings(max_workers=0)
    with pytest.raises(ValueError):
        TransferSettings(group_size=101 * MiB)


# --- planning --------------------------------------------------------------------------------------------
def _local(sizes: list[int]) -> list[LocalFile]:
    return [LocalFile(Path(f"/x/f{i}.png"), s) for i, s in enumerate(sizes)]


def test_plan_groups_consecutive_small_files_and_keeps_order() -> None:
    files = _local([10, 10, 10, 100, 10, 10, 5])
    jobs = plan_jobs(files, TransferSettings(group_size=25, tus_threshold=50))
    assert [type(j).__name__ for j in jobs] == ["Group", "Group", "Single", "Group"]
    flat = [f for j in jobs for f in (j.files if isinstance(j, Group) else (j.file,))]
    assert flat == files


def test_plan_caps_files_per_group_and_puts_an_oversized_small_file_alone() -> None:
    jobs = plan_jobs(_local([1] * 7), TransferSettings(group_max_files=3))
    assert [len(j.files) for j in jobs if isinstance(j, Group)] == [3, 3, 1]
    jobs = plan_jobs(_local([5, 40, 5]), TransferSettings(group_size=10, tus_threshold=50))
    assert [len(j.files) for j in jobs if isinstance(j, Group)] == [1, 1, 1]


def test_plan_never_groups_files_over_the_server_request_limit() -> None:
    jobs = plan_jobs(_local([150 * MiB, 10]), TransferSettings(tus_threshold=10**12))
    assert isinstance(jobs[0], Single) and isinstance(jobs[1], Group)


# --- FileUploader -------------------------------------------------------------------------------------------
def test_file_upload_brackets_one_tus_file(
    fake_cvat: FakeCvat, fake_cvat_client, make_files, recording_progress
) -> None:
    (path,) = make_files([70 * KiB], suffix=".xml")
    url = "/api/tasks/7/annotations/"
    query = {"format": "CVAT 1.1", "conv_mask_to_poly": False}
    response = FileUploader(fake_cvat_client, _settings(tus_chunk_size=32 * KiB)).upload_file(
        url, path, query_params=query, fields={"note": "x"}, pbar=recording_progress
    )
    assert response.status == 202 and "rq_id" in response.json()
    assert query == {"format": "CVAT 1.1", "conv_mask_to_poly": False}  # not modified
    start, create = fake_cvat.seen[0], fake_cvat.seen[1]
    assert start.kind == "start" and start.query == {"format": ["CVAT 1.1"], "conv_mask_to_poly": ["false"]}
    assert create.kind == "tus_create" and create.path == url and create.query == {}
    finish = fake_cvat.of_kind("finish")[0]
    server_name = next(iter(fake_cvat.endpoint(url).stored))  # the upload id the server named the file by
    assert finish.query == {"format": ["CVAT 1.1"], "conv_mask_to_poly": ["false"], "filename": [server_name]}
    assert finish.json == {"note": "x"} and server_name != path.name
    assert fake_cvat.endpoint(url).content(server_name) == path.read_bytes()
    assert [p.offset for p in fake_cvat.of_kind("patch")] == [0, 32 * KiB, 64 * KiB]
    assert recording_progress.advanced == path.stat().st_size == recording_progress.starts[0]["total"]


def test_file_upload_without_fields_sends_no_body(fake_cvat: FakeCvat, fake_cvat_client, make_files) -> None:
    (path,) = make_files([10], suffix=".zip")
    FileUploader(fake_cvat_client, _settings()).upload_file("/api/tasks/backup/", path)
    finish = fake_cvat.of_kind("finish")[0]
    assert finish.body_size == 0 and finish.query["filename"]


def test_file_upload_of_a_missing_file_sends_nothing(fake_cvat: FakeCvat, fake_cvat_client, tmp_path: Path) -> None:
    with pytest.raises(MissingFilesError, match="nope.xml"):
        FileUploader(fake_cvat_client, _settings()).upload_file("/api/tasks/1/annotations/", tmp_path / "nope.xml")
    assert fake_cvat.seen == []


# --- memory ---------------------------------------------------------------------------------------------------
# Measured in a fresh interpreter: tracemalloc traces the whole process, and threads left behind by
# earlier tests in a long pytest run would be counted as the upload's memory.
_MEMORY_PROBE = """
import gc, json, sys, tempfile, tracemalloc
from pathlib import Path
import cvat_api
from cvat_sdk.core.transfers import DataUploader, TransferSettings
from tests.sdk.transfer_server import FakeCvat

MiB = 1024 * 1024
root = Path(tempfile.mkdtemp())
(root / "server").mkdir()
server = FakeCvat(root / "server")
client = cvat_api.ApiClient(cvat_api.Configuration(host=server.url, api_key={"tokenAuth": "t"}, retries=0))
settings = TransferSettings(group_size=4 * MiB, max_workers=4, backoff_base=0.01, backoff_max=0.05)

def files(count, folder):
    (root / folder).mkdir()
    out = []
    for i in range(count):
        path = root / folder / f"f{i:04d}.png"
        path.write_bytes((i.to_bytes(4, "big") + folder.encode()) * (MiB // (4 + len(folder))) + b"x" * (MiB % (4 + len(folder))))
        out.append(path)
    return out

def peak(paths, url):
    gc.collect()
    tracemalloc.start()
    try:
        DataUploader(client, settings).upload_files(url, paths, data_params={"image_quality": 70})
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

few = peak(files(40, "few"), "/api/tasks/1/data/")
many = peak(files(200, "many"), sys.argv[1])
state = server.endpoint(sys.argv[1])
print(json.dumps({"few": few, "many": many, "stored": len(state.stored), "written": sum(state.writes.values())}))
client.close()
server.close()
"""


def test_memory_stays_flat_with_many_files() -> None:
    repo = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, DATA_URL], cwd=repo, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    measured = json.loads(run.stdout.splitlines()[-1])
    few, many = measured["few"], measured["many"]
    assert measured["stored"] == 200 and measured["written"] == 200 * MiB
    # 4 workers holding their 4 MiB groups would need 16 MiB; streaming needs a few blocks per worker
    # (the fake server in the probe's process is counted too, and streams as well).
    assert many < 6 * MiB, f"peak traced memory {many / MiB:.1f} MiB"
    assert many - few < 1 * MiB, f"{few / MiB:.1f} MiB for 40 files, {many / MiB:.1f} MiB for 200"


# --- bodies -----------------------------------------------------------------------------------------------------
def test_multipart_body_streams_the_files(make_files) -> None:
    files = make_files([0, 5, 70000, 3])
    parts = [FilePart(f"client_files[{i}]", p, p.stat().st_size, p.name) for i, p in enumerate(files)]
    counted: list[int] = []
    body = MultipartBody({"image_quality": "70"}, parts, on_read=counted.append)
    chunks = []
    while chunk := body.read(999):
        chunks.append(chunk)
    raw = b"".join(chunks)
    assert len(raw) == len(body) and body.fully_read
    assert sum(counted) == 70008  # file content only, not the framing
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + body.content_type.encode() + b"\r\n\r\n" + raw
    )
    got = [
        (p.get_param("name", header="content-disposition"), p.get_filename(), p.get_payload(decode=True))
        for p in msg.iter_parts()
    ]
    assert got[0] == ("image_quality", None, b"70")
    assert got[1:] == [(f"client_files[{i}]", p.name, p.read_bytes()) for i, p in enumerate(files)]
    body.seek(0)
    assert body.read() == raw and sum(counted) == 70008  # a rewind does not count twice
    body.close()


def test_multipart_body_escapes_names(tmp_path: Path) -> None:
    path = tmp_path / 'we"ird\\name.png'
    path.write_bytes(b"abc")
    body = MultipartBody({}, [FilePart("client_files[0]", path, 3, path.name)])
    raw = body.read()
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + body.content_type.encode() + b"\r\n\r\n" + raw
    )
    assert next(iter(msg.iter_parts())).get_filename() == path.name


def test_file_region_reads_its_slice_and_reports_a_shrunk_file(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(bytes(range(256)) * 4)
    region = FileRegion(path, 100, 300)
    assert len(region) == 300 and region.read() == path.read_bytes()[100:400]
    region.close()
    path.write_bytes(b"short")
    region = FileRegion(path, 0, 300)
    with pytest.raises(OSError, match="changed while being uploaded"):
        region.read()
    assert region.local_error is not None
    region.close()


def test_bodies_stop_when_cancelled(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * 10)
    cancel = threading.Event()
    region = FileRegion(path, 0, 10, cancel=cancel)
    assert region.read(4) == b"xxxx"
    cancel.set()
    with pytest.raises(TransferCancelled):
        region.read(4)
    region.close()


# --- parallel_map ---------------------------------------------------------------------------------------------
def test_parallel_map_keeps_input_order_and_runs_in_parallel() -> None:
    import time

    active, peak, lock = [0], [0], threading.Lock()

    def work(x: int) -> int:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.01 * (x % 3))
        with lock:
            active[0] -= 1
        return x * x

    assert parallel_map(work, (i for i in range(20)), max_workers=4) == [i * i for i in range(20)]
    assert 1 < peak[0] <= 4
    assert parallel_map(work, [3, 1], max_workers=1) == [9, 1]
    assert parallel_map(work, [], max_workers=3) == []


def test_parallel_map_reraises_the_first_error_and_cancels_the_rest() -> None:
    import time

    started: list[int] = []
    lock = threading.Lock()

    def work(x: int) -> int:
        with lock:
            started.append(x)
        if x == 2:
            raise KeyError("boom")
        time.sleep(0.02)
        return x

    with pytest.raises(KeyError, match="boom"):
        parallel_map(work, range(100), max_workers=2)
    assert len(started) < 10  # the pending items were not run
    with pytest.raises(ValueError):
        parallel_map(work, [1], max_workers=0)
