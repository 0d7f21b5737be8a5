"""Build wheels and sdists of cvat-api, cvat-sdk and cvat-cli into dist/ (`make dist`).

Each package folder is copied to a temporary staging directory and built from there, so the
committed files are never modified. In the staged copies the SDK's dependency on cvat-api is
pinned to the exact version it was built with, and the CLI's dependency on cvat-sdk likewise.

With --server-version V (a version pinned in schema/manifest.json) cvat-api and the SDK's typed
skeletons are regenerated from that schema in a temporary tree, and all three packages are built
as version V. The hand-written SDK and CLI are the same for every version: what a server version
lacks or adds is decided from the generated schema facts and the server's reported version.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from codegen.source import SchemaSourceError, load_manifest, pinned_schema_path  # noqa: E402

PACKAGES = REPO_ROOT / "packages"
DEFAULT_OUTDIR = REPO_ROOT / "dist"
API_INIT = Path("src/cvat_api/_generated/__init__.py")
SDK_VERSION_FILE = Path("src/cvat_sdk/version.py")
CLI_VERSION_FILE = Path("src/cvat_cli/version.py")
# Mirrors the repo's .gitignore: without a VCS root around the staging copy, hatchling would
# otherwise put these into the sdist.
STAGING_IGNORE = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "*.egg-info", "build", "dist", ".pytest_cache", ".mypy_cache", ".ruff_cache"
)
# hatchling's regex for `path = "..."` version sources without a `pattern`.
_HATCH_VERSION_RE = re.compile(r"""(?im)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2""")
_API_VERSION_RE = re.compile(r"^PACKAGE_VERSION = '(?P<version>[^']+)'", re.M)


class DistError(Exception):
    """A build step failed; the message says which and why."""


@dataclass(frozen=True)
class Artifact:
    path: Path

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def _read_version(path: Path, pattern: re.Pattern[str]) -> str:
    match = pattern.search(path.read_text(encoding="utf-8"))
    if not match:
        raise DistError(f"no version found in {path} (pattern {pattern.pattern!r})")
    return match.group("version")


def api_version(pkg_dir: Path) -> str:
    return _read_version(pkg_dir / API_INIT, _API_VERSION_RE)


def sdk_version(pkg_dir: Path) -> str:
    return _read_version(pkg_dir / SDK_VERSION_FILE, _HATCH_VERSION_RE)


def cli_version(pkg_dir: Path) -> str:
    return _read_version(pkg_dir / CLI_VERSION_FILE, _HATCH_VERSION_RE)


def stage(name: str, staging_root: Path) -> Path:
    """Copy packages/<name> to <staging_root>/packages/<name> and return the copy."""
    dest = staging_root / "packages" / name
    shutil.copytree(PACKAGES / name, dest, ignore=STAGING_IGNORE)
    return dest


def pin_dependency(pkg_dir: Path, dependency: str, version: str) -> None:
    """Replace the requirement on `dependency` in the staged pyproject.toml with `dependency==version`."""
    pyproject = pkg_dir / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pattern = re.compile(rf"""(["']){re.escape(dependency)}(?![\w.-])[^"']*\1""")
    new_text, count = pattern.subn(lambda m: f"{m.group(1)}{dependency}=={version}{m.group(1)}", text)
    if count != 1:
        raise DistError(f"expected exactly one requirement on {dependency} in {pyproject}, found {count}")
    pyproject.write_text(new_text, encoding="utf-8")


def hatchling_available() -> bool:
    return importlib.util.find_spec("hatchling") is not None


def build(pkg_dir: Path, outdir: Path) -> list[Artifact]:
    """Build a wheel and an sdist of `pkg_dir`; move them into `outdir`, replacing same-named files."""
    with tempfile.TemporaryDirectory(prefix="cvat-dist-out-") as tmp_out:
        cmd = [sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", tmp_out]
        if hatchling_available():
            cmd.append("--no-isolation")
        cmd.append(str(pkg_dir))
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise DistError(
                f"building {pkg_dir.name} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                f"{proc.stdout}{proc.stderr}".rstrip()
            )
        built = sorted(Path(tmp_out).iterdir())
        if not any(p.suffix == ".whl" for p in built) or not any(p.name.endswith(".tar.gz") for p in built):
            raise DistError(f"building {pkg_dir.name} did not produce a wheel and an sdist: {[p.name for p in built]}")
        outdir.mkdir(parents=True, exist_ok=True)
        artifacts = []
        for p in built:
            target = outdir / p.name
            if target.exists():
                target.unlink()
            shutil.move(str(p), target)
            artifacts.append(Artifact(target))
    return artifacts


def check_pin(artifacts: list[Artifact], requirement: str) -> None:
    """Fail unless the built wheel's METADATA has `Requires-Dist: <requirement>`."""
    wheel = next(a.path for a in artifacts if a.path.suffix == ".whl")
    with zipfile.ZipFile(wheel) as zf:
        metadata_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(metadata_name).decode("utf-8")
    if f"Requires-Dist: {requirement}" not in metadata.splitlines():
        raise DistError(f"{wheel.name}: METADATA lacks 'Requires-Dist: {requirement}'")


def build_all(outdir: Path) -> list[Artifact]:
    """The three packages from the committed tree, with exact inter-package pins."""
    with tempfile.TemporaryDirectory(prefix="cvat-dist-") as tmp:
        staging = Path(tmp)
        api_dir, sdk_dir, cli_dir = (stage(n, staging) for n in ("cvat-api", "cvat-sdk", "cvat-cli"))
        api_ver, sdk_ver = api_version(api_dir), sdk_version(sdk_dir)
        pin_dependency(sdk_dir, "cvat-api", api_ver)
        pin_dependency(cli_dir, "cvat-sdk", sdk_ver)
        print(
            f"build_dist: cvat-api {api_ver}, cvat-sdk {sdk_ver} (cvat-api=={api_ver}), "
            f"cvat-cli {cli_version(cli_dir)} (cvat-sdk=={sdk_ver})"
        )
        artifacts = build(api_dir, outdir)
        sdk_artifacts = build(sdk_dir, outdir)
        check_pin(sdk_artifacts, f"cvat-api=={api_ver}")
        cli_artifacts = build(cli_dir, outdir)
        check_pin(cli_artifacts, f"cvat-sdk=={sdk_ver}")
    return artifacts + sdk_artifacts + cli_artifacts


def build_for_server(version: str, outdir: Path) -> list[Artifact]:
    """The three packages for another pinned server version, in a temporary tree (the repo is left
    untouched): cvat-api and the SDK's typed skeletons regenerated from that version's schema, the
    hand-written SDK and CLI as they are, all three versioned `version` with exact pins."""
    manifest = load_manifest()
    if version not in manifest["versions"]:
        pinned = ", ".join(sorted(manifest["versions"]))
        raise DistError(f"server version {version!r} is not pinned in schema/manifest.json (pinned: {pinned})")
    schema = pinned_schema_path(version, manifest)
    if not schema.is_file():
        raise DistError(f"schema file for CVAT {version} not found: {schema}")
    expected = manifest["versions"][version]["package_version"]
    with tempfile.TemporaryDirectory(prefix="cvat-dist-") as tmp:
        root = Path(tmp)
        api_dir, sdk_dir, cli_dir = (stage(n, root) for n in ("cvat-api", "cvat-sdk", "cvat-cli"))
        proc = subprocess.run(
            [sys.executable, "-m", "codegen", "--version", version, "--out", str(root)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise DistError(f"codegen for CVAT {version} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
        print(proc.stdout.rstrip())
        got = api_version(api_dir)
        if got != expected:
            raise DistError(f"regenerated cvat-api has PACKAGE_VERSION {got!r}, manifest says {expected!r}")
        for pkg_dir, version_file in ((sdk_dir, SDK_VERSION_FILE), (cli_dir, CLI_VERSION_FILE)):
            set_version(pkg_dir / version_file, expected)
        pin_dependency(sdk_dir, "cvat-api", expected)
        pin_dependency(cli_dir, "cvat-sdk", expected)
        print(f"build_dist: cvat-api, cvat-sdk, cvat-cli {expected} for CVAT {version} (exact pins between them)")
        artifacts = build(api_dir, outdir)
        sdk_artifacts = build(sdk_dir, outdir)
        check_pin(sdk_artifacts, f"cvat-api=={expected}")
        cli_artifacts = build(cli_dir, outdir)
        check_pin(cli_artifacts, f"cvat-sdk=={expected}")
    return artifacts + sdk_artifacts + cli_artifacts


def set_version(path: Path, version: str) -> None:
    """Rewrite `VERSION = "..."` in a staged version.py."""
    text = path.read_text(encoding="utf-8")
    new_text, count = re.subn(r'(?m)^VERSION = "[^"]*"$', f'VERSION = "{version}"', text)
    if count != 1:
        raise DistError(f"expected one VERSION line in {path}, found {count}")
    path.write_text(new_text, encoding="utf-8")


def _human(size: int) -> str:
    return f"{size / 1024:.1f} KiB" if size < 1024 * 1024 else f"{size / (1024 * 1024):.2f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/build_dist.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server-version", help="build cvat-api for this version pinned in schema/manifest.json, in a temporary tree"
    )
    parser.add_argument("--outdir", type=Path, default=DEFAULT_OUTDIR, help=f"(default: {DEFAULT_OUTDIR})")
    args = parser.parse_args(argv)
    outdir = args.outdir.resolve()
    try:
        main_version = load_manifest()["main"]
        if args.server_version and args.server_version != main_version:
            artifacts = build_for_server(args.server_version, outdir)
        else:
            if args.server_version:
                print(f"build_dist: {main_version} is the main schema version; building from the committed tree")
            artifacts = build_all(outdir)
    except (DistError, SchemaSourceError) as e:
        print(f"build_dist: error: {e}", file=sys.stderr)
        return 2
    width = max(len(a.path.name) for a in artifacts)
    print(f"build_dist: {len(artifacts)} artifacts in {outdir}:")
    for a in artifacts:
        print(f"  {a.path.name:<{width}}  {_human(a.size):>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
