"""Benchmarks of the low-level layer: import time, (de)serialisation of a large payload, code size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness import OFFICIAL, OURS, ROOT, SIDES, WORK_DIR, Context, Row, benchmark, median, spread
from payloads import labeled_data, write_json

N_SHAPES = 10_000
CLIENT_URL = "http://localhost:8080"

# --- import time


def _import_snippet(module: str, construct_client: bool = False) -> str:
    """Code for `python -c` timing `import module` (and a Client); prints seconds, namespace flag, error.

    Prints plain text so that nothing else is imported in the process (the wall time counts too).
    """
    lines = ["import time", "err = ''", "t0 = time.perf_counter()", f"import {module} as m"]
    if construct_client:
        lines += [
            "try:",
            f"    c = m.Client({CLIENT_URL!r}, check_server_version=False)",
            "except Exception as e:",
            "    err = type(e).__name__ + ': ' + str(e)",
        ]
    lines += [
        "t1 = time.perf_counter()",
        "print(repr(t1 - t0))",
        "print(getattr(m, '__file__', None) is None)",
        "print(err.replace(chr(10), ' '))",
    ]
    return "\n".join(lines)


def _parse_snippet_output(out: str) -> dict[str, Any]:
    t, namespace_pkg, err = (out.split("\n") + ["", ""])[:3]
    return {"t": float(t), "namespace_pkg": namespace_pkg == "True", "error": err.strip()}


def _time_imports(ctx: Context, snippets: dict[str, str], reps: int) -> dict[str, dict[str, Any]]:
    """Each side's snippet `reps` times, alternating sides, after one untimed run (warms .pyc)."""
    for side in SIDES:
        ctx.python_snippet(side, snippets[side])
    res: dict[str, dict[str, Any]] = {s: {"t": [], "wall": [], "last": {}} for s in SIDES}
    for _ in range(reps):
        for side in SIDES:
            out, wall = ctx.python_snippet(side, snippets[side])
            last = _parse_snippet_output(out)
            res[side]["t"].append(last["t"])
            res[side]["wall"].append(wall)
            res[side]["last"] = last
    return res


@benchmark("import")
def bench_import(ctx: Context) -> list[Row]:
    """Import time in fresh processes (median): cvat_sdk, cvat_api, cvat_sdk + Client()."""
    reps = ctx.reps(15, 5)
    rows = []

    startup: dict[str, list[float]] = {s: [] for s in SIDES}
    for _ in range(reps):
        for side in SIDES:
            startup[side].append(ctx.python_snippet(side, "pass")[1])

    sdk = _time_imports(ctx, {s: _import_snippet("cvat_sdk") for s in SIDES}, reps)
    ns_note = ""
    if sdk[OURS]["last"].get("namespace_pkg"):
        ns_note = "ours cvat_sdk is still a namespace package (no __init__.py): nothing is imported yet; "
    rows.append(
        Row(
            "import cvat_sdk (in-process)",
            median(sdk[OURS]["t"]),
            median(sdk[OFFICIAL]["t"]),
            "s",
            target=0.2,
            note=ns_note + f"ours {spread(sdk[OURS]['t'])}; official {spread(sdk[OFFICIAL]['t'])}",
            extra={"ours": sdk[OURS]["t"], "official": sdk[OFFICIAL]["t"]},
        )
    )
    rows.append(
        Row(
            "import cvat_sdk (whole process)",
            median(sdk[OURS]["wall"]),
            median(sdk[OFFICIAL]["wall"]),
            "s",
            note=f"`python -c pass` alone: ours {median(startup[OURS]) * 1e3:.1f} ms, "
            f"official {median(startup[OFFICIAL]) * 1e3:.1f} ms",
            extra={"ours": sdk[OURS]["wall"], "official": sdk[OFFICIAL]["wall"]},
        )
    )

    low = _time_imports(
        ctx, {OURS: _import_snippet("cvat_api"), OFFICIAL: _import_snippet("cvat_sdk.api_client")}, reps
    )
    rows.append(
        Row(
            "import cvat_api | official: cvat_sdk.api_client",
            median(low[OURS]["t"]),
            median(low[OFFICIAL]["t"]),
            "s",
            note="the low-level packages; importing cvat_sdk.api_client also runs cvat_sdk/__init__ (the whole SDK)",
            extra={"ours": low[OURS]["t"], "official": low[OFFICIAL]["t"]},
        )
    )

    client = {s: _import_snippet("cvat_sdk", construct_client=True) for s in SIDES}
    first = _parse_snippet_output(ctx.python_snippet(OURS, client[OURS])[0])
    if first.get("error"):
        off_times = []
        for _ in range(reps):
            out = ctx.python_snippet(OFFICIAL, client[OFFICIAL])[0]
            off_times.append(_parse_snippet_output(out)["t"])
        rows.append(
            Row(
                "import cvat_sdk + Client(url)",
                None,
                median(off_times),
                "s",
                note=f"ours: no usable cvat_sdk.Client yet ({first['error']})",
            )
        )
    else:
        both = _time_imports(ctx, client, reps)
        err = both[OFFICIAL]["last"].get("error")
        rows.append(
            Row(
                "import cvat_sdk + Client(url)",
                median(both[OURS]["t"]),
                None if err else median(both[OFFICIAL]["t"]),
                "s",
                note=f"Client({CLIENT_URL!r}, check_server_version=False)"
                + (f"; official failed: {err}" if err else ""),
            )
        )
    return rows


# --- LabeledData parsing and serialisation


def _payload() -> tuple[Path, str]:
    path = WORK_DIR / f"labeled_data_{N_SHAPES}.json"
    sha = write_json(labeled_data(N_SHAPES), path)
    return path, sha


def _child_times(ctx: Context, task: str, **args: Any) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Run `task` in a fresh child per side; the answers and the failures of the code under test."""
    answers = {side: ctx.child(side, task, **args) for side in SIDES}
    failures = [f"{side}: {a['error']}" for side, a in answers.items() if "error" in a]
    return answers, failures


def _med(answer: dict[str, Any]) -> float | None:
    return median(answer["times"]) if "times" in answer else None


@benchmark("parse")
def bench_parse(ctx: Context) -> list[Row]:
    """JSON bytes -> LabeledData with 10,000 shapes, as a retrieve_annotations response is decoded."""
    path, sha = _payload()
    reps = ctx.reps(7, 3)
    ans, failures = _child_times(ctx, "parse", path=str(path), reps=reps)
    checks = [
        f"{side}: {a['n_shapes']} shapes, round-trip {'identical' if a['roundtrip_identical'] else 'DIFFERS'}"
        for side, a in ans.items()
        if "times" in a
    ]
    size_mb = path.stat().st_size / 1e6
    note = f"{size_mb:.1f} MB payload sha256 {sha[:12]}; " + "; ".join(checks + failures)
    note += "; ours json.loads + from_dict; official ApiClient.deserialize (_check_type=True, the default)"
    unchecked = ctx.child(OFFICIAL, "parse", path=str(path), reps=reps, check_type=False)
    return [
        Row(
            f"LabeledData JSON -> model ({N_SHAPES:,} shapes)",
            _med(ans[OURS]),
            _med(ans[OFFICIAL]),
            "s",
            target=0.1,
            note=note,
            extra=ans,
        ),
        Row(
            "  same, official _validate_outputs=False",
            _med(ans[OURS]),
            _med(unchecked),
            "s",
            note=(
                f"official FAILED: {unchecked['error']}"
                if "error" in unchecked
                else "not like for like: unchecked, the official builds only the top-level model and leaves "
                f"the shapes as {unchecked['shape_class']} (ours: {ans[OURS].get('shape_class')}); "
                "ours never type-checks responses"
            ),
            extra={OFFICIAL: unchecked},
        ),
    ]


@benchmark("serialize")
def bench_serialize(ctx: Context) -> list[Row]:
    """LabeledData model -> JSON bytes: to_dict + json.dumps, and each client's request-body path."""
    path, _ = _payload()
    reps = ctx.reps(7, 3)
    rows = []
    official = ctx.child(OFFICIAL, "serialize", path=str(path), reps=reps)
    for variant, label, how in (
        ("to_dict", "model -> JSON bytes (to_dict + json.dumps)", "ours json.dumps(model.to_dict())"),
        ("request", "model -> JSON bytes (request-body path)", "ours encoding.encode_json(body_as_data(model))"),
    ):
        ours = ctx.child(OURS, "serialize", path=str(path), reps=reps, variant=variant)
        notes = [how, "official json.dumps(ApiClient.sanitize_for_serialization(model))"]
        for side, a in ((OURS, ours), (OFFICIAL, official)):
            if "error" in a:
                notes.append(f"{side} FAILED: {a['error']}")
            elif not a["output_identical"]:
                notes.append(f"{side} output DIFFERS from the input document")
        rows.append(
            Row(label, _med(ours), _med(official), "s", note="; ".join(notes), extra={OURS: ours, OFFICIAL: official})
        )
    return rows


# --- code size


def _count_lines(files: list[Path]) -> int:
    """Like `wc -l`: newline characters (a file removed meanwhile, e.g. by a regen, counts 0)."""
    total = 0
    for f in files:
        try:
            total += f.read_bytes().count(b"\n")
        except FileNotFoundError:
            pass
    return total


@benchmark("lines")
def bench_lines(ctx: Context) -> list[Row]:
    """Lines of Python (wc -l) of the low-level client: ours cvat_api vs official cvat_sdk/api_client."""
    ours_dir = ROOT / "packages/cvat-api/src/cvat_api"
    code = "import importlib.util; print(importlib.util.find_spec('cvat_sdk').submodule_search_locations[0])"
    off_dir = Path(ctx.python_snippet(OFFICIAL, code)[0].strip()) / "api_client"

    def split(root: Path, generated_dirs: tuple[str, ...]) -> tuple[int, int]:
        files = sorted(root.rglob("*.py"))
        gen = [f for f in files if f.relative_to(root).parts[0] in generated_dirs]
        rest = [f for f in files if f not in set(gen)]
        return _count_lines(gen), _count_lines(rest)

    ours_gen, ours_rt = split(ours_dir, ("models", "apis", "_generated"))
    off_gen, off_rt = split(off_dir, ("model", "models", "api", "apis"))
    return [
        Row(
            "lines: total",
            ours_gen + ours_rt,
            off_gen + off_rt,
            "lines",
            note="cvat_api/**/*.py vs cvat_sdk/api_client/**/*.py",
        ),
        Row(
            "lines: generated models + APIs",
            ours_gen,
            off_gen,
            "lines",
            note="ours models/, apis/, _generated/; official model/, models/, api/, apis/",
        ),
        Row(
            "lines: runtime",
            ours_rt,
            off_rt,
            "lines",
            note="ours _runtime/ + __init__ + exceptions (hand-written); official api_client.py, model_utils.py, rest.py, ... (template output)",
        ),
    ]
