"""`cvat_sdk.core.uploading` / `downloading`: the official classes work on the transfer engine, and
the knobs callers set on them (`Uploader._CHUNK_SIZE`) and observe (`_MyTusUploader._do_request`)
act on every upload."""

from __future__ import annotations

import math

import pytest
from cvat_sdk import Client
from cvat_sdk.core.downloading import Downloader
from cvat_sdk.core.transfers import OutputExistsError, UploadError
from cvat_sdk.core.uploading import DataUploader, Uploader, _MyTusUploader

from tests.sdk.transfer_server import STATUS, FakeCvat


@pytest.fixture
def client(fake_cvat: FakeCvat):
    client = Client(fake_cvat.url, check_server_version=False)
    client.api_client.configuration.api_key["tokenAuth"] = "test-token"
    yield client
    client.close()


def test_chunk_size_and_chunk_requests(fake_cvat: FakeCvat, client, make_files, monkeypatch) -> None:
    (path,) = make_files([1000], suffix=".zip")
    monkeypatch.setattr(Uploader, "_CHUNK_SIZE", 100)
    calls = 0
    original = _MyTusUploader._do_request

    def counting(uploader):
        nonlocal calls
        calls += 1
        return original(uploader)

    monkeypatch.setattr(_MyTusUploader, "_do_request", counting)
    url = "/api/tasks/backup/"
    params: dict = {}
    response = Uploader(client).upload_file(url, path, meta={"filename": path.name}, query_params=params)
    assert response.status == 202
    assert calls == math.ceil(1000 / 100) == len(fake_cvat.of_kind("patch"))
    assert params["filename"] in fake_cvat.endpoint(url).stored  # the server's name, as the official sets it
    assert fake_cvat.endpoint(url).content(params["filename"]) == path.read_bytes()


@pytest.mark.parametrize("wrapper_returns", ["nothing", "its own value"])
def test_a_failed_chunk_request_fails_whatever_a_wrapper_returns(
    fake_cvat: FakeCvat, client, make_files, monkeypatch, wrapper_returns: str
) -> None:
    """CVAT's own suite wraps `_do_request` and drops what it returns: a PATCH the server refuses
    (500, not retried) still fails the upload, at once, instead of passing as sent."""
    (path,) = make_files([1000], suffix=".zip")
    monkeypatch.setattr(Uploader, "_CHUNK_SIZE", 100)
    fake_cvat.fault("patch", STATUS, status=500, times=1000)
    calls = 0
    original = _MyTusUploader._do_request

    def wrapper(uploader):
        nonlocal calls
        calls += 1
        if calls > 20:
            raise AssertionError("the same chunk is sent again and again")
        result = original(uploader)
        return None if wrapper_returns == "nothing" else result

    monkeypatch.setattr(_MyTusUploader, "_do_request", wrapper)
    with pytest.raises(UploadError, match="500"):
        Uploader(client).upload_file("/api/tasks/backup/", path, meta={"filename": path.name}, query_params={})
    assert calls == 1


def test_chunks_retried_under_a_wrapper_land_once(fake_cvat: FakeCvat, client, make_files, monkeypatch) -> None:
    (path,) = make_files([1000], suffix=".zip")
    monkeypatch.setattr(Uploader, "_CHUNK_SIZE", 100)
    fake_cvat.fault("patch", STATUS, status=503, times=2)
    original = _MyTusUploader._do_request
    monkeypatch.setattr(_MyTusUploader, "_do_request", lambda uploader: original(uploader) and None)
    params: dict = {}
    Uploader(client).upload_file("/api/tasks/backup/", path, meta={"filename": path.name}, query_params=params)
    assert fake_cvat.endpoint("/api/tasks/backup/").content(params["filename"]) == path.read_bytes()
    assert len(fake_cvat.of_kind("patch")) == 10 + 2


def test_data_uploader_uploads_and_finishes_with_the_data_params(fake_cvat: FakeCvat, client, make_files) -> None:
    files = make_files([10, 20, 30])
    url = "/api/tasks/7/data/"
    response = DataUploader(client).upload_files(url, files, image_quality=75, sorting_method="predefined")
    assert response.status == 202
    finish = fake_cvat.of_kind("finish")[0]
    assert finish.json["image_quality"] == 75
    assert finish.json["upload_file_order"] == [f.name for f in files]
    assert sorted(fake_cvat.endpoint(url).stored) == sorted(f.name for f in files)


def test_downloader_writes_the_file_and_never_overwrites(fake_cvat: FakeCvat, client, tmp_path) -> None:
    fake_cvat.files["/api/x/file.bin"] = b"payload" * 1000
    target = tmp_path / "out.bin"
    Downloader(client).download_file(f"{fake_cvat.url}/api/x/file.bin", target)
    assert target.read_bytes() == b"payload" * 1000
    with pytest.raises(OutputExistsError):
        Downloader(client).download_file(f"{fake_cvat.url}/api/x/file.bin", target)
