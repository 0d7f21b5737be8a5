"""Fixtures of the ML tests: the SDK client, small images, and tasks made for one test."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from cvat_sdk import Client
from cvat_sdk.core.proxies.tasks import Task

from tests.sdk.fixtures import client, images  # noqa: F401 - fixtures for the server-facing tests

LABELS: list[dict[str, Any]] = [
    {
        "name": "car",
        "attributes": [
            {
                "name": "size",
                "mutable": False,
                "input_type": "number",
                "values": ["0", "10", "1"],
                "default_value": "0",
            },
            {
                "name": "color",
                "mutable": True,
                "input_type": "select",
                "values": ["red", "blue"],
                "default_value": "red",
            },
        ],
    },
    {"name": "person", "type": "rectangle"},
    {
        "name": "hand",
        "type": "skeleton",
        "sublabels": [{"name": "thumb", "type": "points"}, {"name": "finger", "type": "points"}],
        "svg": "",
    },
]

MakeTask = Callable[..., Task]


@pytest.fixture
def allowed_hosts(allowed_hosts: list[str]) -> list[str]:
    """Also local unix sockets: DataLoader worker processes talk to the main one over them."""
    return [*allowed_hosts, "/", "\x00"]


@pytest.fixture
def make_task(client: Client) -> Iterator[MakeTask]:  # noqa: F811 - the fixture imported above
    """`make_task(name, files, labels=LABELS, chunk_size=2, **spec)`: a task removed after the test."""
    made: list[Task] = []

    def make(
        name: str,
        files: Sequence[Path],
        *,
        labels: list[dict[str, Any]] | None = None,
        chunk_size: int = 2,
        **spec: Any,
    ) -> Task:
        full_spec = {"name": f"ml-{name}", **spec}
        if "project_id" not in spec:
            full_spec["labels"] = LABELS if labels is None else labels
        task = client.tasks.create_from_data(full_spec, list(files), data_params={"chunk_size": chunk_size})
        made.append(task)
        return task

    yield make
    for task in made:
        try:
            task.remove()
        except Exception:  # noqa: S110 - cleanup of what the test may already have removed
            pass


def labels_by_name(task: Task) -> dict[str, Any]:
    return {label.name: label for label in task.get_labels()}
