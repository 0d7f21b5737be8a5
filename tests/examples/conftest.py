"""Fixtures of the example tests: each example module loaded from its file, and tasks to run them on."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cvat_sdk import Client
from cvat_sdk.core.proxies.tasks import Task

from tests.conftest import REPO_ROOT
from tests.sdk.fixtures import client, images  # noqa: F401 - fixtures for the server-facing tests

EXAMPLES = REPO_ROOT / "examples"
SQUARE_LABELS: list[dict[str, Any]] = [
    {"name": "square", "type": "rectangle"},
    {"name": "background", "type": "tag"},
]


def load_example(file_name: str) -> ModuleType:
    """The example `examples/<file_name>` imported as a module (its `__main__` block not run)."""
    path = EXAMPLES / file_name
    name = "examples_" + path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


MakeTask = Callable[..., Task]


@pytest.fixture
def make_task(client: Client, images: list[Path]) -> Iterator[MakeTask]:  # noqa: F811 - the fixtures imported above
    """`make_task(name, count=3, labels=SQUARE_LABELS)`: a task of the first `count` test images,
    removed after the test."""
    made: list[Task] = []

    def make(name: str, count: int = 3, labels: Sequence[dict[str, Any]] = SQUARE_LABELS) -> Task:
        task = client.tasks.create_from_data({"name": f"examples-{name}", "labels": list(labels)}, images[:count])
        made.append(task)
        return task

    yield make
    for task in made:
        try:
            task.remove()
        except Exception:  # noqa: S110 - cleanup of what the test may already have removed
            pass
