"""The user install commands of the README and Getting started (the blocks marked
`<!-- run-by: tests/codegen/test_user_install.py -->`), run as written by bash in a copy of the tree
that has no development .venv, each in a new virtual environment (first on PATH):

* `pip install ./packages/cvat-api ./packages/cvat-sdk ./packages/cvat-cli` (the main set);
* `make dist SERVER_VERSION=X` and `pip install` of its wheels (the set for another server), which
  must make its own small build environment instead of needing `make install`.

pip resolves from the indexes this machine (and CI) is configured with. The installed build must say
what it is: `+typed` in every version, while an official pin (`cvat-sdk==2.42.0`) is still met.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.source import load_manifest, pinned_schema_path
from tests.conftest import REPO_ROOT, require_file
from tests.docs.code_blocks import Block, blocks_run_by

MANIFEST = load_manifest()
MAIN_PACKAGE = MANIFEST["versions"][MANIFEST["main"]]["package_version"]
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)  # not the dev venv's interpreter


def _tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return [name for name in out.decode().split("\0") if name and (REPO_ROOT / name).is_file()]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's files (as a clone would have them, no .venv) next to a `shared/` with the schemas."""
    for version in MANIFEST["versions"]:
        require_file(pinned_schema_path(version))
    root = tmp_path_factory.mktemp("clone")
    repo = root / "repo"
    for name in _tracked_files():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, repo / name)
    link = repo / MANIFEST["schema_dir"]  # ../shared/schema: beside the clone, as here
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to((REPO_ROOT / MANIFEST["schema_dir"]).resolve(), target_is_directory=True)
    assert not (repo / ".venv").exists()
    return repo


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    return env


def _run(args: list[str], cwd: Path) -> str:
    proc = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _venv(path: Path) -> Path:
    subprocess.run([BASE_PYTHON, "-m", "venv", str(path)], check=True)
    return path / "bin"


def _check_installed(bin_dir: Path, version: str, cwd: Path) -> None:
    assert _run([str(bin_dir / "cvat-cli"), "--version"], cwd).strip() == version
    show = _run([str(bin_dir / "python"), "-m", "pip", "show", "cvat-sdk", "cvat-cli", "cvat-api"], cwd)
    assert show.count(f"Version: {version}") == 3, show
    assert "not the official package" in show
    printed = _run([str(bin_dir / "python"), "-c", "import cvat_sdk; print(cvat_sdk.__version__)"], cwd)
    assert printed.strip() == version
    # an official pin is still met by this build (PEP 440 ignores the local label): nothing to install
    public = version.split("+")[0]
    pinned = _run([str(bin_dir / "python"), "-m", "pip", "install", "--no-index", f"cvat-sdk=={public}"], cwd)
    assert f"Requirement already satisfied: cvat-sdk=={public}" in pinned, pinned


BLOCKS = {b.code: b for b in blocks_run_by("tests/codegen/test_user_install.py")}  # the same block on two pages


def test_the_install_blocks_are_the_two_user_commands() -> None:
    assert len(BLOCKS) == 2
    assert sum("make dist SERVER_VERSION=" in code for code in BLOCKS) == 1


@pytest.mark.parametrize("block", list(BLOCKS.values()), ids=lambda b: "make-dist" if "make dist" in b.code else "pip")
def test_install_block(block: Block, clone: Path, tmp_path: Path) -> None:
    bin_dir = _venv(tmp_path / "venv")
    env = _env()
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.code], cwd=clone, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, f"{block.where} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    server = re.search(r"SERVER_VERSION=(\S+)", block.code)
    if server:
        assert ".venv-dist/bin/python tools/build_dist.py" in proc.stdout  # its own build environment
        assert not (clone / ".venv").exists()
        version = MANIFEST["versions"][server.group(1)]["package_version"]
    else:
        version = MAIN_PACKAGE
        assert proc.stdout.splitlines()[-1] == version  # `cvat-cli --version`, after pip's output
    _check_installed(bin_dir, version, tmp_path)
