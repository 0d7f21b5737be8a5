"""Every SDK read path whose body is read after the call returns survives a body cut mid-way:
frames, chunks, previews, annotations (through FaultProxy in front of FakeTaskServer)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import cvat_api
import pytest
from cvat_sdk import Client, Config

from tests.faultproxy import FaultProxy
from tests.sdk.fake_task_server import FakeTaskServer

FAST_RETRIES = cvat_api.RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.01)


def cut_first(method: str, target: str, occurrence: int) -> str | None:
    """Cut the first answer to every GET of task media or annotations mid-body."""
    media = "/data?" in target or "/data/?" in target or "/preview" in target or "/annotations" in target
    return "cut" if method == "GET" and media and occurrence == 0 else None


@pytest.fixture
def fake_task() -> Iterator[FakeTaskServer]:
    server = FakeTaskServer(frames=12, chunk_size=4)
    yield server
    server.close()


@pytest.fixture
def proxy(fake_task: FakeTaskServer) -> Iterator[FaultProxy]:
    with FaultProxy(fake_task.url, cut_first) as p:
        yield p


@pytest.fixture
def client(proxy: FaultProxy) -> Iterator[Client]:
    with Client(proxy.url, config=Config(max_parallel_transfers=2)) as c:
        c.api_client.configuration.retries = FAST_RETRIES
        yield c


def _cuts(proxy: FaultProxy) -> int:
    return proxy.fault_counts()["cut"]


def test_get_frame_survives_a_cut_body(client, proxy, fake_task) -> None:
    task = client.tasks.retrieve(1)
    assert task.get_frame(5).getvalue() == fake_task.frames[5]
    assert _cuts(proxy) == 1


def test_get_preview_survives_a_cut_body(client, proxy, fake_task) -> None:
    assert client.tasks.retrieve(1).get_preview().getvalue() == fake_task.preview
    assert _cuts(proxy) == 1


def test_download_chunk_survives_a_cut_body(client, proxy, fake_task) -> None:
    out = io.BytesIO()
    client.tasks.retrieve(1).download_chunk(1, out, quality="original")
    assert out.getvalue() == fake_task.chunk(1)
    with zipfile.ZipFile(out) as archive:
        assert [archive.read(m) for m in archive.infolist()] == fake_task.frames[4:8]
    assert _cuts(proxy) == 1


@pytest.mark.parametrize("frame_ids", [[0, 3, 7], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]], ids=["frames", "chunks"])
def test_download_frames_survives_cut_bodies(client, proxy, fake_task, tmp_path, frame_ids) -> None:
    paths = client.tasks.retrieve(1).download_frames(frame_ids, outdir=tmp_path)
    assert [p.read_bytes() for p in paths] == [fake_task.frames[i] for i in frame_ids]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)  # no temp files left
    kinds = {"chunk" if "type=chunk" in t else "frame" for f, m, t in proxy.faults if f == "cut"}
    assert kinds == ({"frame"} if len(frame_ids) == 3 else {"chunk"})
    assert _cuts(proxy) == 3  # three frames, or three chunks, each cut once


def test_annotations_read_later_survive_a_cut_body(client, proxy, fake_task) -> None:
    shapes = [{"type": "rectangle", "frame": i, "label_id": 1, "points": [1, 2, 3, 4]} for i in range(50)]
    fake_task.store({"shapes": shapes}, replace=True)
    # as the dataset cache reads them: the body after the call returns
    _, response = client.api_client.tasks_api.retrieve_annotations(1, _parse_response=False)
    assert [s["frame"] for s in response.json()["shapes"]] == list(range(50))
    assert client.tasks.retrieve(1).get_annotations().shapes[49].frame == 49
    assert _cuts(proxy) == 1


@pytest.mark.parametrize("frame_ids", [[2], [0, 1, 2, 3]], ids=["frames", "chunks"])
def test_download_frames_never_replaces_a_file_created_while_it_runs(
    client, fake_task, tmp_path, monkeypatch, frame_ids
) -> None:
    from cvat_sdk.core import utils
    from cvat_sdk.core.transfers import OutputExistsError

    place_file = utils.place_file
    appeared = []

    def appear_then_place(tmp, target, *, overwrite):  # between the checks and the placement
        if "000002" in target.name and not target.exists():
            target.write_bytes(b"someone else's")
            appeared.append(target)
        place_file(tmp, target, overwrite=overwrite)

    monkeypatch.setattr(utils, "place_file", appear_then_place)
    with pytest.raises(OutputExistsError) as info:
        client.tasks.retrieve(1).download_frames(frame_ids, outdir=tmp_path)
    (target,) = appeared
    assert info.value.filename == str(target)
    assert target.read_bytes() == b"someone else's"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left
    # with overwrite=True the file is replaced
    monkeypatch.setattr(utils, "place_file", place_file)
    client.tasks.retrieve(1).download_frames(frame_ids, outdir=tmp_path, overwrite=True)
    assert target.read_bytes() == fake_task.frames[2]
