"""The benchmark framework: a registry of benchmarks, result rows, child processes, formatting.

A benchmark is a function taking a `Context` and returning one `Row` or a list of them. Register
it with `@benchmark("name")` in a `bench_*.py` module next to this file; `run.py` imports every
such module, so a new file (or function) is all a later issue needs to add.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK_DIR = ROOT / ".bench"
CHILD = BENCH_DIR / "child.py"

OURS = "ours"
OFFICIAL = "official"
SIDES = (OURS, OFFICIAL)


@dataclass
class Row:
    """One line of the results table. `ours`/`official` are None when not measurable ("n/a").

    `target` is the highest acceptable ours/official ratio (None: informational only).
    """

    label: str
    ours: float | None
    official: float | None
    unit: str
    target: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.official is None or self.official == 0:
            return None
        return self.ours / self.official

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "info"
        if self.ratio is None:
            return "n/a"
        return "PASS" if self.ratio <= self.target else "MISS"

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "ours": self.ours,
            "official": self.official,
            "unit": self.unit,
            "ratio": self.ratio,
            "target": self.target,
            "verdict": self.verdict,
            "note": self.note,
            **({"extra": self.extra} if self.extra else {}),
        }


class Skip(Exception):
    """Raised by a benchmark that cannot run here; the message says why (printed as `skipped: ...`)."""


@dataclass
class Benchmark:
    name: str
    func: Callable[[Context], Row | list[Row]]
    help: str
    needs_server: bool


REGISTRY: dict[str, Benchmark] = {}
F = TypeVar("F", bound=Callable[..., Any])


def benchmark(name: str, *, needs_server: bool = False) -> Callable[[F], F]:
    """Register a benchmark. `needs_server=True`: skipped unless CVAT_TEST_SERVER is set."""

    def register(func: F) -> F:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        REGISTRY[name] = Benchmark(name, func, doc[0] if doc else "", needs_server)
        return func

    return register


@dataclass
class Context:
    """What a benchmark gets: the two interpreters, the repetition mode and the server, if any."""

    pythons: dict[str, Path]
    quick: bool
    server: str | None = None

    def reps(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def child(
        self, side: str, task: str, timeout: float = 1800, *, script: Path = CHILD, **args: Any
    ) -> dict[str, Any]:
        """Run `script TASK` (default child.py) in a fresh process of `side`'s interpreter; its JSON answer.

        A child reports a failure of the code under test as {"error": "..."}; that is returned as is.
        """
        cmd = [str(self.pythons[side]), str(script), task, json.dumps({"side": side, **args})]
        proc = run_fresh(cmd, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"{side} child {task!r} exited with {proc.returncode}:\n{_tail(proc.stderr)}")
        lines = proc.stdout.strip().splitlines()
        if not lines:
            raise RuntimeError(f"{side} child {task!r} printed nothing:\n{_tail(proc.stderr)}")
        result: dict[str, Any] = json.loads(lines[-1])
        return result

    def python_snippet(self, side: str, code: str, timeout: float = 120) -> tuple[str, float]:
        """Run `python -c code` fresh; its stdout and the wall-clock time of the whole process."""
        t0 = time.perf_counter()
        proc = run_fresh([str(self.pythons[side]), "-c", code], timeout=timeout)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"{side}: python -c failed ({proc.returncode}):\n{_tail(proc.stderr)}")
        return proc.stdout, wall


def child_env() -> dict[str, str]:
    """The environment of child processes: nothing that could mix one installation into the other."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env.pop("VIRTUAL_ENV", None)
    env["PYTHONHASHSEED"] = "0"
    return env


def run_fresh(cmd: Sequence[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run a command in a neutral working directory (nothing importable there)."""
    WORK_DIR.mkdir(exist_ok=True)
    return subprocess.run(cmd, capture_output=True, text=True, cwd=WORK_DIR, env=child_env(), timeout=timeout)


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float]) -> str:
    """`n=N min..max` in the values' own unit, formatted as times."""
    return f"n={len(values)} {fmt_value(min(values), 's')}..{fmt_value(max(values), 's')}"


# ---------------------------------------------------------------------------------------------
# Machine description and formatting


def machine_info() -> dict[str, Any]:
    """CPU model, cores, RAM, OS and the Python running the benchmarks."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024**2, 1)
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "ram_gib": ram_gib,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "python_impl": platform.python_implementation(),
    }


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.1f} µs"
        if value < 1:
            return f"{value * 1e3:.1f} ms"
        return f"{value:.2f} s"
    if unit == "lines":
        return f"{value:,.0f}"
    return f"{value:g} {unit}"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    return f"{ratio:.3f}" if ratio < 10 else f"{ratio:.1f}"


def table(rows: Sequence[tuple[str, Row]]) -> str:
    """The results as an aligned text table; notes go on the line below each row."""
    head = ("benchmark", "measurement", "ours", "official", "ours/official", "target", "result")
    body = [
        (
            name,
            r.label,
            fmt_value(r.ours, r.unit),
            fmt_value(r.official, r.unit),
            fmt_ratio(r.ratio),
            "-" if r.target is None else f"<= {r.target:g}",
            r.verdict,
        )
        for name, r in rows
    ]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)]
    right = {2, 3, 4, 5}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [line(head), line(["-" * w for w in widths])]
    for (_, r), cells in zip(rows, body, strict=True):
        out.append(line(cells).rstrip())
        if r.note:
            out.append(" " * (widths[0] + 2) + "  note: " + r.note)
    return "\n".join(out)
