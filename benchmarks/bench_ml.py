"""ML benchmarks against a live server (CVAT_TEST_SERVER): TaskDataset and annotate_task, 300 frames.

The parent (our venv) makes one 300-frame image task with annotations; each measurement runs in
a fresh process of either side (this file is also the child script), after an untimed warm-up
call in that process. Every call starts from an empty cache. Credentials come from
CVAT_TEST_USER / CVAT_TEST_PASSWORD.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import OFFICIAL, OURS, WORK_DIR, Context, Row, Skip, benchmark, median, spread

FRAMES = 300
SHAPES_PER_FRAME = 10
IMAGE_SIZE = (320, 240)
TASK_NAME = "ml-bench-300"


# --- the parent: setting up the task --------------------------------------------------------------


def _credentials() -> tuple[str, str]:
    user, password = os.environ.get("CVAT_TEST_USER"), os.environ.get("CVAT_TEST_PASSWORD")
    if not (user and password):
        raise Skip("set CVAT_TEST_USER and CVAT_TEST_PASSWORD (a user of CVAT_TEST_SERVER)")
    return user, password


def _images() -> list[Path]:
    """300 deterministic JPEG frames (a gradient and a moving block), made once in .bench/."""
    from PIL import Image, ImageDraw

    folder = WORK_DIR / "ml-frames"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(FRAMES):
        path = folder / f"frame_{i:04d}.jpg"
        if not path.exists():
            image = Image.linear_gradient("L").resize(IMAGE_SIZE).convert("RGB")
            ImageDraw.Draw(image).rectangle([i % 280, 40, i % 280 + 40, 120], fill=(200, 30, 30))
            image.save(path, quality=90)
        paths.append(path)
    return paths


class _BenchTask:
    """The 300-frame task (with SHAPES_PER_FRAME rectangles per frame), removed at the end."""

    def __enter__(self) -> int:
        from cvat_sdk import make_client

        self.client = make_client(os.environ["CVAT_TEST_SERVER"], credentials=_credentials())
        spec = {"name": TASK_NAME, "labels": [{"name": "car"}, {"name": "person"}]}
        self.task = self.client.tasks.create_from_data(spec, _images(), data_params={"image_quality": 90})
        label_id = self.task.get_labels()[0].id
        shapes = [
            {"type": "rectangle", "frame": f, "label_id": label_id, "points": [k, k, k + 20.5, k + 30.25]}
            for f in range(FRAMES)
            for k in range(SHAPES_PER_FRAME)
        ]
        self.task.update_annotations({"shapes": shapes}, action="create")
        return int(self.task.id)

    def __exit__(self, *exc: object) -> None:
        try:
            self.task.remove()
        finally:
            self.client.close()


def _row(ctx: Context, label: str, child_task: str, task_id: int, target: float | None) -> Row:
    processes, per_process = ctx.reps(5, 1), ctx.reps(3, 1)  # the server's timings vary: many samples
    assert ctx.server
    times: dict[str, list[float]] = {OURS: [], OFFICIAL: []}
    notes = []
    for _ in range(processes):  # alternate the sides, so that both see the same server state
        for side in (OFFICIAL, OURS):
            answer = ctx.child(
                side, child_task, script=Path(__file__), host=ctx.server, task_id=task_id, reps=per_process
            )
            if "error" in answer:
                notes.append(f"{side} FAILED: {answer['error']}")
            else:
                times[side] += answer["times"]
    notes += [f"{side} {spread(t)}" for side, t in times.items() if t]
    return Row(
        label,
        median(times[OURS]) if times[OURS] else None,
        median(times[OFFICIAL]) if times[OFFICIAL] else None,
        "s",
        target=target,
        note="; ".join(notes),
    )


@benchmark("ml_dataset", needs_server=True)
def bench_task_dataset(ctx: Context) -> Row:
    """TaskDataset of a 300-frame image task from a cold cache, then every image loaded."""
    _credentials()
    with _BenchTask() as task_id:
        return _row(
            ctx,
            f"TaskDataset, {FRAMES} frames, {FRAMES * SHAPES_PER_FRAME} shapes, cold cache + iterate",
            "dataset",
            task_id,
            0.5,
        )


@benchmark("ml_annotate", needs_server=True)
def bench_annotate_task(ctx: Context) -> Row:
    """annotate_task with a trivial function (one box per frame, from the image's size) over 300
    frames, cold cache."""
    _credentials()
    with _BenchTask() as task_id:
        return _row(ctx, f"annotate_task, trivial function (image size), {FRAMES} frames", "annotate", task_id, 0.5)


@benchmark("ml_annotate_pixels", needs_server=True)
def bench_annotate_task_pixels(ctx: Context) -> Row:
    """As ml_annotate, but the function reads a pixel, so every frame must be decoded (ours
    decodes lazily, so the trivial function above costs it no decoding). Shown without a target:
    the issue's target is for the trivial function."""
    _credentials()
    with _BenchTask() as task_id:
        return _row(
            ctx, f"annotate_task, trivial function reading pixels, {FRAMES} frames", "annotate_pixels", task_id, None
        )


# --- the child: runs in a fresh interpreter of either side ------------------------------------------


def _client(host: str) -> Any:
    from cvat_sdk import make_client

    client = make_client(host, credentials=(os.environ["CVAT_TEST_USER"], os.environ["CVAT_TEST_PASSWORD"]))
    import logging

    client.logger.setLevel(logging.WARNING)
    return client


def _timed_with_empty_cache(client: Any, func: Any, reps: int) -> list[float]:
    """`reps` timings of `func()`, each with a new, empty cache dir, after one untimed warm-up call
    (so that lazy imports and connections are not counted, as in child.py's `timed`)."""
    times = []
    for rep in range(reps + 1):
        with tempfile.TemporaryDirectory() as cache:
            client.config.cache_dir = Path(cache)
            t0 = time.perf_counter()
            func()
            if rep:
                times.append(time.perf_counter() - t0)
    return times


def child_dataset(host: str, task_id: int, reps: int) -> dict[str, Any]:
    from cvat_sdk.datasets import TaskDataset

    client = _client(host)

    def build_and_iterate() -> None:
        dataset = TaskDataset(client, task_id)
        for sample in dataset.samples:
            sample.media.load_image().load()  # decoded on both sides (ours decodes lazily)
        assert len(dataset.samples) == FRAMES

    return {"times": _timed_with_empty_cache(client, build_and_iterate, reps)}


def child_annotate(host: str, task_id: int, reps: int, read_pixels: bool = False) -> dict[str, Any]:
    import cvat_sdk.auto_annotation as cvataa

    class OneBox:
        spec = cvataa.DetectionFunctionSpec(labels=[cvataa.label_spec("car", 0)])

        def detect(self, context: Any, image: Any) -> list[Any]:
            if read_pixels:
                image.getpixel((0, 0))
            return [cvataa.rectangle(0, [1, 1, image.width / 2, image.height / 2])]

    client = _client(host)
    return {"times": _timed_with_empty_cache(client, lambda: cvataa.annotate_task(client, task_id, OneBox()), reps)}


def child_annotate_pixels(host: str, task_id: int, reps: int) -> dict[str, Any]:
    return child_annotate(host, task_id, reps, read_pixels=True)


CHILD_TASKS = {"dataset": child_dataset, "annotate": child_annotate, "annotate_pixels": child_annotate_pixels}


def main() -> None:
    task, args = sys.argv[1], json.loads(sys.argv[2])
    args.pop("side", None)
    try:
        result = CHILD_TASKS[task](**args)
    except Exception as e:  # reported as a failed measurement, not a crash of the run
        import traceback

        result = {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()[-2000:]}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
