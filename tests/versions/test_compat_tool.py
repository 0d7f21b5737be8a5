"""`make compat SERVER_VERSION=...` (tools/compat.py): which version and test instance it takes (no server)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tools import compat

KNOWN = ["2.17.0", "2.42.0", "2.64.0"]


def instance(path: Path, version: str) -> Path:
    path.mkdir(parents=True)
    (path / "run-suite.sh").write_text("#!/bin/sh\n")
    (path / "instance.conf").write_text(f"version={version}\nhttp_port=7081\n")
    return path


def args(**given: str | None) -> argparse.Namespace:
    return argparse.Namespace(**{"instance": None, "server_prefix": None, "git_dir": None, "port": "8081", **given})


def test_versions_are_the_kits_and_take_their_short_form(tmp_path: Path) -> None:
    (tmp_path / "versions").mkdir()
    for v in ("2.64.0", "2.17.0", "2.42.0"):
        (tmp_path / "versions" / f"{v}.conf").write_text("")
    assert compat.kit_versions(tmp_path) == KNOWN
    assert compat.resolve_version("2.17", KNOWN) == compat.resolve_version("2.17.0", KNOWN) == "2.17.0"
    for bad in ("2.72", "2.1", "2", "latest"):
        with pytest.raises(SystemExit, match=r"SERVER_VERSION='.*' is not one of 2\.17\.0, 2\.42\.0, 2\.64\.0"):
            compat.resolve_version(bad, KNOWN)


def test_the_instance_must_be_of_the_version_asked_for(tmp_path: Path) -> None:
    given = instance(tmp_path / "os217", "2.17.0")
    assert compat.ensure_instance(args(instance=str(given)), tmp_path, "2.17.0") == given
    assert compat.ensure_instance(args(instance=str(given)), tmp_path, None) == given  # no version: the instance's
    with pytest.raises(SystemExit, match="is CVAT 2.17.0, not 2.42.0"):
        compat.ensure_instance(args(instance=str(given)), tmp_path, "2.42.0")


def test_an_instance_kept_by_an_earlier_run_is_reused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no test instance kept in"):
        compat.ensure_instance(args(), tmp_path, "2.64.0")
    kept = instance(tmp_path / "instance-2.64.0", "2.64.0")
    assert compat.ensure_instance(args(), tmp_path, "2.64.0") == kept
    with pytest.raises(SystemExit, match="give COMPAT_INSTANCE"):
        compat.ensure_instance(args(), tmp_path, None)


def test_every_test_kept_newer_is_listed_with_its_reason_in_the_guide() -> None:
    guide = (REPO_ROOT / "docs" / "guides" / "compatibility.md").read_text(encoding="utf-8")
    for version, tests in compat.KEPT_NEWER.items():
        assert version in compat.kit_versions()
        for key in tests:
            classname, name = key.split("::")  # JUnit's "sdk.test_x.TestClass" and the test's name
            module, _, cls = classname.rpartition(".")
            row = f"`{module.replace('.', '/')}.py::{cls}::{name}`"
            assert row in guide, f"{row} ({version}) is not in the compatibility guide's list"
