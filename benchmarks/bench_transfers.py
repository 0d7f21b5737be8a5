"""Transfer benchmarks against a live CVAT server: task creation, frames, listing, export.

Needs CVAT_TEST_SERVER, CVAT_TEST_USER and CVAT_TEST_PASSWORD. Test data is generated once into
.bench/data. Each side runs the same high-level code in a fresh process; the raw-HTTP floor
(plain `requests`, sequential) is printed beside it.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness import BENCH_DIR, OFFICIAL, OURS, SIDES, WORK_DIR, Context, Row, Skip, benchmark, median
from raw_floor import RawSession

CHILD = BENCH_DIR / "child_transfers.py"
DATA = WORK_DIR / "data"


def _auth() -> tuple[str, str]:
    user, password = os.environ.get("CVAT_TEST_USER"), os.environ.get("CVAT_TEST_PASSWORD")
    if not (user and password):
        raise Skip("set CVAT_TEST_USER and CVAT_TEST_PASSWORD")
    return user, password


def _jpeg(path: Path, width: int, height: int, seed: int) -> None:
    from PIL import Image

    rnd = random.Random(seed)
    im = Image.new("RGB", (width, height), (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    Image.blend(im, noise, 0.5).save(path, quality=85)


def _big_png(path: Path, megabytes: int, seed: int) -> None:
    """An incompressible PNG of about `megabytes` MB (stored deflate blocks of random pixels)."""
    from PIL import Image

    side = int((megabytes * 2**20 / 3) ** 0.5)
    rnd = random.Random(seed)
    Image.frombytes("RGB", (side, side), rnd.randbytes(side * side * 3)).save(path, compress_level=0)


def _files(kind: str) -> list[Path]:
    folder = DATA / kind
    specs = {"small3": (3, "jpg"), "small300": (300, "jpg"), "big20": (20, "png"), "frames100": (100, "jpg")}
    count, ext = specs[kind]
    files = [folder / f"{kind}_{i:04d}.{ext}" for i in range(count)]
    if not all(f.exists() for f in files):
        folder.mkdir(parents=True, exist_ok=True)
        for i, f in enumerate(files):
            if ext == "png":
                _big_png(f, 8, i)
            else:
                _jpeg(f, 320, 240, i)
    return files


def _times(ans: dict[str, Any]) -> float | None:
    if "times" in ans:
        return median(ans["times"])
    return ans.get("seconds")


def _row(label: str, ans: dict[str, dict[str, Any]], floor: float | None, target: float | None) -> Row:
    notes = [f"{side} FAILED: {a['error']}" for side, a in ans.items() if "error" in a]
    notes += [f"peak RSS {side} {a['peak_rss_mib']:.0f} MiB" for side, a in ans.items() if "peak_rss_mib" in a]
    if floor is not None:
        notes.append(f"raw-HTTP floor {floor:.2f} s")
    return Row(label, _times(ans[OURS]), _times(ans[OFFICIAL]), "s", target=target, note="; ".join(notes))


def _both(ctx: Context, task: str, **args: Any) -> dict[str, dict[str, Any]]:
    user, password = _auth()
    return {
        side: ctx.child(side, task, script=CHILD, host=ctx.server, user=user, password=password, **args)
        for side in SIDES
    }


def _raw() -> RawSession:
    user, password = _auth()
    return RawSession(os.environ["CVAT_TEST_SERVER"], user, password)


# Equal settings: both SDKs poll background requests every 0.1 s (the official default is a fixed
# 5 s, ours starts at 0.1 s and backs off up to 5 s), so what remains is the rest of the SDK's work.
EQUAL_POLL = 0.1
CREATE_CASES = {  # benchmark name: (files, label, target for the defaults row, repetitions full/quick)
    "create_small": ("small3", "create_from_data, 3 small JPEGs", 0.3, (3, 1)),
    "create_300": ("small300", "create_from_data, 300 small JPEGs", 0.6, (1, 1)),
    "create_big": ("big20", "create_from_data, 20 x 8 MB PNGs", 0.8, (1, 1)),
}


def _bench_create(ctx: Context, name: str, status_check_period: float | None) -> Row:
    kind, label, target, (full, quick) = CREATE_CASES[name]
    files = _files(kind)
    args: dict[str, Any] = {"status_check_period": status_check_period} if status_check_period else {}
    ans = _both(ctx, "create", files=[str(f) for f in files], reps=ctx.reps(full, quick), **args)
    floor = _raw().create_task({"name": "floor", "labels": [{"name": "car"}]}, files)
    if status_check_period:
        return _row(f"{label}, both polling every {status_check_period} s", ans, floor, None)
    return _row(label, ans, floor, target)


def _register_create(name: str) -> None:
    files = CREATE_CASES[name][1].removeprefix("create_from_data, ")

    def defaults(ctx: Context) -> Row:
        return _bench_create(ctx, name, None)

    def equal(ctx: Context) -> Row:
        return _bench_create(ctx, name, EQUAL_POLL)

    defaults.__doc__ = f"create_from_data with {files}, each SDK with its default settings."
    equal.__doc__ = f"create_from_data with {files}, both SDKs with status_check_period={EQUAL_POLL}."
    benchmark(name, needs_server=True)(defaults)
    benchmark(f"{name}_equal", needs_server=True)(equal)


for _name in CREATE_CASES:
    _register_create(_name)


@contextmanager
def _task_with_frames() -> Iterator[int]:
    from cvat_sdk import make_client

    user, password = _auth()
    with make_client(os.environ["CVAT_TEST_SERVER"], credentials=(user, password)) as client:
        task = client.tasks.create_from_data({"name": "bench frames", "labels": [{"name": "car"}]}, _files("frames100"))
        try:
            yield task.id
        finally:
            task.remove()


@benchmark("download_frames", needs_server=True)
def bench_download_frames(ctx: Context) -> Row:
    """download_frames of 100 frames (original quality)."""
    with _task_with_frames() as task_id:
        ans = _both(ctx, "download_frames", task_id=task_id, frames=100)
        floor = _raw().download_frames(task_id, 100)
    return _row("download_frames, 100 frames", ans, floor, 0.33)


def _export_on_fresh_tasks(ctx: Context, **args: Any) -> tuple[dict[str, dict[str, Any]], float]:
    """Each side, and the raw floor, exports its own new task: CVAT keeps a finished export and
    serves it again, so a side exporting a task already exported would skip the server's work."""
    user, password = _auth()
    ans = {}
    for side in SIDES:
        with _task_with_frames() as task_id:
            ans[side] = ctx.child(
                side, "export", script=CHILD, host=ctx.server, user=user, password=password, task_id=task_id, **args
            )
    with _task_with_frames() as task_id:
        floor = _raw().export(task_id)
    return ans, floor


@benchmark("export", needs_server=True)
def bench_export(ctx: Context) -> Row:
    """export_dataset (CVAT for images 1.1, with images) of a 100-frame task, a new task for each side."""
    ans, floor = _export_on_fresh_tasks(ctx)
    return _row("export_dataset, 100 frames with images", ans, floor, None)


@benchmark("export_equal", needs_server=True)
def bench_export_equal(ctx: Context) -> Row:
    """export_dataset of a new 100-frame task for each side, both with status_check_period=0.1."""
    ans, floor = _export_on_fresh_tasks(ctx, status_check_period=EQUAL_POLL)
    return _row("export_dataset, 100 frames with images, both polling every 0.1 s", ans, floor, None)


@benchmark("list_tasks", needs_server=True)
def bench_list_tasks(ctx: Context) -> Row:
    """tasks.list() over 500 tasks (the official pages through 10 at a time)."""
    from cvat_sdk import make_client
    from cvat_sdk.core.transfers import parallel_map

    user, password = _auth()
    with make_client(os.environ["CVAT_TEST_SERVER"], credentials=(user, password)) as client:
        ids = parallel_map(
            lambda i: client.tasks.create({"name": f"bench list {i}", "labels": [{"name": "x"}]}).id,
            range(500),
            max_workers=4,
        )
        try:
            ans = _both(ctx, "list", expect=500, reps=ctx.reps(3, 1))
            floor = _raw().list_tasks()
        finally:
            client.tasks.remove_by_ids(ids)
    return _row("tasks.list(), 500 tasks", ans, floor, 0.2)
