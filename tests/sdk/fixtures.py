"""Fixtures for server-facing SDK tests: a logged-in Client and small local media files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cvat_sdk import Client, Config, make_client

from tests.conftest import REPO_ROOT

IMAGES = REPO_ROOT / "tests" / "data" / "images"


@pytest.fixture
def client(cvat_server, tmp_path) -> Iterator[Client]:
    """An SDK client logged in as the admin test user (logs out at the end)."""
    c = make_client(cvat_server.url, credentials=cvat_server.credentials)
    c.config.cache_dir = tmp_path / "cache"
    if cvat_server.mode == "record":
        # vcrpy drops requests that other threads send while one is being recorded
        c.config.max_parallel_transfers = 1
    with c:
        yield c


@pytest.fixture
def client2(cvat_server) -> Iterator[Client]:
    """An SDK client logged in as the second, non-admin test user."""
    c = Client(cvat_server.url, config=Config())
    c.login(cvat_server.credentials2)
    with c:
        yield c


@pytest.fixture
def images(tmp_path) -> list[Path]:
    """Five tiny PNGs, copied into a temporary folder (names img_0.png ... img_4.png)."""
    out = tmp_path / "images"
    out.mkdir()
    return [Path(shutil.copy(p, out / p.name)) for p in sorted(IMAGES.glob("img_*.png"))]


TASK_SPEC = {
    "name": "sdk test task",
    "labels": [
        {
            "name": "car",
            "color": "#ff00ff",
            "attributes": [
                {"name": "a", "mutable": True, "input_type": "number", "default_value": "5", "values": ["4", "5", "6"]}
            ],
        },
        {"name": "person"},
    ],
}
