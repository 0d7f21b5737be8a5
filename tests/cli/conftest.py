"""Fixtures of the CLI tests: run `cvat_cli.__main__.main` in-process and capture what it prints."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cvat_cli.__main__ import main

from tests.conftest import REPO_ROOT

IMAGES = REPO_ROOT / "tests" / "data" / "images"


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


Cli = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Cli:
    """`run("--version")`: main() in-process with exactly these arguments; a Result."""

    def invoke(*args: str) -> Result:
        capsys.readouterr()  # drop anything printed before
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def cli(cvat_server, run: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`cli("task", "ls")`: the CLI logged in to the test server (replayed from cassettes unless live)."""
    if cvat_server.mode == "record":
        # vcrpy loses requests sent by other threads while it records one
        monkeypatch.setenv("CVAT_MAX_PARALLEL_TRANSFERS", "1")
    user, password = cvat_server.credentials

    def invoke(*args: str) -> Result:
        return run("--server-host", cvat_server.url, "--auth", f"{user}:{password}", *args)

    return invoke


@pytest.fixture
def images(tmp_path: Path) -> list[Path]:
    """Five tiny PNGs (img_0.png ... img_4.png) in a temporary folder."""
    out = tmp_path / "images"
    out.mkdir()
    return [Path(shutil.copy(p, out / p.name)) for p in sorted(IMAGES.glob("img_*.png"))]


def created_id(result: Result) -> int:
    """The id a create command printed (its only stdout line)."""
    assert result.code == 0, result.err
    lines = result.out.split()
    assert len(lines) == 1, result.out
    return int(lines[0])


LABELS = '[{"name": "car", "attributes": [{"name": "color", "mutable": false, "input_type": "select", "default_value": "red", "values": ["red", "blue"]}]}, {"name": "person"}]'
