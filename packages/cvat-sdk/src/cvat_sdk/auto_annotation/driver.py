"""annotate_task: run a detection function over a task's frames and upload what it finds.

The task's chunks download in the background, in frame order, while the function runs on the
calling thread; when the function is slow enough for it to pay, the next frames are decoded
ahead on background threads (see _ReadAhead). Results go up in
batches of whole frames, in frame order, on another background thread: a batch is sent once
it holds BATCH_MAX_SHAPES shapes or BATCH_MAX_SECONDS have passed since the last one, and the
rest at the end. When something fails midway (the function, reading a frame, Ctrl-C), the
frames finished before the failure are uploaded before the error is raised; if the process
is killed, every batch sent before stays on the task.
"""

from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from cvat_api import UNSET, models

from ..core.progress import NullProgressReporter, ProgressReporter
from ..core.proxies.tasks import Task
from ..datasets.task_dataset import TaskDataset
from .exceptions import BadFunctionError
from .interface import DetectionFunction, DetectionFunctionContext, DetectionFunctionSpec
from .mapping import AnnotationMapper

if TYPE_CHECKING:
    import PIL.Image

    from ..core.client import Client
    from ..datasets.common import Sample

BATCH_MAX_SHAPES = 5000
BATCH_MAX_SECONDS = 30.0
READ_AHEAD_FRAMES = 8
READ_AHEAD_WORKERS = 2  # images decode in parallel (PIL releases the GIL)
# Decoding ahead pays when the function takes clearly longer per frame than handing a frame to
# another thread costs (about 0.1-0.2 ms of CPU, measured with 320x240 JPEGs); it is decided on
# the first PROBE_FRAMES frames.
READ_AHEAD_ABOVE_SECONDS = 0.001
PROBE_FRAMES = 4


class _Context(DetectionFunctionContext):
    __slots__ = ("_conf_threshold", "_conv_mask_to_poly", "_frame_name")

    def __init__(self, frame_name: str, conf_threshold: float | None, conv_mask_to_poly: bool) -> None:
        self._frame_name = frame_name
        self._conf_threshold = conf_threshold
        self._conv_mask_to_poly = conv_mask_to_poly

    @property
    def frame_name(self) -> str:
        return self._frame_name

    @property
    def conf_threshold(self) -> float | None:
        return self._conf_threshold

    @property
    def conv_mask_to_poly(self) -> bool:
        return self._conv_mask_to_poly


_END = object()


def _decoded(sample: Sample) -> PIL.Image.Image:
    image = sample.media.load_image()
    image.load()
    return image


class _ReadAhead:
    """The samples with their images, in order.

    The first PROBE_FRAMES images go to the caller undecoded (their pixels decode when the caller
    first uses them). If the caller then spends more than READ_AHEAD_ABOVE_SECONDS per frame on
    average, the next `depth` frames are decoded ahead on `workers` threads, overlapping the
    caller's work; otherwise the images keep going undecoded, which costs a caller that needs no
    pixels nothing, and one that does the same as decoding them here.
    """

    def __init__(self, samples: Sequence[Sample], depth: int, workers: int = READ_AHEAD_WORKERS) -> None:
        self._samples = iter(samples)
        self._depth = max(1, depth)
        self._workers = max(1, workers)
        self._pool: ThreadPoolExecutor | None = None
        self._window: collections.deque[tuple[Sample, Future[PIL.Image.Image]]] = collections.deque()

    def __iter__(self) -> Iterator[tuple[Sample, PIL.Image.Image]]:
        working = 0.0
        clock = time.perf_counter
        for count, sample in enumerate(self._samples, start=1):
            image = sample.media.load_image()  # a frame that could not be read raises here, in frame order
            handed = clock()
            yield sample, image
            working += clock() - handed
            if count == PROBE_FRAMES and working > READ_AHEAD_ABOVE_SECONDS * count:
                break
        else:
            return
        self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="cvat-read-ahead")
        self._fill()
        while self._window:
            sample, future = self._window.popleft()
            image = future.result()
            self._fill()
            yield sample, image

    def _fill(self) -> None:
        assert self._pool is not None  # noqa: S101
        while len(self._window) < self._depth:
            sample = next(self._samples, None)
            if sample is None:
                return
            self._window.append((sample, self._pool.submit(_decoded, sample)))

    def close(self) -> None:
        """Stop reading: frames not started are dropped, the ones being read are waited for."""
        for _, future in self._window:
            future.cancel()
        self._window.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True)


class _Uploader:
    """Sends batches of shapes to the task in order; on a thread of its own unless `threaded` is off."""

    def __init__(self, client: Client, task_id: int, *, clear_existing: bool, threaded: bool) -> None:
        self._client = client
        self._task_id = task_id
        self._replace_next = clear_existing  # the first request replaces the old annotations
        self._pending: list[models.LabeledShapeRequest | models.LabeledImageRequest] = []
        self._pending_frames: list[int] = []
        self._last_flush = time.monotonic()
        self._error: BaseException | None = None
        self._sent_up_to: int | None = None
        self._queue: queue.Queue[Any] | None = None
        self._thread: threading.Thread | None = None
        if threaded:
            self._queue = queue.Queue()
            self._thread = threading.Thread(target=self._run, name="cvat-upload", daemon=True)
            self._thread.start()

    def add(self, frame: int, shapes: list[models.LabeledShapeRequest | models.LabeledImageRequest]) -> None:
        """Record a finished frame; sends a batch when one is due."""
        self._raise_if_failed()
        self._pending.extend(shapes)
        self._pending_frames.append(frame)
        due = len(self._pending) >= BATCH_MAX_SHAPES or time.monotonic() - self._last_flush >= BATCH_MAX_SECONDS
        if due and (self._pending or self._replace_next):
            self.flush()

    def flush(self) -> None:
        """Send the finished frames (nothing to send: no request, unless old annotations must go)."""
        if not self._pending and not self._replace_next:
            self._pending_frames.clear()
            return
        batch = (self._pending, self._pending_frames[-1] if self._pending_frames else None, self._replace_next)
        self._pending, self._pending_frames = [], []
        self._replace_next = False
        self._last_flush = time.monotonic()
        if self._queue is not None:
            self._queue.put(batch)
        else:
            self._send(*batch)

    def _run(self) -> None:
        assert self._queue is not None  # noqa: S101
        while True:
            batch = self._queue.get()
            if batch is _END:
                return
            if self._error is None:
                try:
                    self._send(*batch)
                except BaseException as e:
                    self._error = e

    def _send(self, annotations: list[Any], last_frame: int | None, replace: bool) -> None:
        shapes = [a for a in annotations if isinstance(a, models.LabeledShapeRequest)]
        tags = [a for a in annotations if isinstance(a, models.LabeledImageRequest)]
        with_tags = tags or UNSET  # none: not sent (the server takes a missing list as empty)
        api_client = self._client.api_client
        if replace:
            Task._call_put_annotations(
                api_client, self._task_id, models.LabeledDataRequest(shapes=shapes, tags=with_tags)
            )
        else:
            Task._call_patch_annotations(
                api_client, self._task_id, "create", models.PatchedLabeledDataRequest(shapes=shapes, tags=with_tags)
            )
        if last_frame is not None:
            self._sent_up_to = last_frame
        self._client.logger.debug(
            "Uploaded %d shapes and %d tags to task %d (frames up to %s)",
            len(shapes),
            len(tags),
            self._task_id,
            last_frame,
        )

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def discard_unsent_replacement(self) -> bool:
        """With `clear_existing`, before the first batch went up: forget the finished frames, so
        the task's annotations stay as they were. True if there was such a replacement to drop."""
        if not self._replace_next:
            return False
        self._replace_next = False
        self._pending, self._pending_frames = [], []
        return True

    def close(self) -> None:
        """Wait for the batches sent so far; raises the first upload error."""
        if self._queue is not None and self._thread is not None:
            self._queue.put(_END)
            self._thread.join()
            self._queue = None
        self._raise_if_failed()

    @property
    def sent_up_to(self) -> int | None:
        """The last frame whose results are on the server (None: none yet)."""
        return self._sent_up_to


def annotate_task(
    client: Client,
    task_id: int,
    function: DetectionFunction,
    *,
    pbar: ProgressReporter | None = None,
    clear_existing: bool = False,
    allow_unmatched_labels: bool = False,
    conf_threshold: float | None = None,
    conv_mask_to_poly: bool = False,
) -> None:
    """Run `function` on every frame of task `task_id` and add what it finds to the task.

    The function's labels are matched to the task's by name (see `DetectionFunction`); its
    shapes get the task's label ids, their frame number and source "auto". A function that
    breaks its interface raises BadFunctionError. `clear_existing`: the task's annotations are
    replaced instead of added to. `allow_unmatched_labels`: labels, sublabels and attributes
    the task lacks are dropped instead of raising. `conf_threshold` (None or 0..1) and
    `conv_mask_to_poly` are passed to the function in its context; with `conv_mask_to_poly`, a
    mask in the output raises BadFunctionError. `pbar` reports progress over the frames.

    Results are uploaded in batches while the function runs; see this module's docstring for
    what is kept when a run fails.
    """
    if pbar is None:
        pbar = NullProgressReporter()
    if conf_threshold is not None and not 0 <= conf_threshold <= 1:
        raise ValueError("conf_threshold must be None or a number between 0 and 1")

    spec = function.spec
    if not isinstance(spec, DetectionFunctionSpec):
        raise BadFunctionError(f"function spec is a {type(spec).__name__}, not a DetectionFunctionSpec")

    serial = client.config.max_parallel_transfers <= 1  # one request at a time, all from this thread
    if serial:
        dataset = TaskDataset(client, task_id, load_annotations=False)
    else:
        dataset = TaskDataset._streaming(client, task_id)
    try:
        mapper = AnnotationMapper(
            client.logger,
            spec.labels,
            dataset.labels,
            allow_unmatched_labels=allow_unmatched_labels,
            conv_mask_to_poly=conv_mask_to_poly,
        )
        _run(
            client, task_id, function, dataset, mapper, pbar, clear_existing, serial, conf_threshold, conv_mask_to_poly
        )
    finally:
        dataset._stop_background()


def _run(
    client: Client,
    task_id: int,
    function: DetectionFunction,
    dataset: TaskDataset,
    mapper: AnnotationMapper,
    pbar: ProgressReporter,
    clear_existing: bool,
    serial: bool,
    conf_threshold: float | None,
    conv_mask_to_poly: bool,
) -> None:
    logger = client.logger
    samples = dataset.samples
    uploader = _Uploader(client, task_id, clear_existing=clear_existing, threaded=not serial)
    logger.info("Annotating task %d (%d frames); results are uploaded as they come", task_id, len(samples))
    frames = detect_frames(function, samples, mapper, pbar, conf_threshold, conv_mask_to_poly)
    try:
        for frame, shapes in frames:
            uploader.add(frame, shapes)
    except BaseException:
        frames.close()
        _save_finished_frames(uploader, logger, task_id)
        raise
    logger.info("Uploading annotations to task %d...", task_id)
    uploader.flush()
    uploader.close()
    logger.info("Upload complete")


def detect_frames(
    function: DetectionFunction,
    samples: Sequence[Sample],
    mapper: AnnotationMapper,
    pbar: ProgressReporter,
    conf_threshold: float | None,
    conv_mask_to_poly: bool,
) -> Generator[tuple[int, list[Any]], None, None]:
    """Run `function` on each sample in order: (frame index, its shapes and tags checked and
    rewritten for the task by `mapper`). Images are decoded ahead when that pays; `pbar` counts the
    frames. (The loop of `annotate_task`, and of the function agent, which reports the results
    instead of uploading them.)"""
    reader = _ReadAhead(samples, READ_AHEAD_FRAMES)
    try:
        with pbar.task(total=len(samples), unit="samples"):
            for sample, image in pbar.iter(reader):
                shapes = list(function.detect(_Context(sample.frame_name, conf_threshold, conv_mask_to_poly), image))
                mapper.validate_and_remap(shapes, sample.frame_index)
                yield sample.frame_index, shapes
    finally:
        reader.close()


def _save_finished_frames(uploader: _Uploader, logger: logging.Logger, task_id: int) -> None:
    """After a failure: upload the frames finished so far, logging (not raising) upload errors.
    With `clear_existing`, a run that fails before its first batch changes nothing on the server."""
    if uploader.discard_unsent_replacement():
        try:
            uploader.close()
        except Exception as e:  # noqa: BLE001 - the run's own failure is what is raised
            logger.error("Could not upload the annotations finished before the failure: %s", e)
        logger.warning(
            "Annotating task %d failed before any results were uploaded; its annotations are unchanged", task_id
        )
        return
    try:
        uploader.flush()
        uploader.close()
    except Exception as e:
        logger.error("Could not upload the annotations finished before the failure: %s", e)
    done = uploader.sent_up_to
    if done is None:
        logger.warning("Annotating task %d failed before any results were uploaded", task_id)
    else:
        logger.warning("Annotating task %d failed; the results for frames up to %d are on the server", task_id, done)
