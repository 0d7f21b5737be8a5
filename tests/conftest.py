"""Shared test settings: where the repo and the pinned schemas are; the real-server harness plugin."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cvat_sdk.core import environment

pytest_plugins = ["tests.harness.plugin", "tests.fakeserver"]

REPO_ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
# The settings the SDK, the CLI and the examples read from the environment: cleared for every test,
# so that the developer's own never leak in (a test sets what it needs with monkeypatch).
CVAT_ENV = (*environment.NAMES, "CVAT_MAX_PARALLEL_TRANSFERS")


@pytest.fixture(autouse=True)
def _no_cvat_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CVAT_ENV:
        monkeypatch.delenv(name, raising=False)


def require_file(path: Path) -> Path:
    """Skip when a file from ../shared is absent, except in CI where that is a failure."""
    if not path.is_file():
        if IN_CI:
            pytest.fail(f"required file missing in CI: {path}")
        pytest.skip(f"{path} is not here (it lives in ../shared)")
    return path
