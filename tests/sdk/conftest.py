"""Shared fixtures of the transfer tests: the fake CVAT server and clients for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cvat_api
import pytest
from cvat_sdk.core.progress import ProgressReporter

from tests.sdk.fixtures import client, client2, images  # noqa: F401 - fixtures for the server-facing tests
from tests.sdk.transfer_server import FakeCvat


@pytest.fixture
def fake_cvat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeCvat]:
    """A fake CVAT upload/download server on 127.0.0.1 (see tests/sdk/transfer_server.py)."""
    server = FakeCvat(tmp_path_factory.mktemp("fake-cvat"))
    yield server
    server.close()


@pytest.fixture
def fake_cvat_client(fake_cvat: FakeCvat) -> Iterator[cvat_api.ApiClient]:
    """An ApiClient for the fake server (token auth, so no session cookies are involved)."""
    api_client = cvat_api.ApiClient(
        cvat_api.Configuration(host=fake_cvat.url, api_key={"tokenAuth": "test-token"}, retries=0)
    )
    yield api_client
    api_client.close()


@pytest.fixture
def make_files(tmp_path: Path) -> Callable[..., list[Path]]:
    """`make_files(sizes, prefix="f", suffix=".png")`: files of those sizes with distinct deterministic bytes."""
    counter = [0]

    def make(sizes: list[int], *, prefix: str = "f", suffix: str = ".png", folder: str = "in") -> list[Path]:
        directory = tmp_path / folder
        directory.mkdir(exist_ok=True)
        out = []
        for size in sizes:
            counter[0] += 1
            path = directory / f"{prefix}{counter[0]:04d}{suffix}"
            seed = counter[0].to_bytes(4, "big")
            block = (seed * 16384)[:65536]
            with open(path, "wb") as f:
                left = size
                while left > 0:
                    f.write(block[: min(left, len(block))])
                    left -= len(block)
            out.append(path)
        return out

    return make


class RecordingProgress(ProgressReporter):
    """Records what a transfer reported."""

    def __init__(self) -> None:
        self.starts: list[dict[str, Any]] = []
        self.advanced = 0
        self.finished = 0

    def start2(self, total: int, **kwargs: Any) -> None:
        self.starts.append({"total": total, **kwargs})

    def advance(self, delta: int) -> None:
        self.advanced += delta

    def finish(self) -> None:
        self.finished += 1


@pytest.fixture
def recording_progress() -> RecordingProgress:
    return RecordingProgress()
