"""`make compat`: CVAT's official SDK and CLI test suites against this tree's wheels.

Runs `tests/python/sdk` and `tests/python/cli` of the server's release twice on the same test
instance: once with this tree's packages built for that server version (`make dist
SERVER_VERSION=<version>`), once with the official `cvat-sdk` and `cvat-cli` of the same version
(cached per version; `--refresh-official` reruns it). Prints `N passed, N failed, N skipped,
N deselected` for ours and every test whose outcome differs.

Tests in KEPT_NEWER (behaviour later official releases changed on purpose, kept newer here and
listed in docs/guides/compatibility.md) are reported but are not regressions.

`--server-version` (2.17, 2.42 or 2.64; `make compat SERVER_VERSION=...`) names the version; the
test instance must be of that version. The test instance comes from the official-suites part of
the CVAT kit (`../shared/cvat-kit`): an existing one (`--instance DIR`), one set up next to a
kit-built server (`--server-prefix DIR --git-dir DIR`, kept as `.compat/instance-<version>`), or
the one an earlier run kept there. Nothing here builds CVAT. Exit status: 0 when no test that
passes with the official packages fails with ours (but those in KEPT_NEWER), 1 otherwise, 2 on
usage errors.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KIT = ROOT.parent / "shared" / "cvat-kit" / "official-suites"
# What a user of the SDK's [pytorch] extra has; the pair this machine kind installs from local wheels.
TORCH = (
    ["torch==2.9.1", "torchvision==0.24.1"]
    if platform.machine() in ("aarch64", "arm64")
    else ["torch==2.14.1", "torchvision==0.29.1"]
)
EXTRAS = ["scikit-image>=0.24"]
# What a version's suites need beyond their requirements.txt: the 2.17 suites pin numpy 1.22 and
# deepdiff 5.6, and that deepdiff does not import with NumPy 2 (which torch would bring).
VERSION_EXTRAS = {"2.17.0": ["numpy<2"]}
ORDER = ["passed", "skipped", "failed", "error"]
# Tests that pin behaviour later official releases changed on purpose, where ours keeps the newer
# behaviour because no caller can trip over it; each is listed, with the reason, in
# docs/guides/compatibility.md. They are reported, but not counted as regressions.
KEPT_NEWER: dict[str, dict[str, str]] = {
    "2.17.0": {
        "sdk.test_auto_annotation.TestTaskAutoAnnotation::test_attributes": (
            "functions may declare label attributes (official since 2.30)"
        ),
    },
}


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], check=True, text=True, **kwargs)  # type: ignore[call-overload]


def instance_conf(instance: Path) -> dict[str, str]:
    text = (instance / "instance.conf").read_text()
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def kit_versions(kit: Path = KIT) -> list[str]:
    """The versions whose suites the kit's official-suites can run (its `versions/<v>.conf`)."""
    return sorted((p.stem for p in (kit / "versions").glob("*.conf")), key=_version_key)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def resolve_version(given: str, known: list[str]) -> str:
    """`2.17` or `2.17.0` -> `2.17.0`, one of `known`; anything else is a usage error."""
    matches = [v for v in known if v == given or v.rsplit(".", 1)[0] == given]
    if len(matches) != 1:
        sys.exit(f"make compat: SERVER_VERSION={given!r} is not one of {', '.join(known)} (or their X.Y)")
    return matches[0]


def ensure_instance(args: argparse.Namespace, work: Path, version: str | None) -> Path:
    """The test instance: given, made next to a given server, or the one kept by an earlier run;
    of `version` when one was asked for."""
    if args.instance:
        instance = Path(args.instance).resolve()
        if not (instance / "run-suite.sh").is_file():
            sys.exit(f"make compat: {instance} is not an official-suites test instance (no run-suite.sh)")
        return _check_version(instance, instance_conf(instance)["version"], version)
    if not (args.server_prefix and args.git_dir):
        kept = work / f"instance-{version}"
        if version and (kept / "run-suite.sh").is_file():
            return kept
        sys.exit(
            "make compat: give COMPAT_INSTANCE=<test instance>, or CVAT_SERVER_PREFIX and CVAT_GIT_DIR"
            + (f" (no test instance kept in {kept})" if version else "")
        )
    prefix = Path(args.server_prefix)
    server_version = _server_version(prefix)
    _check_version(prefix, server_version, version)
    instance = work / f"instance-{server_version}"
    run(
        [
            KIT / "setup.sh",
            "--version",
            server_version,
            "--git-dir",
            args.git_dir,
            "--server-prefix",
            args.server_prefix,
            "--prefix",
            instance,
            "--port",
            args.port,
        ]
    )
    return instance


def _check_version(where: Path, found: str, wanted: str | None) -> Path:
    if wanted and found != wanted:
        sys.exit(f"make compat: {where} is CVAT {found}, not {wanted} (SERVER_VERSION)")
    return where


def _server_version(prefix: Path) -> str:
    text = (prefix / "cvat" / "cvat" / "__init__.py").read_text()
    m = re.search(r"VERSION = \((\d+), (\d+), (\d+)", text)
    if not m:
        sys.exit(f"make compat: cannot read the CVAT version of {prefix}")
    return ".".join(m.groups())


def make_venv(path: Path, packages: list[str], requirements: Path, *, version: str, fresh: bool) -> Path:
    """A venv with `packages`, the suites' test requirements, torch and the [pytorch] extras."""
    python = path / "bin" / "python"
    if fresh and path.exists():
        shutil.rmtree(path)
    if not python.exists():
        run([sys.executable, "-m", "venv", path])
    run([python, "-m", "pip", "install", "-q", *TORCH, *EXTRAS, *VERSION_EXTRAS.get(version, [])])
    run([python, "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", *packages])
    run([python, "-m", "pip", "install", "-q", *packages])  # their dependencies
    run([KIT / "install-test-deps.sh", python, requirements])
    return python


def run_suites(instance: Path, python: Path, out: Path) -> Path:
    # The suites' own pytest.ini, named: otherwise pytest 6 may take a configuration further up (this
    # repository's pyproject.toml, for an instance kept in .compat/) and fail to collect.
    suites = instance / "tests" / "python"
    cmd = [instance / "run-suite.sh", python, "-c", suites / "pytest.ini", "--rootdir", suites]
    subprocess.run([str(c) for c in cmd], check=False, cwd=instance)
    latest = (instance / "results" / "latest").resolve()
    out.mkdir(parents=True, exist_ok=True)
    junit = out / "junit.xml"
    shutil.copy(latest / "junit.xml", junit)
    shutil.copy(latest / "counts.txt", out / "counts.txt")
    return junit


def outcomes(junit: Path) -> dict[str, str]:
    results: dict[str, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):  # noqa: S314 - our own run's JUnit file
        key = f"{case.get('classname', '')}::{case.get('name', '')}"
        tags = {child.tag for child in case}
        outcome = (
            "error"
            if "error" in tags
            else "failed"
            if "failure" in tags
            else "skipped"
            if "skipped" in tags
            else "passed"
        )
        results[key] = max(results.get(key, "passed"), outcome, key=ORDER.index)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-version", help="2.17, 2.42 or 2.64 (default: the test instance's)")
    parser.add_argument("--instance", help="an existing official-suites test instance")
    parser.add_argument("--server-prefix", help="a CVAT server built by the kit's build.sh")
    parser.add_argument("--git-dir", help="the CVAT mirror's git directory (for the suites)")
    parser.add_argument("--port", default="8081", help="port of a new test instance [8081]")
    parser.add_argument("--work", default=str(ROOT / ".compat"), help="venvs and results [.compat]")
    parser.add_argument("--refresh-official", action="store_true", help="rerun the official packages' baseline")
    parser.add_argument("--fresh", action="store_true", help="recreate the venvs")
    args = parser.parse_args()

    work = Path(args.work).resolve()
    wanted = resolve_version(args.server_version, kit_versions()) if args.server_version else None
    instance = ensure_instance(args, work, wanted)
    version = instance_conf(instance)["version"]
    requirements = instance / "tests" / "python" / "requirements.txt"
    outdir = work / f"dist-{version}"
    run([sys.executable, ROOT / "tools" / "build_dist.py", "--server-version", version, "--outdir", outdir])
    manifest = json.loads((ROOT / "schema" / "manifest.json").read_text(encoding="utf-8"))
    package_version = manifest["versions"][version]["package_version"]  # e.g. 2.42.0+typed
    wheels = sorted(str(p) for p in outdir.glob(f"cvat_*-{package_version}-*.whl"))
    if len(wheels) != 3:
        sys.exit(f"make compat: no full set of packages was built for CVAT {version} (found {wheels})")

    official_junit = work / f"official-{version}" / "junit.xml"
    if args.refresh_official or not official_junit.exists():
        python = make_venv(
            work / f"venv-official-{version}",
            [f"cvat-sdk=={version}", f"cvat-cli=={version}"],
            requirements,
            version=version,
            fresh=args.fresh,
        )
        run_suites(instance, python, official_junit.parent)
    python = make_venv(work / f"venv-ours-{version}", wheels, requirements, version=version, fresh=args.fresh)
    ours_junit = run_suites(instance, python, work / f"ours-{version}")

    official, ours = outcomes(official_junit), outcomes(ours_junit)
    counts = (work / f"ours-{version}" / "counts.txt").read_text().strip()
    kept_newer = KEPT_NEWER.get(version, {})
    failing = sorted(k for k, o in official.items() if o == "passed" and ours.get(k) != "passed")
    regressions = [k for k in failing if k not in kept_newer]
    differ = sorted(k for k in set(official) | set(ours) if official.get(k, "absent") != ours.get(k, "absent"))
    print()
    print(f"CVAT {version} official SDK/CLI suites with this tree's packages:")
    print(f"official packages: {', '.join(f'{n} {k}' for k, n in sorted(Counter(official.values()).items()))}")
    for key in differ:
        print(f"  differs: {key}: official {official.get(key, 'absent')}, ours {ours.get(key, 'absent')}")
    for key in failing:
        if key in kept_newer:
            print(f"  kept newer on purpose (see docs/guides/compatibility.md): {key}: {kept_newer[key]}")
    print(f"regressions (pass with the official packages, not with ours): {len(regressions)}")
    print(counts)
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
