"""Typed usage that must NOT type-check (each line is a mistake mypy has to catch)."""

from __future__ import annotations

from cvat_sdk import Client


def use(client: Client) -> None:
    task = client.tasks.retrieve(1)
    size: str = task.size  # E1: size is an int
    task.name = "renamed"  # E2: fields are read-only
    pid: int = task.project_id  # E3: project_id may be None
    task.no_such_method()  # E4: not an attribute of Task
    print(size, pid)
