"""Fixtures of the docs tests: the logged-in client of the server-facing SDK tests, and local IPC."""

from __future__ import annotations

import pytest

from tests.sdk.fixtures import client  # noqa: F401 - a fixture for the code block tests


@pytest.fixture
def allowed_hosts(allowed_hosts: list[str]) -> list[str]:
    """Also the Unix sockets of multiprocessing (a documented DataLoader has worker processes):
    local inter-process communication, not network."""
    return [*allowed_hosts, r".*/pymp-[^/]*/listener-[^/]*"]
