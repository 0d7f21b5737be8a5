"""Live-server transfer measurements in a fresh interpreter of one side: `child_transfers.py TASK JSON_ARGS`.

Both sides run the same high-level code (our SDK is a drop-in for the official one), so the
difference measured is the SDK's. Prints one JSON object: seconds, peak RSS, or {"error": ...}.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

SPEC = {"name": "bench task", "labels": [{"name": "car"}]}


def _client(host: str, user: str, password: str, status_check_period: float | None = None) -> Any:
    """A logged-in client; `status_check_period` (for the equal-settings rows) is set on its config,
    which both SDKs read when they poll a background request."""
    from cvat_sdk import make_client

    client = make_client(host, credentials=(user, password))
    if status_check_period is not None:
        client.config.status_check_period = status_check_period
    return client


def _peak_rss_mib() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(func: Callable[[], Any]) -> dict[str, Any]:
    try:
        t0 = time.perf_counter()
        func()
        seconds = time.perf_counter() - t0
    except Exception as e:
        return {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()}
    return {"seconds": seconds, "peak_rss_mib": _peak_rss_mib()}


def task_create(
    side: str,
    host: str,
    user: str,
    password: str,
    files: list[str],
    reps: int,
    status_check_period: float | None = None,
) -> dict[str, Any]:
    """create_from_data(files), `reps` times; each task is deleted afterwards (not timed)."""
    client = _client(host, user, password, status_check_period)
    times, created = [], []
    try:
        for _ in range(reps):
            result: dict[str, Any] = {}
            out = _measure(lambda r=result: r.setdefault("task", client.tasks.create_from_data(SPEC, files)))
            if "error" in out:
                return out
            times.append(out["seconds"])
            created.append(result["task"].id)
            if result["task"].size != len(files):
                return {"error": f"task has {result['task'].size} frames, expected {len(files)}"}
    finally:
        for task_id in created:
            client.tasks.retrieve(task_id).remove()
    return {"times": times, "peak_rss_mib": _peak_rss_mib()}


def task_download_frames(side: str, host: str, user: str, password: str, task_id: int, frames: int) -> dict[str, Any]:
    client = _client(host, user, password)
    task = client.tasks.retrieve(task_id)
    with tempfile.TemporaryDirectory() as out:
        return _measure(lambda: task.download_frames(list(range(frames)), outdir=out, quality="original"))


def task_list(side: str, host: str, user: str, password: str, expect: int, reps: int) -> dict[str, Any]:
    client = _client(host, user, password)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        tasks = client.tasks.list()
        times.append(time.perf_counter() - t0)
        if len(tasks) < expect:
            return {"error": f"listed {len(tasks)} tasks, expected at least {expect}"}
    return {"times": times, "peak_rss_mib": _peak_rss_mib()}


def task_export(
    side: str, host: str, user: str, password: str, task_id: int, status_check_period: float | None = None
) -> dict[str, Any]:
    client = _client(host, user, password, status_check_period)
    task = client.tasks.retrieve(task_id)
    with tempfile.TemporaryDirectory() as out:
        return _measure(lambda: task.export_dataset("CVAT for images 1.1", Path(out) / "d.zip", include_images=True))


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "create": task_create,
    "download_frames": task_download_frames,
    "list": task_list,
    "export": task_export,
}

if __name__ == "__main__":
    name, args = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(TASKS[name](**args)))
