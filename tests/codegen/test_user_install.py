"""The README's two user commands, from a copy of the tree that has no development .venv:

* `pip install ./packages/cvat-api ./packages/cvat-sdk ./packages/cvat-cli` (the main set);
* `make dist SERVER_VERSION=X`, then `pip install` of its wheels (the set for another server),
  which must make its own small build environment instead of needing `make install`.

Each installs into a new virtual environment; pip resolves from the indexes this machine (and CI)
is configured with. The installed build must say what it is: `+typed` in every version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.source import load_manifest, pinned_schema_path
from tests.conftest import REPO_ROOT, require_file

MANIFEST = load_manifest()
MAIN_PACKAGE = MANIFEST["versions"][MANIFEST["main"]]["package_version"]
OTHER = "2.64.0"
OTHER_PACKAGE = MANIFEST["versions"][OTHER]["package_version"]
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
    require_file(pinned_schema_path(OTHER))
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


def test_pip_install_of_the_package_folders(clone: Path, tmp_path: Path) -> None:
    bin_dir = _venv(tmp_path / "venv")
    _run([str(bin_dir / "pip"), "install", "./packages/cvat-api", "./packages/cvat-sdk", "./packages/cvat-cli"], clone)
    _check_installed(bin_dir, MAIN_PACKAGE, tmp_path)


def test_make_dist_for_another_server_without_the_dev_venv(clone: Path, tmp_path: Path) -> None:
    out = _run(["make", "dist", f"SERVER_VERSION={OTHER}", f"PYTHON={BASE_PYTHON}"], clone)
    assert ".venv-dist/bin/python tools/build_dist.py" in out
    assert not (clone / ".venv").exists()
    wheels = sorted(str(p) for p in (clone / "dist").glob(f"cvat_*-{OTHER_PACKAGE}-py3-none-any.whl"))
    assert len(wheels) == 3, wheels
    bin_dir = _venv(tmp_path / "venv")
    _run([str(bin_dir / "pip"), "install", *wheels], tmp_path)
    _check_installed(bin_dir, OTHER_PACKAGE, tmp_path)
