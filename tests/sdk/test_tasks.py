"""Tasks against a real CVAT server (cassette replay unless live): the seed example and every Task method."""

from __future__ import annotations

import io
import zipfile

import pytest
from cvat_sdk import models
from cvat_sdk.core.exceptions import BackgroundRequestException, CvatSdkException
from cvat_sdk.core.proxies.annotations import AnnotationUpdateAction
from cvat_sdk.core.proxies.tasks import InvalidDataParamsError, ResourceType, Task, TaskCreationError
from cvat_sdk.core.transfers import OutputExistsError
from cvat_sdk.exceptions import ApiException, NotFoundException
from PIL import Image

from tests.sdk.fixtures import TASK_SPEC

pytestmark = pytest.mark.server


def test_seed_document_example(client, images) -> None:
    task = client.tasks.create_from_data(spec=TASK_SPEC, resource_type=ResourceType.LOCAL, resources=images[:2])
    assert isinstance(task, Task) and task.size == 2
    task.fetch()
    task2 = client.tasks.retrieve(task.id)
    task2.update({"name": "my task"})
    assert task2.name == "my task" and task.name == "sdk test task"  # local copies are independent
    task2.remove()
    with pytest.raises(NotFoundException):
        client.tasks.retrieve(task.id)
    assert task.name == "sdk test task"  # the local object stays as it was


def test_data_params_order_chunks_jobs_labels(client, images) -> None:
    order = [images[3], images[0], images[4], images[1], images[2]]
    task = client.tasks.create_from_data(
        {**TASK_SPEC, "name": "ordered", "segment_size": 2},
        order,
        data_params={"image_quality": 80, "sorting_method": "predefined", "chunk_size": 2},
    )
    try:
        assert [f.name for f in task.get_frames_info()] == [p.name for p in order]
        meta = task.get_meta()
        assert meta.chunk_size == 2 and meta.image_quality == 80 and meta.size == 5
        jobs = task.get_jobs()
        assert len(jobs) == 3 and sorted((j.start_frame, j.stop_frame) for j in jobs) == [(0, 1), (2, 3), (4, 4)]
        assert sorted(label.name for label in task.get_labels()) == ["car", "person"]
        assert task.data_chunk_size == 2 and task.image_quality == 80
    finally:
        task.remove()


def test_frames_previews_chunks_and_downloads(client, images, tmp_path) -> None:
    task = client.tasks.create_from_data({**TASK_SPEC, "name": "frames"}, images[:3], data_params={"chunk_size": 2})
    try:
        with Image.open(task.get_frame(0)) as im:  # default quality (the server's compressed frames)
            assert im.size == (64, 48)
        original = task.get_frame(1, quality="original").getvalue()
        assert original == images[1].read_bytes()  # original-quality frames are the uploaded bytes
        with Image.open(task.get_preview()) as im:
            assert im.format == "JPEG"
        chunk = io.BytesIO()
        task.download_chunk(0, chunk, quality="original")
        with zipfile.ZipFile(chunk) as z:
            assert len(z.namelist()) == 2
        paths = task.download_frames([2, 0], outdir=tmp_path / "frames", quality="original")
        assert [p.name for p in paths] == ["frame_000002.png", "frame_000000.png"]
        assert paths[0].read_bytes() == images[2].read_bytes()  # written as the server sent them
        with pytest.raises(OutputExistsError, match="frame_000000.png"):
            task.download_frames([0], outdir=tmp_path / "frames", quality="original")
        task.download_frames([0], outdir=tmp_path / "frames", quality="original", overwrite=True)
        (jpg,) = task.download_frames([1], outdir=tmp_path / "frames", image_extension="jpg")
        with Image.open(jpg) as im:
            assert im.format == "JPEG" and jpg.suffix == ".jpg"
    finally:
        task.remove()


def test_annotations_crud(client, images) -> None:
    task = client.tasks.create_from_data({**TASK_SPEC, "name": "annotations"}, images[:2])
    try:
        car = next(label for label in task.get_labels() if label.name == "car")
        spec_id = car.attributes[0].id
        shape = models.LabeledShapeRequest(
            type="rectangle",
            frame=0,
            label_id=car.id,
            points=[1, 2, 20, 30],
            attributes=[{"spec_id": spec_id, "value": "4"}],
        )
        task.set_annotations(models.LabeledDataRequest(shapes=[shape], tags=[{"frame": 1, "label_id": car.id}]))
        data = task.get_annotations()
        assert len(data.shapes) == 1 and len(data.tags) == 1 and data.shapes[0].points == [1, 2, 20, 30]
        created = data.shapes[0]
        task.update_annotations(
            {"shapes": [{**created.to_dict(), "points": [2, 3, 21, 31]}]}, action=AnnotationUpdateAction.UPDATE
        )
        task.update_annotations(
            {"shapes": [{"type": "polygon", "frame": 1, "label_id": car.id, "points": [0, 0, 5, 0, 5, 5]}]},
            action=AnnotationUpdateAction.CREATE,
        )
        data = task.get_annotations()
        assert sorted(s.points for s in data.shapes)[1] == [2, 3, 21, 31] and len(data.shapes) == 2
        task.remove_annotations(ids=[created.id])
        data = task.get_annotations()
        assert [str(s.type) for s in data.shapes] == ["polygon"] and len(data.tags) == 1
        task.remove_annotations()
        data = task.get_annotations()
        assert not data.shapes and not data.tags and not data.tracks
    finally:
        task.remove()


def test_export_import_and_backup_round_trip(client, images, tmp_path) -> None:
    task = client.tasks.create_from_data({**TASK_SPEC, "name": "export"}, images[:2])
    try:
        car = next(label for label in task.get_labels() if label.name == "car")
        task.set_annotations(
            {"shapes": [{"type": "rectangle", "frame": 0, "label_id": car.id, "points": [1, 1, 9, 9]}]}
        )
        dataset = tmp_path / "dataset.zip"
        task.export_dataset("CVAT for images 1.1", dataset, include_images=False)
        with zipfile.ZipFile(dataset) as z:
            assert "annotations.xml" in z.namelist()
        with pytest.raises(OutputExistsError):
            task.export_dataset("CVAT for images 1.1", dataset, include_images=False)
        task.remove_annotations()
        task.import_annotations("CVAT 1.1", dataset)
        assert len(task.get_annotations().shapes) == 1
        backup = tmp_path / "backup.zip"
        task.download_backup(backup)
        restored = client.tasks.create_from_backup(backup)
        try:
            assert restored.id != task.id and restored.size == 2 and restored.name == "export"
            assert len(restored.get_annotations().shapes) == 1
        finally:
            restored.remove()
    finally:
        task.remove()


def test_remove_frames_by_ids_accumulates(client, images) -> None:
    task = client.tasks.create_from_data({**TASK_SPEC, "name": "deleted frames"}, images[:4])
    try:
        task.remove_frames_by_ids([1])
        task.remove_frames_by_ids([3])
        assert task.get_meta().deleted_frames == [1, 3]
    finally:
        task.remove()


def test_bad_input_is_rejected_before_anything_is_created(client, images, tmp_path) -> None:
    before = {t.id for t in client.tasks.list()}
    with pytest.raises(FileNotFoundError, match="missing.png"):
        client.tasks.create_from_data(TASK_SPEC, [images[0], tmp_path / "missing.png"])
    with pytest.raises(InvalidDataParamsError, match="image_qualty"):
        client.tasks.create_from_data(TASK_SPEC, images[:1], data_params={"image_qualty": 50})
    with pytest.raises(CvatSdkException, match="project"):
        client.tasks.create_from_data({**TASK_SPEC, "project_id": 1}, images[:1])
    # the official SDK lets the server fail this ("No media data found"), leaving an empty task
    with pytest.raises(BackgroundRequestException, match="No media data found") as info:
        client.tasks.create_from_data(TASK_SPEC, [])
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, ApiException)  # what the official SDK 2.17 raised
    assert {t.id for t in client.tasks.list()} == before


def test_a_failed_data_step_reports_the_task_id(client) -> None:
    with pytest.raises(TaskCreationError) as info:
        client.tasks.create_from_data(
            {**TASK_SPEC, "name": "bad share"}, ["no/such/file.png"], resource_type=ResourceType.SHARE
        )
    assert info.value.step == "data upload" and str(info.value.task_id) in str(info.value)
    # what the official SDK raises for this failure still catches it
    assert isinstance(info.value, BackgroundRequestException)
    client.tasks.remove_by_ids([info.value.task_id])
    with pytest.raises(NotFoundException):
        client.tasks.retrieve(info.value.task_id)


def test_list_filters_and_remove_by_ids(client) -> None:
    a = client.tasks.create({"name": "filter-a", "labels": [{"name": "x"}]})
    b = client.tasks.create({"name": "filter-b", "labels": [{"name": "x"}]})
    try:
        found = client.tasks.list(search="filter-", sort="name")
        assert [t.name for t in found] == ["filter-a", "filter-b"]
        assert [t.id for t in client.tasks.list(filter='{"==":[{"var":"name"},"filter-b"]}')] == [b.id]
        assert [t.name for t in client.tasks.iterate(page_size=1, search="filter-", sort="name")] == [
            "filter-a",
            "filter-b",
        ]
    finally:
        client.tasks.remove_by_ids([a.id, b.id, b.id])  # an id already gone is skipped
    assert not client.tasks.list(search="filter-")


def test_imports_send_conv_mask_to_poly(client, images, tmp_path, monkeypatch) -> None:
    task = client.tasks.create_from_data({**TASK_SPEC, "name": "conv mask"}, images[:1])
    try:
        dataset = tmp_path / "a.zip"
        task.export_dataset("CVAT for images 1.1", dataset, include_images=False)
        sent: list[tuple[str, str, dict]] = []
        original = type(client.api_client).request

        def spy(self, method, url, **kwargs):
            sent.append((method, url, dict(kwargs.get("query_params") or {})))
            return original(self, method, url, **kwargs)

        monkeypatch.setattr(type(client.api_client), "request", spy)
        task.import_annotations("CVAT 1.1", dataset, conv_mask_to_poly=True)
        (job,) = task.get_jobs()
        job.import_annotations("CVAT 1.1", dataset, conv_mask_to_poly=False)
        brackets = [(m, url, p) for m, url, p in sent if url.endswith("/annotations/") and "format" in p]
        assert len(brackets) == 4  # start and finish, for the task and for the job
        assert [str(p["conv_mask_to_poly"]).lower() for _, _, p in brackets] == ["true", "true", "false", "false"]
    finally:
        task.remove()


def test_create_from_the_server_share(client) -> None:
    """Needs the images of tests/data/images in the server's share, under sdk-test/ (see docs/development.md, Testing)."""
    listing = client.api_client.server_api.list_share(directory="sdk-test/")[0]
    names = sorted(f.name for f in listing if f.name.endswith(".png"))[:3]
    assert names == ["img_0.png", "img_1.png", "img_2.png"]
    task = client.tasks.create_from_data(
        {**TASK_SPEC, "name": "from share"}, [f"sdk-test/{n}" for n in names], resource_type=ResourceType.SHARE
    )
    try:
        assert task.size == 3 and [f.name for f in task.get_frames_info()] == [f"sdk-test/{n}" for n in names]
    finally:
        task.remove()


def test_download_frames_fetches_whole_chunks_when_cheaper(client, images, tmp_path, monkeypatch) -> None:
    task = client.tasks.create_from_data(
        {**TASK_SPEC, "name": "chunked frames"}, images, data_params={"chunk_size": 2, "sorting_method": "predefined"}
    )
    try:
        kinds: list[str] = []
        original = type(task.api).retrieve_data

        def spy(api, *args, **kwargs):
            kinds.append(kwargs["type"])
            return original(api, *args, **kwargs)

        monkeypatch.setattr(type(task.api), "retrieve_data", spy)
        paths = task.download_frames([4, 0, 1, 3], outdir=tmp_path / "all")
        assert sorted(kinds) == ["chunk", "chunk", "chunk"]  # chunks 0, 1, 2 instead of 4 frames
        assert [p.read_bytes() for p in paths] == [images[i].read_bytes() for i in (4, 0, 1, 3)]
        kinds.clear()
        (single,) = task.download_frames([2], outdir=tmp_path / "one")
        assert kinds == ["frame"] and single.read_bytes() == images[2].read_bytes()
        kinds.clear()
        task.download_frames([0, 1], outdir=tmp_path / "compressed", quality="compressed")
        assert kinds == ["frame", "frame"]  # compressed frames are not the chunks' originals
    finally:
        task.remove()


def test_exports_into_a_folder_take_the_servers_file_name(client, images, tmp_path) -> None:
    task = client.tasks.create_from_data({**TASK_SPEC, "name": "folder export"}, images[:1])
    folder = tmp_path / "out"
    try:
        # a path ending in "/" is a folder, made on the way; an existing folder works the same
        dataset = task.export_dataset("CVAT for images 1.1", f"{folder}/", include_images=False)
        backup = task.download_backup(folder)
        assert dataset is not None and backup is not None
        assert dataset.parent == folder and backup.parent == folder and dataset != backup
        assert zipfile.is_zipfile(dataset) and zipfile.is_zipfile(backup)
        assert {p.name for p in folder.iterdir()} == {dataset.name, backup.name}  # no temp file left
        with pytest.raises(OutputExistsError):  # an existing file is never overwritten unasked
            task.download_backup(backup)
    finally:
        task.remove()
