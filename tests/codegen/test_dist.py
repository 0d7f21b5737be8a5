"""`make dist` (tools/build_dist.py): real wheels and sdists, exact pins, other-server builds off-tree."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from codegen.render import GENERATED_DIRS
from codegen.source import load_manifest, pinned_schema_path
from tests.conftest import REPO_ROOT, require_file

SCRIPT = REPO_ROOT / "tools" / "build_dist.py"
MANIFEST = load_manifest()
MAIN = MANIFEST["versions"][MANIFEST["main"]]["package_version"]  # 2.42.0+typed
# Everything the script would write to if it built or regenerated in place: cvat-api, the
# generated folders, the pyproject.toml files it pins in its staging copies, and the schemas.
# Scoped, rather than the whole repo, so that hand-written code being edited meanwhile (by
# another checkout tool or an editor) cannot make the check flaky.
WATCHED = [
    "packages/cvat-api",
    *(str(d) for d in GENERATED_DIRS),
    *(f"packages/{p}/pyproject.toml" for p in ("cvat-api", "cvat-sdk", "cvat-cli")),
    "schema",
]


def _git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--", *WATCHED],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )


def _wheel_file(wheel: Path, suffix: str) -> str:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(suffix))
        return zf.read(name).decode("utf-8")


def _requires_dist(wheel: Path) -> list[str]:
    metadata = _wheel_file(wheel, ".dist-info/METADATA")
    return [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]


def _load_script(monkeypatch: pytest.MonkeyPatch):
    spec = importlib.util.spec_from_file_location("build_dist", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def default_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str], str, str]:
    outdir = tmp_path_factory.mktemp("dist")
    (outdir / "unrelated.txt").write_text("keep me")
    (outdir / f"cvat_cli-{MAIN}.tar.gz").write_bytes(b"stale")  # a same-named artifact gets replaced
    before = _git_status()
    proc = _run("--outdir", str(outdir))
    return outdir, proc, before, _git_status()


def test_default_build_makes_three_wheels_and_three_sdists(default_build) -> None:
    outdir, proc, _, _ = default_build
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("cvat_api", "cvat_sdk", "cvat_cli"):
        assert len(list(outdir.glob(f"{name}-{MAIN}-*.whl"))) == 1, name
        assert (outdir / f"{name}-{MAIN}.tar.gz").is_file(), name
        assert f"{name}-{MAIN}" in proc.stdout  # the summary names every artifact
    assert (outdir / "unrelated.txt").read_text() == "keep me"
    with tarfile.open(outdir / f"cvat_cli-{MAIN}.tar.gz") as tf:  # the stale file was replaced by a real sdist
        assert any(n.endswith("/pyproject.toml") for n in tf.getnames())


def test_sdk_and_cli_pin_exact_versions(default_build) -> None:
    outdir, proc, _, _ = default_build
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (api_whl,) = outdir.glob("cvat_api-*.whl")
    (sdk_whl,) = outdir.glob("cvat_sdk-*.whl")
    (cli_whl,) = outdir.glob("cvat_cli-*.whl")
    api_init = _wheel_file(api_whl, "cvat_api/_generated/__init__.py")
    assert f"PACKAGE_VERSION = '{MAIN}'" in api_init
    assert f"cvat-api=={MAIN}" in _requires_dist(sdk_whl)
    assert f"cvat-sdk=={MAIN}" in _requires_dist(cli_whl)
    assert not any(r.startswith("cvat-api") and r != f"cvat-api=={MAIN}" for r in _requires_dist(sdk_whl))
    # the sdists carry the pin too, so a rebuild from them keeps it
    with tarfile.open(outdir / f"cvat_sdk-{MAIN}.tar.gz") as tf:
        member = next(m for m in tf.getmembers() if m.name.endswith("/pyproject.toml"))
        extracted = tf.extractfile(member)
        assert extracted is not None
        assert f'"cvat-api=={MAIN}"' in extracted.read().decode("utf-8")


def test_default_build_leaves_the_repo_untouched(default_build) -> None:
    _, proc, before, after = default_build
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert after == before
    for pkg in ("cvat-sdk", "cvat-cli"):
        assert "==" not in (REPO_ROOT / "packages" / pkg / "pyproject.toml").read_text()


@pytest.mark.parametrize("version", [v for v in MANIFEST["versions"] if v != MANIFEST["main"]])
def test_other_server_version_builds_the_full_set_off_tree(tmp_path: Path, version: str) -> None:
    require_file(pinned_schema_path(version))
    before = _git_status()
    proc = _run("--server-version", version, "--outdir", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _git_status() == before
    package = MANIFEST["versions"][version]["package_version"]
    assert package == f"{version}+typed"
    (api_whl,) = tmp_path.glob(f"cvat_api-{package}-*.whl")
    (sdk_whl,) = tmp_path.glob(f"cvat_sdk-{package}-*.whl")
    (cli_whl,) = tmp_path.glob(f"cvat_cli-{package}-*.whl")
    for name in ("cvat_api", "cvat_sdk", "cvat_cli"):
        assert (tmp_path / f"{name}-{package}.tar.gz").is_file()
    assert f"SCHEMA_VERSION = '{version}'" in _wheel_file(api_whl, "cvat_api/_generated/__init__.py")
    assert f'VERSION = "{package}"' in _wheel_file(sdk_whl, "cvat_sdk/version.py")
    assert f'VERSION = "{package}"' in _wheel_file(cli_whl, "cvat_cli/version.py")
    assert f"# Generated by cvat-codegen from the CVAT {version} schema" in _wheel_file(
        sdk_whl, "cvat_sdk/core/proxies/_generated/tasks.py"
    )
    assert f"cvat-api=={package}" in _requires_dist(sdk_whl)
    assert f"cvat-sdk=={package}" in _requires_dist(cli_whl)
    committed = (REPO_ROOT / "packages/cvat-api/src/cvat_api/_generated/__init__.py").read_text()
    assert f"SCHEMA_VERSION = '{MANIFEST['main']}'" in committed


def test_unknown_server_version_lists_the_pinned_ones(tmp_path: Path) -> None:
    proc = _run("--server-version", "9.9.9", "--outdir", str(tmp_path))
    assert proc.returncode != 0
    assert "9.9.9" in proc.stderr
    for version in MANIFEST["versions"]:
        assert version in proc.stderr
    assert not list(tmp_path.iterdir())


def test_missing_schema_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    script = _load_script(monkeypatch)
    missing = tmp_path / "nowhere" / "cvat-2.17.0.yml"
    monkeypatch.setattr(script, "pinned_schema_path", lambda version, manifest=None: missing)
    assert script.main(["--server-version", "2.17.0", "--outdir", str(tmp_path / "out")]) != 0
    assert str(missing) in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_wheels_carry_the_license_and_say_what_they_are(default_build) -> None:
    outdir, proc, _, _ = default_build
    assert proc.returncode == 0, proc.stdout + proc.stderr
    license_text = (REPO_ROOT / "LICENSE").read_text()
    for name in ("cvat_api", "cvat_sdk", "cvat_cli"):
        assert (REPO_ROOT / "packages" / name.replace("_", "-") / "LICENSE").read_text() == license_text
        (wheel,) = outdir.glob(f"{name}-*.whl")
        assert _wheel_file(wheel, ".dist-info/licenses/LICENSE") == license_text
        metadata = _wheel_file(wheel, ".dist-info/METADATA")
        assert "License-Expression: MIT" in metadata and "Requires-Python: >=3.10" in metadata
        assert "Classifier: Programming Language :: Python :: 3.10" in metadata
        assert "Project-URL: Official packages (not this build), https://pypi.org/project/" in metadata
        assert "not the official" in metadata.split("Summary:", 1)[1].splitlines()[0]
