"""Fixtures of the example tests: each example module loaded from its file, and tasks to run them on
(`make_task`, shared with the ML tests)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.conftest import REPO_ROOT
from tests.ml.conftest import make_task  # noqa: F401 - a fixture for the server-facing tests
from tests.sdk.fixtures import client, images  # noqa: F401 - fixtures for the server-facing tests

EXAMPLES = REPO_ROOT / "examples"
SQUARE_LABELS: list[dict[str, Any]] = [
    {"name": "square", "type": "rectangle"},
    {"name": "background", "type": "tag"},
]


def example_files() -> list[Path]:
    """The examples: the files of examples/ but its README and its dotfiles (tool settings)."""
    return sorted(p for p in EXAMPLES.iterdir() if p.is_file() and p.name != "README.md" and not p.name.startswith("."))


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
