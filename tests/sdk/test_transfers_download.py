"""Downloads against the fake server: atomic placement, existing targets, errors, progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from cvat_api.exceptions import NotFoundException
from cvat_sdk.core.transfers import Downloader, DownloadError, OutputExistsError, TransferError, TransferSettings

from tests.sdk.transfer_server import FakeCvat

DATA = bytes(range(256)) * 5000


@pytest.fixture
def served(fake_cvat: FakeCvat) -> bytes:
    fake_cvat.files["f.bin"] = DATA
    return DATA


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_download_writes_the_exact_bytes_and_leaves_no_temp_file(
    fake_cvat: FakeCvat, fake_cvat_client, served, tmp_path, recording_progress
) -> None:
    target = tmp_path / "out.bin"
    result = Downloader(fake_cvat_client).download_file("/files/f.bin", target, pbar=recording_progress)
    assert result == target and target.read_bytes() == served
    assert _files(tmp_path) == ["out.bin"]
    (get,) = fake_cvat.of_kind("get")
    assert get.headers["authorization"] == "Token test-token"  # the client's auth is used
    assert get.headers["accept-encoding"] == "identity"  # so Content-Length is the file's length
    assert recording_progress.starts[0]["total"] == len(served) and recording_progress.starts[0]["unit"] == "B"
    assert recording_progress.advanced == len(served) and recording_progress.finished == 1


def test_download_accepts_an_absolute_url_and_a_str_path(
    fake_cvat: FakeCvat, fake_cvat_client, served, tmp_path
) -> None:
    result = Downloader(fake_cvat_client).download_file(fake_cvat.url + "/files/f.bin", str(tmp_path / "x.bin"))
    assert isinstance(result, Path) and result.read_bytes() == served


def test_an_existing_target_is_refused_before_any_request(
    fake_cvat: FakeCvat, fake_cvat_client, served, tmp_path
) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"mine")
    with pytest.raises(OutputExistsError) as info:
        Downloader(fake_cvat_client).download_file("/files/f.bin", target)
    assert isinstance(info.value, FileExistsError) and isinstance(info.value, TransferError)
    assert str(target) in str(info.value) and "overwrite=True" in str(info.value)
    assert info.value.filename == str(target)
    assert target.read_bytes() == b"mine" and fake_cvat.seen == []


def test_overwrite_replaces_an_existing_target(fake_cvat: FakeCvat, fake_cvat_client, served, tmp_path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"mine")
    Downloader(fake_cvat_client).download_file("/files/f.bin", target, overwrite=True)
    assert target.read_bytes() == served and _files(tmp_path) == ["out.bin"]


def test_a_target_created_during_the_download_is_not_clobbered(
    fake_cvat: FakeCvat, fake_cvat_client, served, tmp_path
) -> None:
    target = tmp_path / "out.bin"

    def appear(seen) -> bool:
        target.write_bytes(b"someone else's")
        return False

    fake_cvat.fault("get", "status", where=appear)
    with pytest.raises(OutputExistsError):
        Downloader(fake_cvat_client).download_file("/files/f.bin", target)
    assert target.read_bytes() == b"someone else's" and _files(tmp_path) == ["out.bin"]


def test_an_error_status_raises_a_download_error_naming_the_target(
    fake_cvat: FakeCvat, fake_cvat_client, tmp_path
) -> None:
    target = tmp_path / "out.bin"
    with pytest.raises(DownloadError) as info:
        Downloader(fake_cvat_client).download_file("/files/missing.bin", target)
    assert str(target) in str(info.value) and "404" in str(info.value)
    assert isinstance(info.value.__cause__, NotFoundException)
    assert _files(tmp_path) == [] and len(fake_cvat.of_kind("get")) == 1  # not retried


def test_a_folder_target_needs_the_servers_file_name(fake_cvat_client, served, tmp_path) -> None:
    """Into a folder, the file takes the name the server gives; this server gives none (the real
    server's answer is in tests/sdk/test_tasks.py::test_exports_into_a_folder_take_the_servers_file_name)."""
    with pytest.raises(DownloadError, match="gave no file name"):
        Downloader(fake_cvat_client).download_file("/files/f.bin", tmp_path)
    assert _files(tmp_path) == []  # nothing left behind


def test_a_path_ending_in_a_separator_is_a_folder_made_for_the_download(fake_cvat_client, served, tmp_path) -> None:
    """A path like "exports/" means a folder, never a file named "exports"."""
    with pytest.raises(DownloadError, match="gave no file name"):
        Downloader(fake_cvat_client).download_file("/files/f.bin", f"{tmp_path}/exports/")
    assert (tmp_path / "exports").is_dir() and _files(tmp_path / "exports") == []


def test_an_unreachable_server_fails_after_the_retries(tmp_path) -> None:
    import socket

    import cvat_api

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with cvat_api.ApiClient(cvat_api.Configuration(host=f"http://127.0.0.1:{port}")) as client:
        settings = TransferSettings(max_retries=2, backoff_base=0.01, backoff_max=0.02)
        with pytest.raises(DownloadError, match="after 2 retries") as info:
            Downloader(client, settings).download_file("/files/f.bin", tmp_path / "o.bin")
    assert info.value.filename == str(tmp_path / "o.bin") and _files(tmp_path) == []


def test_transfers_follow_the_clients_retry_policy(fake_cvat: FakeCvat, fake_cvat_client, served, tmp_path) -> None:
    import cvat_api

    fake_cvat_client.configuration.retries = cvat_api.RetryPolicy(max_retries=1, backoff_base=0.001, backoff_max=0.001)
    fake_cvat.fault("get", "status", status=503, times=2)
    with pytest.raises(DownloadError, match="after 1 retries"):
        Downloader(fake_cvat_client).download_file("/files/f.bin", tmp_path / "o.bin")
    assert len(fake_cvat.of_kind("get")) == 2
    # settings given to the transfer override the policy's
    fake_cvat.fault("get", "status", status=503, times=2)
    settings = TransferSettings(max_retries=2, backoff_base=0.001, backoff_max=0.001)
    assert Downloader(fake_cvat_client, settings).download_file("/files/f.bin", tmp_path / "o.bin").exists()


def test_transfers_honour_a_retry_after_date(fake_cvat: FakeCvat, fake_cvat_client, served, tmp_path) -> None:
    import email.utils
    import time

    settings = TransferSettings(max_retries=2, backoff_base=0.001, backoff_max=0.002)
    when = email.utils.formatdate(time.time() + 1.5, usegmt=True)  # whole seconds: 0.5 to 1.5 s away
    fake_cvat.fault("get", "status", status=503, headers={"Retry-After": when})
    Downloader(fake_cvat_client, settings).download_file("/files/f.bin", tmp_path / "o.bin")
    first, second = fake_cvat.of_kind("get")
    assert second.time - first.time >= 0.4
