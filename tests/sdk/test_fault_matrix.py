"""The fault matrix: the SDK's workflows through FaultProxy at 15 % and 30 % faults over several
seeds, in front of local servers (FakeCvat for uploads and downloads, FakeTaskServer for task
media and annotations). Every run must complete with every byte right, nothing stored twice
and nothing missing. (The same workflows against a real CVAT: tests/sdk/test_fault_matrix_live.py.)
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import cvat_api
import pytest
from cvat_sdk import Client, Config, models
from cvat_sdk.core.transfers import DataUploader, Downloader, TransferSettings

from tests.faultproxy import FaultProxy, Plan, RandomFaults
from tests.sdk.fake_task_server import FakeTaskServer
from tests.sdk.transfer_server import FakeCvat

RATES = [0.15, 0.30]
SEEDS = [1, 2, 3, 4]
# The proxy faults one request at most twice in a row, and the SDK counts failures in a row per
# request, so the default 3 retries always complete; millisecond waits keep the matrix quick.
FAST_RETRIES = cvat_api.RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.01)
KiB = 1024
DATA_URL = "/api/tasks/7/data/"

matrix = pytest.mark.parametrize(
    ("rate", "seed"),
    [(r, s) for r in RATES for s in SEEDS],
    ids=[f"{int(r * 100)}%-seed{s}" for r in RATES for s in SEEDS],
)


def _assert_faults_were_injected(*proxies: FaultProxy) -> None:
    for proxy in proxies:
        assert not proxy.errors, proxy.errors
    assert any(proxy.faults for proxy in proxies), "the proxy injected no fault: the run proves nothing"


@pytest.fixture
def fake_task() -> Iterator[FakeTaskServer]:
    server = FakeTaskServer(frames=24, chunk_size=4)
    yield server
    server.close()


@matrix
def test_upload_many_small_files_and_a_few_large(fake_cvat: FakeCvat, tmp_path: Path, rate: float, seed: int) -> None:
    files = []
    for i in range(60):
        f = tmp_path / f"s{i:03d}.png"
        f.write_bytes(os.urandom(1 * KiB + i * 97))
        files.append(f)
    for i in range(2):
        f = tmp_path / f"big{i}.png"
        f.write_bytes(os.urandom(200 * KiB + i))
        files.append(f)
    settings = TransferSettings(group_size=8 * KiB, tus_threshold=64 * KiB, tus_chunk_size=48 * KiB, max_workers=3)
    with FaultProxy(fake_cvat.url, RandomFaults(seed, rate)) as proxy:
        config = cvat_api.Configuration(host=proxy.url, api_key={"tokenAuth": "t"}, retries=FAST_RETRIES)
        with cvat_api.ApiClient(config) as api_client:
            DataUploader(api_client, settings).upload_files(
                DATA_URL, files, data_params={"image_quality": 70, "sorting_method": "predefined"}
            )
    _assert_faults_were_injected(proxy)
    state = fake_cvat.endpoint(DATA_URL)
    assert sorted(state.table) == sorted(f.name for f in files)  # each recorded once
    for f in files:
        assert state.content(f.name) == f.read_bytes(), f.name
        assert state.writes[f.name] == f.stat().st_size, f"{f.name} was written more than once"
    (finish,) = state.finishes
    assert finish.json["upload_file_order"] == [f.name for f in files]


@matrix
def test_download_files(fake_cvat: FakeCvat, tmp_path: Path, rate: float, seed: int) -> None:
    """Exports and backups arrive by Downloader: 30 files of 100-400 KiB."""
    files = {f"export{i}.zip": os.urandom((100 + i * 10) * KiB) for i in range(30)}
    fake_cvat.files.update(files)
    with FaultProxy(fake_cvat.url, RandomFaults(seed, rate)) as proxy:
        config = cvat_api.Configuration(host=proxy.url, api_key={"tokenAuth": "t"}, retries=FAST_RETRIES)
        with cvat_api.ApiClient(config) as api_client:
            for name, data in files.items():
                assert Downloader(api_client).download_file(f"/files/{name}", tmp_path / name).read_bytes() == data
    _assert_faults_were_injected(proxy)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)  # no temp files left


@matrix
def test_task_media_and_annotations(fake_task: FakeTaskServer, tmp_path: Path, rate: float, seed: int) -> None:
    with (
        FaultProxy(fake_task.url, RandomFaults(seed, rate)) as proxy,
        Client(proxy.url, config=Config(max_parallel_transfers=3)) as client,
    ):
        client.api_client.configuration.retries = FAST_RETRIES
        task = client.tasks.retrieve(1)
        for frame in range(24):
            assert task.get_frame(frame).getvalue() == fake_task.frames[frame]
        assert task.get_preview().getvalue() == fake_task.preview
        for chunk in range(6):
            out = io.BytesIO()
            task.download_chunk(chunk, out, quality="original")
            with zipfile.ZipFile(out) as archive:
                assert [archive.read(m) for m in archive.infolist()] == fake_task.frames[chunk * 4 : chunk * 4 + 4]
        frames = task.download_frames([1, 6, 10, 17, 23], outdir=tmp_path / "frames")
        assert [p.read_bytes() for p in frames] == [fake_task.frames[i] for i in (1, 6, 10, 17, 23)]
        chunks = task.download_frames(list(range(24)), outdir=tmp_path / "chunks")
        assert [p.read_bytes() for p in chunks] == fake_task.frames

        def boxes(frames: range) -> list[models.LabeledShapeRequest]:
            return [
                models.LabeledShapeRequest(type="rectangle", frame=f, label_id=1, points=[f, 0, f + 1, 1])
                for f in frames
            ]

        task.set_annotations(models.LabeledDataRequest(shapes=boxes(range(0, 12))))
        task.update_annotations(models.PatchedLabeledDataRequest(shapes=boxes(range(12, 24))), action="create")
        got = task.get_annotations()
    _assert_faults_were_injected(proxy)
    assert sorted(s.frame for s in got.shapes) == list(range(24))  # nothing lost, nothing twice
    assert sorted(s["frame"] for s in fake_task.shapes) == list(range(24))


EXPORT_SEEDS = range(1, 11)


@pytest.mark.parametrize("seed", EXPORT_SEEDS, ids=[f"30%-seed{s}" for s in EXPORT_SEEDS])
def test_export_with_images_through_faults(tmp_path: Path, seed: int) -> None:
    """`export_dataset(include_images=True)` of 200 images, four times: the export request, its
    polls and a download the server cannot resume (as CVAT's), through 30 % faults, 10 seeds."""
    server = FakeTaskServer(frames=200, chunk_size=20)
    try:
        with (
            FaultProxy(server.url, RandomFaults(seed, 0.30)) as proxy,
            Client(proxy.url, config=Config(status_check_period=0.01)) as client,
        ):
            client.api_client.configuration.retries = FAST_RETRIES
            task = client.tasks.retrieve(1)
            names = [f"export{i}.zip" for i in range(4)]
            for name in names:
                path = task.export_dataset("CVAT for images 1.1", tmp_path / name, include_images=True)
                assert path.read_bytes() == server.export_zip()
        _assert_faults_were_injected(proxy)
        assert sorted(p.name for p in tmp_path.iterdir()) == names  # no temp file left
    finally:
        server.close()


@pytest.mark.parametrize("rate", RATES, ids=[f"{int(r * 100)}%" for r in RATES])
def test_cli_through_faults(fake_task: FakeTaskServer, tmp_path: Path, rate: float) -> None:
    """`cvat-cli task frames` for every frame (by chunks) and for single frames, three seeds."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVAT_") and k != "PASS"}
    proxies = []
    for seed, frame_ids in [(1, range(24)), (2, [5]), (3, [0, 23])]:
        outdir = tmp_path / f"seed{seed}"
        with FaultProxy(fake_task.url, RandomFaults(seed, rate)) as proxy:
            p = subprocess.run(
                [sys.executable, "-m", "cvat_cli", "--server-host", proxy.url, "--access-token", "t", "task", "frames"]
                + ["1", *map(str, frame_ids), "--outdir", str(outdir), "--quality", "original"],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
        proxies.append(proxy)
        assert p.returncode == 0, p.stderr
        saved = sorted(outdir.iterdir())
        assert [f.read_bytes() for f in saved] == [fake_task.frames[i] for i in frame_ids]
    _assert_faults_were_injected(*proxies)


_MEMORY_PROBE = """
import sys
import cvat_api
from cvat_sdk.core.transfers import Downloader
policy = cvat_api.RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.01)
config = cvat_api.Configuration(host=sys.argv[1], api_key={"tokenAuth": "t"}, retries=policy)
with cvat_api.ApiClient(config) as client:
    Downloader(client).download_file("/files/big.bin", sys.argv[2])
    response = client.request("GET", "/files/big.bin", _parse_response=False)
    size = sum(len(block) for block in response.stream(1 << 20))
# VmHWM: this process's own peak (ru_maxrss would include the parent's, inherited at fork)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(peak, size)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak RSS from /proc (Linux)")
def test_memory_stays_flat_through_faults(fake_cvat: FakeCvat, tmp_path: Path) -> None:
    """Peak RSS of a client downloading and streaming 64 MiB is the same with and without faults."""
    data = os.urandom(64 * 1024 * KiB)
    fake_cvat.files["big.bin"] = data

    def cut_twice(method: str, identity: str, occurrence: int) -> str | None:
        return "cut" if occurrence < 2 else None  # every GET cut mid-body twice, then whole

    def peak_kib(plan: Plan | None) -> tuple[int, int]:
        with FaultProxy(fake_cvat.url, plan) as proxy:
            out = tmp_path / f"big-{id(plan)}.bin"
            p = subprocess.run(
                [sys.executable, "-c", _MEMORY_PROBE, proxy.url, str(out)], capture_output=True, text=True, timeout=300
            )
            assert p.returncode == 0, p.stderr
            assert out.read_bytes() == data
            if plan is not None:
                _assert_faults_were_injected(proxy)
        rss, size = map(int, p.stdout.split())
        assert size == len(data)
        return rss, size

    calm, _ = peak_kib(None)
    faulty, _ = peak_kib(cut_twice)
    assert faulty < calm + 16 * 1024, (calm, faulty)  # KiB: within 16 MiB, far below the 64 MiB moved
