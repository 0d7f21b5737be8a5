"""The fault matrix against a real CVAT: the SDK's workflows through FaultProxy in front of
CVAT_TEST_SERVER, compared with the same reads made directly. Live only (faults are random, so
there is nothing to replay): CVAT_TEST_MODE=live with the server variables of docs/development.md, "Testing";
CVAT_TEST_MATRIX_SEEDS (default "11,12") chooses the seeds.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cvat_api
import cvat_sdk.auto_annotation as cvataa
import pytest
from cvat_sdk import Client, Config, models
from cvat_sdk.datasets import TaskDataset

from tests.faultproxy import FaultProxy, RandomFaults

pytestmark = pytest.mark.skipif(
    os.environ.get("CVAT_TEST_MODE") != "live", reason="live only: CVAT_TEST_MODE=live (see the module docstring)"
)

RATES = [0.15, 0.30]
SEEDS = [int(s) for s in os.environ.get("CVAT_TEST_MATRIX_SEEDS", "11,12").split(",")]
# The default 3 retries complete under FaultProxy's bound (see test_fault_matrix.py); short waits.
RETRIES = cvat_api.RetryPolicy(max_retries=3, backoff_base=0.05, backoff_max=1.0)
SPEC = {"name": "fault matrix", "labels": [{"name": "car"}]}


def _server() -> tuple[str, tuple[str, str]]:
    url = os.environ["CVAT_TEST_SERVER"]
    return url, (os.environ["CVAT_TEST_USER"], os.environ["CVAT_TEST_PASSWORD"])


def _client(url: str, cache: Path) -> Client:
    client = Client(url, config=Config(cache_dir=cache, max_parallel_transfers=4, max_retries=RETRIES.max_retries))
    client.api_client.configuration.retries = RETRIES
    client.login(_server()[1])
    return client


def _images(folder: Path) -> list[Path]:
    """40 small PNGs and 2 large ones (over the 16 MiB TUS threshold), all different."""
    import numpy as np
    from PIL import Image

    folder.mkdir()
    rng = np.random.default_rng(0)
    paths = []
    for i in range(40):
        path = folder / f"small_{i:03d}.png"
        Image.fromarray(rng.integers(0, 255, (24, 32, 3), dtype=np.uint8)).save(path)
        paths.append(path)
    for i in range(2):
        path = folder / f"large_{i}.png"
        Image.fromarray(rng.integers(0, 255, (2500, 2400, 3), dtype=np.uint8)).save(path, compress_level=0)
        assert path.stat().st_size > 16 * 2**20
        paths.append(path)
    return paths


class OneBox:
    spec = cvataa.DetectionFunctionSpec(labels=[cvataa.label_spec("car", 0)])

    def detect(self, context: Any, image: Any) -> list[models.LabeledShapeRequest]:
        return [cvataa.rectangle(0, [1, 1, 5, 5])]


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return _images(tmp_path_factory.mktemp("matrix") / "images")


@pytest.fixture
def direct(tmp_path: Path) -> Iterator[Client]:
    url, _ = _server()
    with _client(url, tmp_path / "direct-cache") as client:
        yield client


def _chunk_frames(data: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [archive.read(m) for m in archive.infolist()]


def _images_of_export(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {m.filename: archive.read(m) for m in archive.infolist() if m.filename.startswith("images/")}


@pytest.mark.parametrize(("rate", "seed"), [(r, s) for r in RATES for s in SEEDS])
def test_workflows_through_faults(direct: Client, images: list[Path], tmp_path: Path, rate: float, seed: int) -> None:
    url, credentials = _server()
    created: list[int] = []
    plan = RandomFaults(seed, rate)
    with FaultProxy(url, plan) as proxy:
        try:
            with _client(proxy.url, tmp_path / "cache") as client:
                _run(client, direct, images, tmp_path, created, proxy, credentials)
        finally:
            for task_id in created:
                direct.tasks.remove_by_ids([task_id])
    assert not proxy.errors, proxy.errors
    counts = proxy.fault_counts()
    print(f"\nrate {rate} seed {seed}: {proxy.requests} requests, {len(proxy.faults)} faults {dict(counts)}")
    assert proxy.faults


def _run(
    client: Client,
    direct: Client,
    images: list[Path],
    tmp_path: Path,
    created: list[int],
    proxy: FaultProxy,
    credentials: tuple[str, str],
) -> None:
    # task creation: many small files and a few large, in the given order, each once
    task = client.tasks.create_from_data(SPEC, images, data_params={"sorting_method": "predefined", "chunk_size": 8})
    created.append(task.id)
    meta = direct.tasks.retrieve(task.id).get_meta()
    assert [f.name for f in meta.frames] == [p.name for p in images]
    reference = direct.tasks.retrieve(task.id)

    # frames, previews, chunks: the same bytes as read directly
    for frame in (0, 17, 40, 41):
        assert task.get_frame(frame).getvalue() == reference.get_frame(frame).getvalue()
    assert task.get_preview().getvalue() == reference.get_preview().getvalue()
    for chunk in range(-(-len(images) // 8)):
        mine, theirs = io.BytesIO(), io.BytesIO()
        task.download_chunk(chunk, mine, quality="original")
        reference.download_chunk(chunk, theirs, quality="original")
        assert _chunk_frames(mine.getvalue()) == _chunk_frames(theirs.getvalue())
    frame_paths = task.download_frames([3, 20, 41], outdir=tmp_path / "frames")
    direct_paths = reference.download_frames([3, 20, 41], outdir=tmp_path / "frames-direct")
    assert [p.read_bytes() for p in frame_paths] == [p.read_bytes() for p in direct_paths]
    all_paths = task.download_frames(list(range(len(images))), outdir=tmp_path / "all")
    assert [p.read_bytes() for p in all_paths] == [p.read_bytes() for p in images]  # originals, byte for byte

    # annotations: replaced, added to, read back; nothing twice
    boxes = [
        models.LabeledShapeRequest(type="rectangle", frame=f, label_id=task.get_labels()[0].id, points=[f, 1, f + 2, 3])
        for f in range(len(images))
    ]
    task.set_annotations(models.LabeledDataRequest(shapes=boxes[:20]))
    task.update_annotations(models.PatchedLabeledDataRequest(shapes=boxes[20:]), action="create")
    assert sorted(s.frame for s in task.get_annotations().shapes) == list(range(len(images)))

    # export with images, backup and restore
    task.export_dataset("CVAT for images 1.1", tmp_path / "export.zip", include_images=True)
    exported = _images_of_export(tmp_path / "export.zip")
    assert sorted(exported.values()) == sorted(p.read_bytes() for p in images)
    task.download_backup(tmp_path / "backup.zip")
    restored = client.tasks.create_from_backup(tmp_path / "backup.zip")
    created.append(restored.id)
    assert restored.size == len(images)
    assert sorted(s.frame for s in direct.tasks.retrieve(restored.id).get_annotations().shapes) == list(
        range(len(images))
    )

    # datasets and auto-annotation
    dataset = TaskDataset(client, task.id)
    assert [len(s.annotations.shapes) for s in dataset.samples] == [1] * len(images)
    assert [s.media.load_image().size for s in dataset.samples[:3]] == [(32, 24)] * 3
    cvataa.annotate_task(client, task.id, OneBox(), clear_existing=True)
    assert sorted(s.frame for s in direct.tasks.retrieve(task.id).get_annotations().shapes) == list(range(len(images)))

    # the CLI
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVAT_") and k != "PASS"}
    env["PASS"] = credentials[1]
    p = subprocess.run(
        [sys.executable, "-m", "cvat_cli", "--server-host", proxy.url, "--auth", credentials[0]]
        + ["task", "frames", str(task.id), "0", "1", "40", "--outdir", str(tmp_path / "cli")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    assert [f.read_bytes() for f in sorted((tmp_path / "cli").iterdir())] == [
        images[i].read_bytes() for i in (0, 1, 40)
    ]
