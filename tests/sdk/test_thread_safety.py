"""One Client shared by threads for reads and transfers, through faults (docs/guides/authentication.md: "Threads")."""

from __future__ import annotations

import io
import os
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import cvat_api
from cvat_sdk import Client, Config
from cvat_sdk.core.transfers import DataUploader, Downloader, TransferSettings

from tests.faultproxy import FaultProxy, RandomFaults
from tests.sdk.fake_task_server import FakeTaskServer
from tests.sdk.transfer_server import FakeCvat

RETRIES = cvat_api.RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.01)
KiB = 1024


def routes_to_fake_cvat(url: str) -> dict[str, str]:
    """Uploads (tasks 7 and 8) and file downloads go to FakeCvat, task 1 to FakeTaskServer."""
    return {"/api/tasks/7/": url, "/api/tasks/8/": url, "/files/": url}


def _run_all(workers: list[Callable[[], None]]) -> None:
    """Start every worker at once; re-raise the first failure."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(workers))

    def run(work: Callable[[], None]) -> None:
        try:
            start.wait()
            work()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    if errors:
        raise errors[0]


def test_a_client_shared_by_threads_for_reads_and_transfers(fake_cvat: FakeCvat, tmp_path: Path) -> None:
    fake_task = FakeTaskServer(frames=16, chunk_size=4)
    uploads = {n: [] for n in (7, 8)}
    for n, files in uploads.items():
        for i in range(20):
            f = tmp_path / f"up{n}" / f"f{i:02d}.png"
            f.parent.mkdir(exist_ok=True)
            f.write_bytes(os.urandom(2 * KiB + i))
            files.append(f)
        big = tmp_path / f"up{n}" / "big.png"
        big.write_bytes(os.urandom(150 * KiB))
        files.append(big)
    fake_cvat.files["export.zip"] = os.urandom(2 * 1024 * KiB)
    settings = TransferSettings(group_size=8 * KiB, tus_threshold=64 * KiB, tus_chunk_size=32 * KiB)
    try:
        with (
            FaultProxy(fake_task.url, RandomFaults(5, 0.15), routes=routes_to_fake_cvat(fake_cvat.url)) as proxy,
            Client(proxy.url, config=Config(max_parallel_transfers=4)) as client,
        ):
            client.api_client.configuration.retries = RETRIES
            task = client.tasks.retrieve(1)

            def frames(offset: int) -> Callable[[], None]:
                def work() -> None:
                    for i in range(16):
                        frame = (i + offset) % 16
                        assert task.get_frame(frame).getvalue() == fake_task.frames[frame]
                    out = tmp_path / f"frames{offset}"
                    paths = task.download_frames(list(range(16)), outdir=out)
                    assert [p.read_bytes() for p in paths] == fake_task.frames

                return work

            def chunks() -> None:
                for chunk in range(4):
                    out = io.BytesIO()
                    client.tasks.retrieve(1).download_chunk(chunk, out, quality="original")
                    with zipfile.ZipFile(out) as archive:
                        assert [archive.read(m) for m in archive.infolist()] == fake_task.frames[chunk * 4 :][:4]
                    assert task.get_preview().getvalue() == fake_task.preview

            def upload(n: int) -> Callable[[], None]:
                def work() -> None:
                    DataUploader(client.api_client, settings).upload_files(
                        f"/api/tasks/{n}/data/", uploads[n], data_params={"image_quality": 70}
                    )

                return work

            def download() -> None:
                for i in range(3):
                    target = tmp_path / f"export{i}.zip"
                    Downloader(client.api_client).download_file("/files/export.zip", target)
                    assert target.read_bytes() == fake_cvat.files["export.zip"]

            _run_all([frames(0), frames(5), frames(11), chunks, upload(7), upload(8), download])
            kinds = {("upload" if "/api/tasks/1/" not in t else "task") for _, _, t in proxy.faults}
            assert kinds == {"upload", "task"}, proxy.faults  # both kinds of work met faults
            assert not proxy.errors
    finally:
        fake_task.close()
    for n, files in uploads.items():
        state = fake_cvat.endpoint(f"/api/tasks/{n}/data/")
        assert sorted(state.table) == sorted(f.name for f in files)
        for f in files:
            assert state.content(f.name) == f.read_bytes() and state.writes[f.name] == f.stat().st_size
