"""TaskDataset against a real CVAT server (cassette replay unless live): samples, the cache, offline use."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests
from cvat_sdk.core.transfers import downloads
from cvat_sdk.datasets import (
    MediaDownloadPolicy,
    TaskDataset,
    UnsupportedDatasetError,
    UpdatePolicy,
)
from cvat_sdk.datasets.caching import make_cache_manager
from PIL import Image

from tests.ml.conftest import labels_by_name

pytestmark = pytest.mark.server


def annotate(task: Any) -> None:
    """A tag on frame 0, shapes on frames 1 and 3, and a rectangle track over frames 0..2."""
    labels = labels_by_name(task)
    car, person = labels["car"].id, labels["person"].id
    task.update_annotations(
        {
            "tags": [{"frame": 0, "label_id": car}],
            "shapes": [
                {"type": "rectangle", "frame": 1, "label_id": person, "points": [1, 2, 3, 4]},
                {"type": "polygon", "frame": 3, "label_id": car, "points": [0, 0, 5, 0, 5, 5]},
            ],
            "tracks": [
                {
                    "frame": 0,
                    "label_id": person,
                    "shapes": [
                        {"type": "rectangle", "frame": 0, "points": [0, 0, 10, 10]},
                        {"type": "rectangle", "frame": 2, "points": [10, 10, 20, 20]},
                        {"type": "rectangle", "frame": 3, "points": [10, 10, 20, 20], "outside": True},
                    ],
                }
            ],
        },
        action="create",
    )


class DownloadSpy:
    """Records the chunk and annotation downloads (GETs) the client sends."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.urls: list[str] = []
        original = requests.Session.send

        def spy(session: Any, request: Any, **kwargs: Any) -> Any:
            if request.method == "GET":
                self.urls.append(request.url)
            return original(session, request, **kwargs)

        monkeypatch.setattr(requests.Session, "send", spy)

    def chunks(self) -> list[int]:
        return sorted(int(u.split("number=")[1].split("&")[0]) for u in self.urls if "type=chunk" in u)

    def annotations(self) -> int:
        return sum("/annotations" in u for u in self.urls)

    def clear(self) -> None:
        self.urls.clear()


def same_pixels(image: Image.Image, path: Path) -> bool:
    with Image.open(path) as expected:
        return image.size == expected.size and np.array_equal(
            np.asarray(image.convert("RGB")), np.asarray(expected.convert("RGB"))
        )


def test_samples_annotations_deleted_frames_and_cache_reuse(client, images, make_task, monkeypatch) -> None:
    task = make_task("dataset", images)
    annotate(task)
    task.remove_frames_by_ids([3])
    spy = DownloadSpy(monkeypatch)

    dataset = TaskDataset(client, task.id)
    assert sorted(label.name for label in dataset.labels) == ["car", "hand", "person"]
    assert [s.frame_index for s in dataset.samples] == [0, 1, 2, 4]
    assert [s.frame_name for s in dataset.samples] == ["img_0.png", "img_1.png", "img_2.png", "img_4.png"]
    for sample in dataset.samples:
        assert same_pixels(sample.media.load_image(), images[sample.frame_index])
    by_frame = {s.frame_index: s.annotations for s in dataset.samples}
    assert [len(by_frame[i].tags) for i in (0, 1, 2, 4)] == [1, 0, 0, 0]
    assert [[str(x.type) for x in by_frame[i].shapes] for i in (0, 1, 2, 4)] == [[], ["rectangle"], [], []]
    assert spy.chunks() == [0, 1, 2] and spy.annotations() == 1

    spy.clear()
    again = TaskDataset(client, task.id, include_tracks=True)  # nothing changed: only the task and labels are asked
    assert spy.chunks() == [] and spy.annotations() == 0 and len(spy.urls) == 2
    assert not any("/data/meta" in u for u in spy.urls)
    tracked = {
        s.frame_index: [(x.points, x.get("keyframe")) for x in s.annotations.shapes if x.get("track_id")]
        for s in again.samples
    }
    assert tracked == {0: [([0, 0, 10, 10], True)], 1: [([5, 5, 15, 15], False)], 2: [([10, 10, 20, 20], True)], 4: []}

    bare = TaskDataset(client, task.id, load_annotations=False)
    assert all(s.annotations is None for s in bare.samples)

    copy = pickle.loads(pickle.dumps(dataset))  # e.g. for worker processes: no client needed after this
    assert same_pixels(copy.samples[3].media.load_image(), images[4])
    assert copy.samples[1].annotations.shapes[0].points == [1, 2, 3, 4]


def test_offline_mode_uses_no_network(client, images, make_task, monkeypatch) -> None:
    task = make_task("offline", images[:3])
    annotate(task)
    online = TaskDataset(client, task.id)

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("UpdatePolicy.NEVER sent a request")

    with monkeypatch.context() as offline_only:
        offline_only.setattr(requests.Session, "send", no_network)
        offline = TaskDataset(client, task.id, update_policy=UpdatePolicy.NEVER)
        assert [s.frame_index for s in offline.samples] == [s.frame_index for s in online.samples] == [0, 1, 2]
        assert [label.id for label in offline.labels] == [label.id for label in online.labels]
        assert same_pixels(offline.samples[2].media.load_image(), images[2])
        assert offline.samples[1].annotations.shapes[0].points == [1, 2, 3, 4]

        with pytest.raises(ValueError, match="FETCH_FRAMES_ON_DEMAND"):
            TaskDataset(
                client,
                task.id,
                update_policy=UpdatePolicy.NEVER,
                media_download_policy=MediaDownloadPolicy.FETCH_FRAMES_ON_DEMAND,
            )
        with pytest.raises(FileNotFoundError, match=f"Task {task.id + 100000} is not cached"):
            TaskDataset(client, task.id + 100000, update_policy=UpdatePolicy.NEVER)
        chunk = make_cache_manager(client, UpdatePolicy.NEVER).chunk_dir(task.id) / "1.zip"
        chunk.unlink()
        with pytest.raises(FileNotFoundError, match=f"Chunk 1 of task {task.id} is not cached"):
            TaskDataset(client, task.id, update_policy=UpdatePolicy.NEVER)


def test_cache_refreshes_what_changed_on_the_server(client, images, make_task, monkeypatch) -> None:
    task = make_task("refresh", images[:3])
    first = TaskDataset(client, task.id)
    assert all(not s.annotations.shapes for s in first.samples)
    spy = DownloadSpy(monkeypatch)

    annotate(task)  # the task's updated_date moves on: the annotations are fetched again, the chunks kept
    second = TaskDataset(client, task.id)
    assert second.samples[1].annotations.shapes[0].points == [1, 2, 3, 4]
    assert spy.annotations() == 1 and spy.chunks() == []

    # the cache is from before the server's chunks changed: once the task is newer than the
    # cached one, the data meta is fetched again, and its chunks_updated_date drops the chunks
    cache = make_cache_manager(client, UpdatePolicy.IF_MISSING_OR_STALE)
    for name, key in (("data_meta.json", None), ("task.json", "model")):
        path = cache.task_dir(task.id) / name
        cached = json.loads(path.read_text())
        (cached[key] if key else cached)["chunks_updated_date" if key is None else "updated_date"] = (
            "2000-01-01T00:00:00Z"
        )
        path.write_text(json.dumps(cached))
    spy.clear()
    third = TaskDataset(client, task.id)
    assert spy.chunks() == [0, 1] and spy.annotations() == 1
    assert any("/data/meta" in u for u in spy.urls)
    assert same_pixels(third.samples[2].media.load_image(), images[2])

    # the same old chunks date with a current task: the cached data meta is trusted, nothing is fetched
    meta_path = cache.task_dir(task.id) / "data_meta.json"
    meta = json.loads(meta_path.read_text())
    meta["chunks_updated_date"] = "2000-01-01T00:00:00Z"
    meta_path.write_text(json.dumps(meta))
    spy.clear()
    TaskDataset(client, task.id)
    assert spy.chunks() == [] and spy.annotations() == 0 and len(spy.urls) == 2


def test_interrupted_downloads_leave_nothing_that_is_trusted(client, images, make_task, monkeypatch) -> None:
    task = make_task("interrupted", images[:3])
    cache = make_cache_manager(client, UpdatePolicy.IF_MISSING_OR_STALE)
    original_copy = downloads._Download._copy

    def killed(this: Any, response: Any) -> None:
        if "number=1" in this._url:
            this._sink.write(b"PK\x03\x04 half a zip")
            raise KeyboardInterrupt  # the process is stopped in the middle of a chunk
        original_copy(this, response)

    monkeypatch.setattr(downloads._Download, "_copy", killed)
    with pytest.raises(KeyboardInterrupt):
        TaskDataset(client, task.id)
    chunk_dir = cache.chunk_dir(task.id)
    assert not (chunk_dir / "1.zip").exists()
    assert [p.name for p in chunk_dir.iterdir() if p.name.startswith(".")] == []  # no partial file left

    monkeypatch.setattr(downloads._Download, "_copy", original_copy)
    task_dir = cache.task_dir(task.id)
    (task_dir / "annotations.json").write_text('{"version": 0, "tags": [')  # a damaged file is not trusted
    stale = chunk_dir / ".1.zip.0badf00d.part"
    stale.write_bytes(b"left by a killed process")
    os.utime(stale, (1_000_000_000, 1_000_000_000))
    dataset = TaskDataset(client, task.id)
    assert same_pixels(dataset.samples[1].media.load_image(), images[1])
    assert not stale.exists()
    assert dataset.samples[0].annotations.shapes == []


def test_fetch_frames_on_demand(client, images, make_task) -> None:
    task = make_task("on-demand", images[:2])
    dataset = TaskDataset(client, task.id, media_download_policy=MediaDownloadPolicy.FETCH_FRAMES_ON_DEMAND)
    assert same_pixels(dataset.samples[1].media.load_image(), images[1])
    assert not make_cache_manager(client, UpdatePolicy.NEVER).chunk_dir(task.id).exists()
    with pytest.raises(TypeError, match="can't be pickled"):
        pickle.dumps(dataset)


def test_task_without_data(client) -> None:
    task = client.tasks.create({"name": "ml-no-data", "labels": [{"name": "car"}]})
    try:
        with pytest.raises(UnsupportedDatasetError, match="The task has no data"):
            TaskDataset(client, task.id)
    finally:
        task.remove()


def make_video(path: Path, colors: list[tuple[int, int, int]]) -> Path:
    av = pytest.importorskip("av", reason="PyAV encodes the test video (pip install av)")
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.options = {"crf": "0"}
        for color in colors:
            frame = np.zeros((48, 64, 3), np.uint8)
            frame[:] = color
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


VIDEO_COLORS = [(i * 25, 255 - i * 25, 128) for i in range(10)]


def test_video_task(client, make_task, tmp_path) -> None:
    pytest.importorskip("av", reason="decoding video chunks needs PyAV (pip install av)")
    video = make_video(tmp_path / "ml-video.mp4", VIDEO_COLORS)
    task = make_task("video", [video], chunk_size=4)
    assert str(task.data_original_chunk_type) == "video"
    dataset = TaskDataset(client, task.id)
    assert [s.frame_index for s in dataset.samples] == list(range(10))
    assert {s.frame_name for s in dataset.samples} == {"ml-video.mp4"}
    for sample in reversed(dataset.samples):  # out of order: chunks are decoded as needed
        image = sample.media.load_image()
        assert image.size == (64, 48)
        mean = np.asarray(image).reshape(-1, 3).mean(axis=0)
        assert np.abs(mean - VIDEO_COLORS[sample.frame_index]).max() < 4
    offline = pickle.loads(pickle.dumps(TaskDataset(client, task.id, update_policy=UpdatePolicy.NEVER)))
    assert np.abs(np.asarray(offline.samples[5].media.load_image()).reshape(-1, 3).mean(0) - VIDEO_COLORS[5]).max() < 4
