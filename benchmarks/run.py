"""Benchmarks of our CVAT SDK against the official cvat-sdk, side by side.

    .venv/bin/python benchmarks/run.py [--only NAME[,NAME]] [--quick] [--list]

Sets up `.bench/official` (a venv with the official cvat-sdk) if needed, runs every registered
benchmark (the `bench_*.py` modules here) with fresh processes of both interpreters, prints a
table and writes `.bench/results.json`. Benchmarks that need a server are skipped unless
CVAT_TEST_SERVER is set.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    BENCH_DIR,
    OFFICIAL,
    OURS,
    REGISTRY,
    WORK_DIR,
    Context,
    Row,
    Skip,
    machine_info,
    run_fresh,
    table,
)

OFFICIAL_REQUIREMENT = ("cvat-sdk", "2.42.0")
OFFICIAL_VENV = WORK_DIR / "official"


def load_benchmarks() -> None:
    """Import every `bench_*.py` next to this file; their decorators fill the registry."""
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        importlib.import_module(path.stem)


def installed_version(python: Path, dist: str) -> str | None:
    code = f"import importlib.metadata as m; print(m.version({dist!r}))"
    proc = run_fresh([str(python), "-c", code], timeout=60)
    return proc.stdout.strip() if proc.returncode == 0 else None


def ensure_official_venv() -> Path:
    """`.bench/official` with the official package, created with this interpreter if missing."""
    python = OFFICIAL_VENV / "bin" / "python"
    name, version = OFFICIAL_REQUIREMENT
    if not python.exists():
        print(f"creating {OFFICIAL_VENV.relative_to(WORK_DIR.parent)} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(OFFICIAL_VENV)], check=True)
    if installed_version(python, name) != version:
        print(f"installing {name}=={version} into it ...", file=sys.stderr)
        cmd = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"{name}=={version}"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"pip install {name}=={version} failed:\n{proc.stdout}{proc.stderr}")
    return python


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--only", action="append", metavar="NAME", help="run only these benchmarks (repeat or comma-separate)"
    )
    p.add_argument("--quick", action="store_true", help="fewer repetitions: a fast, noisier run")
    p.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_benchmarks()
    if args.list:
        for b in REGISTRY.values():
            print(f"{b.name:14} {b.help}" + ("  [needs CVAT_TEST_SERVER]" if b.needs_server else ""))
        return 0
    names = list(REGISTRY)
    if args.only:
        names = [n.strip() for opt in args.only for n in opt.split(",") if n.strip()]
        unknown = [n for n in names if n not in REGISTRY]
        if unknown:
            print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(REGISTRY)}", file=sys.stderr)
            return 2

    WORK_DIR.mkdir(exist_ok=True)
    ctx = Context(
        pythons={OURS: Path(sys.executable), OFFICIAL: ensure_official_venv()},
        quick=args.quick,
        server=os.environ.get("CVAT_TEST_SERVER") or None,
    )
    machine = machine_info()
    versions = {
        OURS: installed_version(ctx.pythons[OURS], "cvat-api"),
        OFFICIAL: installed_version(ctx.pythons[OFFICIAL], OFFICIAL_REQUIREMENT[0]),
    }
    print(
        f"machine: {machine['cpu']}; {machine['cores']} cores ({machine['cores_usable']} usable); "
        f"{machine['ram_gib']} GiB RAM; {machine['os']}"
    )
    print(f"python:  {machine['python_impl']} {machine['python']} (both sides)")
    print(f"ours:    cvat-api {versions[OURS]} ({ctx.pythons[OURS]})")
    print(f"official: cvat-sdk {versions[OFFICIAL]} ({ctx.pythons[OFFICIAL]})")
    print(f"mode:    {'quick' if args.quick else 'full'}\n")

    rows: list[tuple[str, Row]] = []
    skipped: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in names:
        bench = REGISTRY[name]
        if bench.needs_server and not ctx.server:
            skipped[name] = "set CVAT_TEST_SERVER"
            print(f"[{name}] skipped: set CVAT_TEST_SERVER", flush=True)
            continue
        print(f"[{name}] {bench.help} ...", end="", flush=True)
        t0 = time.perf_counter()
        try:
            result = bench.func(ctx)
        except Skip as e:
            skipped[name] = str(e)
            print(f" skipped: {e}", flush=True)
            continue
        except Exception as e:
            errors[name] = "".join(traceback.format_exception(e))
            print(f" ERROR: {type(e).__name__}: {e}", flush=True)
            continue
        print(f" {time.perf_counter() - t0:.1f} s", flush=True)
        rows += [(name, r) for r in (result if isinstance(result, list) else [result])]

    print()
    print(table(rows))
    for name, why in skipped.items():
        print(f"{name}: skipped: {why}")
    for name, trace in errors.items():
        print(f"\n{name}: ERROR\n{trace}", file=sys.stderr)

    out = WORK_DIR / "results.json"
    report = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine,
        "versions": versions,
        "quick": args.quick,
        "only": args.only and names,
        "results": [{"benchmark": n, **r.as_json()} for n, r in rows],
        "skipped": skipped,
        "errors": errors,
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nresults written to {out.relative_to(WORK_DIR.parent)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
