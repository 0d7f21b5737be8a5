"""Fixtures for the cvat-api runtime tests: clients of the scripted server (tests/fakeserver.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import cvat_api
import pytest

from tests.fakeserver import ScriptedServer


def _tiny_retries(max_retries: int = 3, **kwargs: Any) -> cvat_api.RetryPolicy:
    return cvat_api.RetryPolicy(max_retries=max_retries, backoff_base=0.001, backoff_max=0.01, **kwargs)


@pytest.fixture
def tiny_retries() -> Callable[..., cvat_api.RetryPolicy]:
    """A RetryPolicy factory with millisecond backoff."""
    return _tiny_retries


@pytest.fixture
def make_client(scripted: ScriptedServer) -> Iterator[Callable[..., cvat_api.ApiClient]]:
    """Build ApiClients for the scripted server (tiny retry delays unless `retries` is given)."""
    clients: list[cvat_api.ApiClient] = []

    def make(**config: Any) -> cvat_api.ApiClient:
        config.setdefault("host", scripted.url)
        config.setdefault("retries", _tiny_retries())
        client = cvat_api.ApiClient(cvat_api.Configuration(**config))
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def client(make_client: Callable[..., cvat_api.ApiClient]) -> cvat_api.ApiClient:
    return make_client()
