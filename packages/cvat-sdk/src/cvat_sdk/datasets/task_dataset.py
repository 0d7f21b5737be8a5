"""TaskDataset: a task's frames, annotations and media as a sequence of samples, cached locally."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvat_api import models

from .caching import CacheManager, UpdatePolicy, make_cache_manager
from .common import FrameAnnotations, MediaDownloadPolicy, MediaElement, Sample, UnsupportedDatasetError
from .media import ChunkFrameSource, ServerFrameSource, require_video_decoder
from .tracks import track_shapes

if TYPE_CHECKING:
    import PIL.Image

    from ..core.client import Client


class _FrameMedia(MediaElement):
    __slots__ = ("_frame_index", "_source")

    def __init__(self, source: ChunkFrameSource | ServerFrameSource, frame_index: int) -> None:
        self._source = source
        self._frame_index = frame_index

    def load_image(self) -> PIL.Image.Image:
        return self._source.load(self._frame_index)

    def __getstate__(self) -> tuple[Any, int]:
        return self._source, self._frame_index

    def __setstate__(self, state: tuple[Any, int]) -> None:
        self._source, self._frame_index = state


class TaskDataset:
    """A task on a CVAT server as a sequence of samples, one per frame (deleted frames left out).

    With the default policies, the task's data and annotations are cached under
    `client.config.cache_dir` when the dataset is made, and later datasets of the same task
    download only what changed. Image and video tasks are supported (video frames are decoded
    from the cached chunks with PyAV). With `include_tracks=True`, tracks show up in each frame's
    shapes (see `cvat_sdk.datasets.tracks`); by default, as in the official SDK, they are left out.
    """

    def __init__(
        self,
        client: Client,
        task_id: int,
        *,
        update_policy: UpdatePolicy = UpdatePolicy.IF_MISSING_OR_STALE,
        load_annotations: bool = True,
        media_download_policy: MediaDownloadPolicy = MediaDownloadPolicy.PRELOAD_ALL,
        include_tracks: bool = False,
    ) -> None:
        """Make the dataset of task `task_id` on `client`'s server.

        `update_policy`: when the cache is refreshed (NEVER: no network access at all).
        `load_annotations`: False leaves every sample's `annotations` None.
        `media_download_policy`: PRELOAD_ALL caches every chunk now; FETCH_FRAMES_ON_DEMAND
        fetches each frame when it is loaded (not allowed with UpdatePolicy.NEVER).
        `include_tracks`: add the tracks' per-frame shapes to `annotations.shapes`.
        """
        self._init(
            client,
            task_id,
            update_policy=update_policy,
            load_annotations=load_annotations,
            media_download_policy=media_download_policy,
            include_tracks=include_tracks,
            defer_chunks=False,
        )

    @classmethod
    def _streaming(cls, client: Client, task_id: int, *, load_annotations: bool = False) -> TaskDataset:
        """A PRELOAD_ALL dataset whose chunks download in the background, in frame order, while
        samples are read (a frame's image waits for its chunk); for single-pass consumers."""
        self = cls.__new__(cls)
        self._init(
            client,
            task_id,
            update_policy=UpdatePolicy.IF_MISSING_OR_STALE,
            load_annotations=load_annotations,
            media_download_policy=MediaDownloadPolicy.PRELOAD_ALL,
            include_tracks=False,
            defer_chunks=True,
        )
        return self

    def _init(
        self,
        client: Client,
        task_id: int,
        *,
        update_policy: UpdatePolicy,
        load_annotations: bool,
        media_download_policy: MediaDownloadPolicy,
        include_tracks: bool,
        defer_chunks: bool,
    ) -> None:
        if media_download_policy is MediaDownloadPolicy.FETCH_FRAMES_ON_DEMAND and update_policy is UpdatePolicy.NEVER:
            raise ValueError("MediaDownloadPolicy.FETCH_FRAMES_ON_DEMAND needs the server: it can't be used with NEVER")
        if not isinstance(media_download_policy, MediaDownloadPolicy):
            raise ValueError(f"unknown media download policy {media_download_policy!r}")
        self._logger = client.logger
        self._background_futures: list[Future[Path]] = []
        cache = make_cache_manager(client, update_policy)
        workers = max(1, client.config.max_parallel_transfers)
        pool = ThreadPoolExecutor(workers, thread_name_prefix="cvat-dataset")
        try:
            with cache.task_lock(task_id):
                preload = media_download_policy is MediaDownloadPolicy.PRELOAD_ALL
                snapshot = cache.load_task(task_id, with_annotations=load_annotations, pool=pool, with_chunks=preload)
                task, meta = snapshot.task, snapshot.meta
                if meta is None or not task.size or not task.data_chunk_size:
                    raise UnsupportedDatasetError("The task has no data")
                if str(getattr(task, "dimension", "2d")) == "3d":
                    raise UnsupportedDatasetError("3D tasks are not supported")
                self._task = task
                self._labels = tuple(task.get_labels())
                deleted = set(meta.deleted_frames or ())
                frames = [i for i in range(task.size) if i not in deleted]
                chunk_size = task.data_chunk_size
                chunk_type = str(task.data_original_chunk_type)

                source: ChunkFrameSource | ServerFrameSource
                chunk_futures: list[Future[Path]] = []
                if media_download_policy is MediaDownloadPolicy.PRELOAD_ALL:
                    if chunk_type == "video":
                        require_video_decoder()
                    if update_policy is not UpdatePolicy.NEVER and not defer_chunks:
                        self._logger.info("Downloading chunks...")
                    chunks = sorted({i // chunk_size for i in frames})
                    started = snapshot.chunk_futures
                    chunk_futures = [started.get(c) or pool.submit(cache.ensure_chunk, task, c) for c in chunks]
                    source = ChunkFrameSource(cache.chunk_dir(task.id), chunk_size, chunk_type)
                    if defer_chunks:
                        source = self._deferred_source(source, dict(zip(chunks, chunk_futures, strict=True)), cache)
                else:
                    source = ServerFrameSource(task)
                annotations = snapshot.annotations() if snapshot.annotations is not None else None
                if defer_chunks:
                    self._background_futures = chunk_futures
                else:
                    for future in chunk_futures:
                        future.result()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # no download outlives a failed construction
            raise
        pool.shutdown(wait=not defer_chunks)
        self._source = source

        per_frame = self._group(annotations, frames, task.size, include_tracks) if annotations is not None else None
        names = [f.name for f in meta.frames or ()]
        is_imageset = chunk_type == "imageset"
        self._samples = [
            Sample(
                frame_index=i,
                frame_name=names[i if is_imageset else 0],
                annotations=per_frame[i] if per_frame is not None else None,
                media=_FrameMedia(source, i),
            )
            for i in frames
        ]

    def _deferred_source(
        self, source: ChunkFrameSource, futures: dict[int, Future[Path]], cache: CacheManager
    ) -> ChunkFrameSource:
        """`source`, but a frame's image waits for its chunk's download (running in the background)."""
        task = self._task

        def resolve(chunk_index: int) -> Path:
            future = futures.get(chunk_index)
            return future.result() if future is not None else cache.ensure_chunk(task, chunk_index)

        return ChunkFrameSource(source.chunk_dir, source.chunk_size, source.chunk_type, resolve)

    def _stop_background(self) -> None:
        """Cancel the background chunk downloads that have not started and wait for the others
        (a streaming consumer is done), so that none outlives it."""
        for future in self._background_futures:
            future.cancel()
        wait(self._background_futures)

    @staticmethod
    def _group(
        data: models.LabeledData, frames: Sequence[int], size: int, include_tracks: bool
    ) -> dict[int, FrameAnnotations]:
        per_frame = {i: FrameAnnotations() for i in frames}
        for tag in data.tags:
            target = per_frame.get(tag.frame)  # annotations on deleted frames are left out
            if target is not None:
                target.tags.append(tag)
        for shape in data.shapes:
            target = per_frame.get(shape.frame)
            if target is not None:
                target.shapes.append(shape)
        if include_tracks:
            for track in data.tracks:
                for shape in track_shapes(track, size - 1):
                    target = per_frame.get(shape.frame)
                    if target is not None:
                        target.shapes.append(shape)
        return per_frame

    @property
    def labels(self) -> Sequence[models.Label]:
        """The task's labels (do not modify them)."""
        return self._labels

    @property
    def samples(self) -> Sequence[Sample]:
        """The samples in frame order; deleted frames are left out, so indexes may skip."""
        return self._samples

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_logger", None)
        state.pop("_background_futures", None)
        state["_task"] = None  # holds the client, which does not travel to other processes
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        import logging

        self.__dict__.update(state)
        self._logger = logging.getLogger("cvat_sdk.datasets")
        self._background_futures = []
