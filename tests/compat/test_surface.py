"""The official low-level surface, diffed mechanically: this tree against the committed listing of
the official packages (tools/surface/official-<version>.json, made by `make surface`), with the
differences accepted in tools/surface/accepted.toml. No network, no official package needed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

SURFACE = REPO_ROOT / "tools" / "surface"
sys.path.insert(0, str(SURFACE))

import main as surface  # noqa: E402


def _listing(version: str) -> dict:
    return json.loads((SURFACE / f"official-{version}.json").read_text())


def test_main_set_matches_the_official_surface(capsys: pytest.CaptureFixture[str]) -> None:
    assert surface.check(SURFACE / f"official-{surface.main_version()}.json") == 0, capsys.readouterr().out


def test_a_difference_is_reported() -> None:
    listing = {
        "version": "0",
        "probes": {},
        "entries": {
            "cvat_sdk.api_client.models.NoSuchModel": {"kind": "class"},
            "cvat_sdk.api_client.models.Label": {"kind": "function"},
        },
    }
    found = surface.differences(listing)
    assert found["cvat_sdk.api_client.models.NoSuchModel"][0].startswith("missing:")
    assert found["cvat_sdk.api_client.models.Label"] == ["kind: official function, ours class"]


def test_signature_rules() -> None:
    official = [["self", "POSITIONAL_OR_KEYWORD", False, None], ["name", "POSITIONAL_OR_KEYWORD", False, None]]
    assert surface.signature_differences(official, official) == []
    renamed = [["self", "POSITIONAL_OR_KEYWORD", False, None], ["key", "POSITIONAL_OR_KEYWORD", False, None]]
    assert "keyword 'name' is refused" in surface.signature_differences(official, renamed)
    positional_only = [["self", "POSITIONAL_OR_KEYWORD", False, None], ["name", "POSITIONAL_ONLY", False, None]]
    assert surface.signature_differences(official, positional_only) == ["keyword 'name' is refused"]


def test_probe_outcomes_are_compared() -> None:
    probe = _listing(surface.main_version())["probes"]["model.wrong_nested_model"]
    assert probe["raises"] == "cvat_sdk.api_client.exceptions.ApiTypeError"
    assert surface.compare_probe(probe) == []
    assert surface.compare_probe({**probe, "raises": "builtins.KeyError"})[0].startswith("raises:")


def test_every_acceptance_has_a_reason_and_is_used(capsys: pytest.CaptureFixture[str]) -> None:
    surface.check(SURFACE / f"official-{surface.main_version()}.json")
    assert "unused acceptance" not in capsys.readouterr().out


@pytest.mark.parametrize("version", ["2.17.0", "2.64.0"])
def test_other_set_matches_its_official_surface(version: str, tmp_path: Path) -> None:
    if not (SURFACE / f"official-{version}.json").exists():
        pytest.fail(f"no committed listing for {version}: run make surface")
    src = surface.ours_tree(version, tmp_path)
    env = {"PYTHONPATH": ":".join([*src, str(REPO_ROOT)]), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, str(SURFACE / "main.py"), "check", str(SURFACE / f"official-{version}.json")],
        env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
