"""The other builds: the packages generated for another pinned server version (the same hand-written
SDK and CLI over that version's generated code) pass their own server-facing tests.

Each build is generated into a temporary tree (as `make dist SERVER_VERSION=...` does) and a pytest
run with that tree first on the import path runs the version tests; in replay they must all pass
(nothing skipped), in live and record runs the tests for the server given.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from codegen.source import load_manifest
from tests.conftest import REPO_ROOT

BUILDS = {
    # the whole server-facing suite, recorded on a real CVAT 2.17 (cassettes in build-2.17/ folders)
    "2.17.0": [
        "-m",
        "server",
        "tests/api",
        "tests/sdk",
        "tests/cli",
        "tests/ml",
        "tests/examples",
        "tests/versions/test_cross_version.py",
        # what callers of the official 2.17 packages rely on (the 2.17 CLI's commands, specs checked when run)
        "tests/versions/test_release_217.py",
    ],  # fmt: skip
    "2.64.0": ["tests/versions/test_access_tokens.py", "tests/versions/test_cross_version.py"],
    # the function agent against a fake 2.72 server (no server recordings: the functions API is the cloud's)
    "2.72.0": ["tests/cli/test_function_agent.py"],
}


VERSIONS = sorted(load_manifest()["versions"])
TYPING_CASE = Path(__file__).parent / "typing_cases" / "renamed_params.py"


def _generated_tree(version: str, tree: Path) -> Path:
    """The three packages with cvat-api (and the SDK's skeletons) generated for `version`."""
    shutil.copytree(REPO_ROOT / "packages", tree / "packages", ignore=shutil.ignore_patterns("__pycache__"))
    gen = subprocess.run(
        [sys.executable, "-m", "codegen", "--version", version, "--out", str(tree)],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert gen.returncode == 0, gen.stdout + gen.stderr
    return tree


def test_every_build_type_checks_and_flags_its_renamed_parameters(tmp_path: Path) -> None:
    """mypy --strict over the hand-written SDK and CLI on each pinned build's generated code: the SDK
    reaches operations whose names differ between versions only through typed, generated calls, so
    each build is clean; a call with another build's parameter names fails the check (the case file)."""

    def check(version: str) -> str:
        tree = _generated_tree(version, tmp_path / version)
        shutil.copy(REPO_ROOT / "pyproject.toml", tree)
        shutil.copy(TYPING_CASE, tree / TYPING_CASE.name)
        paths = ["packages/cvat-api/src/cvat_api", "packages/cvat-sdk/src/cvat_sdk", "packages/cvat-cli/src/cvat_cli"]
        cmd = [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", os.devnull, *paths, TYPING_CASE.name]
        proc = subprocess.run(cmd, cwd=tree, capture_output=True, text=True, check=False, timeout=900)
        return proc.stdout + proc.stderr

    with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time: each mypy run takes ~0.6 GB
        outputs = dict(zip(VERSIONS, pool.map(check, VERSIONS), strict=True))
    case_lines = TYPING_CASE.read_text().splitlines()
    for version, out in outputs.items():
        errors = [line for line in out.splitlines() if ": error:" in line]
        elsewhere = [e for e in errors if not e.startswith(TYPING_CASE.name + ":")]
        assert not elsewhere, f"build {version}:\n" + "\n".join(elsewhere)
        flagged = {int(e.split(":")[1]) for e in errors}
        expected = {i + 1 for i, line in enumerate(case_lines) if "# E " in line and version in line.split("# E ")[1]}
        assert flagged == expected, f"build {version}: flagged lines {sorted(flagged)}, expected {sorted(expected)}"


@pytest.mark.parametrize("version", sorted(BUILDS))
def test_build_passes_its_version_tests(version: str, tmp_path: Path) -> None:
    tree = _generated_tree(version, tmp_path / "build")
    src = [str(tree / "packages" / p / "src") for p in ("cvat-api", "cvat-sdk", "cvat-cli")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*src, str(REPO_ROOT)])}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", *BUILDS[version]],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    output = proc.stdout + proc.stderr
    assert f"cvat_api {version}" in _probe(env), "the run did not import the generated build"
    assert proc.returncode == 0, output[-4000:]
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", output)) else 0
    assert passed > 0, output[-2000:]
    if os.environ.get("CVAT_TEST_MODE", "replay") == "replay":
        assert " skipped" not in output.splitlines()[-1], output[-2000:]


def _probe(env: dict[str, str]) -> str:
    code = "import cvat_api; print('cvat_api', cvat_api.SCHEMA_VERSION)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False).stdout
