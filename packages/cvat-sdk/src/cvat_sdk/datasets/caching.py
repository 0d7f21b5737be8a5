"""The local cache of task and project data under `Config.cache_dir`, and when it is refreshed.

Layout (the official SDK's, so either SDK can read the other's cache)::

    <cache_dir>/servers/<urlsafe base64 of the server URL>/
        tasks/<id>/task.json          {"model": <TaskRead>, "labels": [<Label>, ...]}
        tasks/<id>/data_meta.json     <DataMetaRead>
        tasks/<id>/annotations.json   <LabeledData>, the server's bytes
        tasks/<id>/chunks/<n>.zip     original-quality chunks (<n>.mp4 for video tasks)
        tasks/<id>.lock               serializes cache updates of the task between processes
        projects/<id>/project.json    {"model": <ProjectRead>, "tasks": [ids], "labels": [...]}

Every file is written to a temp file next to it and renamed into place, so a file that exists
is complete. Online (IF_MISSING_OR_STALE), the task and its labels are always fetched (two small
requests, as in the official SDK). The cached data meta and annotations are used while the
task's `updated_date` is not newer than the cached one; when it is, both are fetched again, and
the cached chunks are dropped only if the new data meta's `chunks_updated_date` changed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from enum import Enum, auto
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from cvat_api import models

from ..core.proxies.projects import Project
from ..core.proxies.tasks import Task
from ..core.transfers import Downloader
from ..core.utils import atomic_writer

if TYPE_CHECKING:
    from ..core.client import Client

T = TypeVar("T")

_TEMP_SUFFIXES = (".tmp", ".part")
_STALE_TEMP_AGE = 3600.0


class UpdatePolicy(Enum):
    """When the local cache is updated from the server."""

    IF_MISSING_OR_STALE = auto()
    """Fetch what is missing from the cache or older than on the server."""

    NEVER = auto()
    """Use only the cache, with no network access at all; what is not cached is an error."""


def chunk_extension(chunk_type: object) -> str:
    """The file extension of a cached chunk of this chunk type ("imageset" or "video")."""
    return ".mp4" if str(chunk_type) == "video" else ".zip"


class CachedTask(Task):
    """A task whose labels come from the cache layer (no request of their own)."""

    def __init__(self, client: Client, model: models.TaskRead, labels: Sequence[models.Label]) -> None:
        super().__init__(client, model)
        self._cached_labels = list(labels)

    def get_labels(self) -> list[models.Label]:
        return list(self._cached_labels)


class CachedProject(Project):
    """A project whose labels and tasks were fetched once (online) or come from the cache (offline)."""

    def __init__(
        self,
        client: Client,
        model: models.ProjectRead,
        task_ids: Sequence[int],
        labels: Sequence[models.Label],
        *,
        cache: CacheManager,
        tasks: Sequence[Task] | None = None,
    ) -> None:
        super().__init__(client, model)
        self._task_ids = list(task_ids)
        self._cached_labels = list(labels)
        self._cache = cache
        self._tasks = list(tasks) if tasks is not None else None

    def get_tasks(self) -> list[Task]:
        if self._tasks is not None:
            return list(self._tasks)
        return [self._cache.retrieve_task(task_id) for task_id in self._task_ids]

    def get_labels(self) -> list[models.Label]:
        return list(self._cached_labels)


@attrs.frozen
class TaskSnapshot:
    """What `load_task` gives: the task (labels included), its data meta (None: the task has no
    data), if asked for, a function returning its annotations (waiting for them if needed), and
    the chunk downloads it started."""

    task: CachedTask
    meta: models.DataMetaRead | None
    annotations: Callable[[], models.LabeledData] | None
    chunk_futures: Mapping[int, Future[Path]] = attrs.field(factory=dict)
    """Chunk downloads already started (by chunk index)."""


class CacheManager:
    """Paths, locking and file access of one server's cache; `make_cache_manager` picks the policy."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._logger: logging.Logger = client.logger
        self._server_dir = Path(client.config.cache_dir) / "servers" / self.server_dir_name

    @property
    def server_dir_name(self) -> str:
        return base64.urlsafe_b64encode(self._client.api_map.host.encode()).rstrip(b"=").decode()

    def task_dir(self, task_id: int) -> Path:
        return self._server_dir / "tasks" / str(task_id)

    def task_json_path(self, task_id: int) -> Path:
        return self.task_dir(task_id) / "task.json"

    def chunk_dir(self, task_id: int) -> Path:
        return self.task_dir(task_id) / "chunks"

    def chunk_path(self, task_id: int, chunk_index: int, chunk_type: object) -> Path:
        return self.chunk_dir(task_id) / f"{chunk_index}{chunk_extension(chunk_type)}"

    def project_dir(self, project_id: int) -> Path:
        return self._server_dir / "projects" / str(project_id)

    def project_json_path(self, project_id: int) -> Path:
        return self.project_dir(project_id) / "project.json"

    # --- files ------------------------------------------------------------------------
    @staticmethod
    def load_json(path: Path) -> Any:
        with open(path, "rb") as f:
            return json.load(f)

    @staticmethod
    def save_json(path: Path, obj: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)  # one pass in C: json.dump is not
        with atomic_writer(path, "w", encoding="UTF-8") as f:
            f.write(text)

    @contextlib.contextmanager
    def task_lock(self, task_id: int) -> Iterator[None]:
        """Hold the task's cache lock (between processes; a no-op where fcntl is missing)."""
        lock_path = self.task_dir(task_id).with_name(f"{task_id}.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            yield
            return
        with open(lock_path, "a+b") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    # --- the policy-specific part --------------------------------------------------------
    def load_task(
        self, task_id: int, *, with_annotations: bool, pool: Executor, with_chunks: bool = False
    ) -> TaskSnapshot:
        """The task, its labels and data meta (and a way to get its annotations), cache updated
        as the policy says; requests that do not depend on each other run on `pool` at once.
        `with_chunks`: the chunks will be needed, so their downloads may start early (see
        `TaskSnapshot.chunk_futures`)."""
        raise NotImplementedError

    def retrieve_task(self, task_id: int) -> CachedTask:
        raise NotImplementedError

    def ensure_data_meta(self, task: Task) -> models.DataMetaRead:
        raise NotImplementedError

    def ensure_annotations(self, task: Task) -> models.LabeledData:
        raise NotImplementedError

    def ensure_chunk(self, task: Task, chunk_index: int) -> Path:
        """The path of this cached chunk, downloaded first if it is missing (online)."""
        raise NotImplementedError

    def retrieve_project(self, project_id: int) -> Project:
        raise NotImplementedError

    def _load_task_json(self, task_id: int) -> tuple[models.TaskRead, list[models.Label]]:
        obj = self.load_json(self.task_json_path(task_id))
        return models.TaskRead.from_dict(obj["model"]), [models.Label.from_dict(x) for x in obj["labels"]]

    def _load_model(self, path: Path, model_type: type[T]) -> T:
        return model_type.from_dict(self.load_json(path))  # type: ignore[attr-defined, no-any-return]


class _OnlineCacheManager(CacheManager):
    """IF_MISSING_OR_STALE: the server is asked; the cache saves what is unchanged since last time."""

    def __init__(self, client: Client) -> None:
        super().__init__(client)
        self._downloader = Downloader(client.api_client, client._transfer_settings(), logger=client.logger)

    def load_task(
        self, task_id: int, *, with_annotations: bool, pool: Executor, with_chunks: bool = False
    ) -> TaskSnapshot:
        self._logger.info("Fetching task %d...", task_id)
        api = self._client.api_client
        # What needs no earlier answer goes out at once: the task, its labels, and what is not
        # cached: the data meta, the annotations, the first chunk.
        meta_path = self.task_dir(task_id) / "data_meta.json"
        early_annotations = with_annotations and not (self.task_dir(task_id) / "annotations.json").exists()
        cold_chunks = with_chunks and not self.chunk_dir(task_id).exists()
        task_future = pool.submit(api.tasks_api.retrieve, task_id)
        labels_future = pool.submit(self._client.labels.list, task_id=task_id)
        meta_future = None if meta_path.exists() else pool.submit(api.tasks_api.retrieve_data_meta, task_id)
        annotations_future = pool.submit(self._annotation_bytes, task_id) if early_annotations else None
        first_chunk = self._start_first_chunk(task_id, pool) if cold_chunks else None

        chunk_futures: dict[int, Future[Path]] = {}
        try:
            model: models.TaskRead = task_future.result()[0]
            has_data = bool(model.get("size") and model.get("data_chunk_size"))
            cache_current = self._reconcile_task_dir(model)
            if first_chunk is not None and has_data:
                # nothing cached: every chunk can start now, without waiting for the meta
                chunk_futures = self._start_all_chunks(model, first_chunk, pool)
        finally:
            if first_chunk is not None and not chunk_futures:  # not needed after all
                first_chunk[0].add_done_callback(lambda _: _unlink(first_chunk[1]))
        labels: list[models.Label] = [label._model for label in labels_future.result()]
        meta: models.DataMetaRead | None = None
        if has_data and meta_future is None and cache_current:
            meta = self._cached_data_meta(task_id)
        if has_data and meta is None:
            if meta_future is None:
                meta_future = pool.submit(api.tasks_api.retrieve_data_meta, task_id)
            meta = meta_future.result()[0]
            if not chunk_futures:
                self._reconcile_chunks(task_id, meta)
            self.save_json(meta_path, meta.to_dict())
        elif meta_future is not None:
            meta_future.exception()  # a task without data may have no meta: not an error here
        self.save_json(
            self.task_json_path(task_id), {"model": model.to_dict(), "labels": [label.to_dict() for label in labels]}
        )
        task = CachedTask(self._client, model, labels)

        def annotations() -> models.LabeledData:
            if annotations_future is None:
                return self.ensure_annotations(task)
            data = annotations_future.result()
            self._save_bytes(self.task_dir(task_id) / "annotations.json", data)
            return models.LabeledData.from_dict(json.loads(data))

        return TaskSnapshot(task, meta, annotations if with_annotations else None, chunk_futures)

    def _chunk_url(self, task_id: int, chunk_index: int) -> str:
        return f"/api/tasks/{task_id}/data/?number={chunk_index}&quality=original&type=chunk"

    def _start_first_chunk(self, task_id: int, pool: Executor) -> tuple[Future[Path], Path]:
        """Chunk 0, fetched before the task says its chunk type: to a temp file beside the task dirs."""
        tasks_dir = self._server_dir / "tasks"
        tasks_dir.mkdir(parents=True, exist_ok=True)
        _remove_temp_files(tasks_dir)
        temp = tasks_dir / f".{task_id}.chunk-0.{secrets.token_hex(4)}.part"
        future = pool.submit(self._downloader.download_file, self._chunk_url(task_id, 0), temp, overwrite=True)
        return future, temp

    def _start_all_chunks(
        self, model: models.TaskRead, first_chunk: tuple[Future[Path], Path], pool: Executor
    ) -> dict[int, Future[Path]]:
        task_id, chunk_type = model.id, model.data_original_chunk_type
        count = -(-model.size // (model.data_chunk_size or 1))
        self.chunk_dir(task_id).mkdir(parents=True, exist_ok=True)
        first_future, temp = first_chunk
        placed: Future[Path] = Future()
        placed.set_running_or_notify_cancel()  # it completes with the download: cancel() can't strand it
        target = self.chunk_path(task_id, 0, chunk_type)

        def place(done: Future[Path]) -> None:
            try:
                done.result()
                os.replace(temp, target)
            except BaseException as e:
                _unlink(temp)
                placed.set_exception(e)
            else:
                placed.set_result(target)

        first_future.add_done_callback(place)
        futures = {0: placed}
        for index in range(1, count):
            futures[index] = pool.submit(self._fetch_chunk, task_id, index, chunk_type)
        return futures

    def _fetch_chunk(self, task_id: int, chunk_index: int, chunk_type: object) -> Path:
        path = self.chunk_path(task_id, chunk_index, chunk_type)
        if not path.exists():
            self._logger.debug("Downloading chunk %d of task %d...", chunk_index, task_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._downloader.download_file(self._chunk_url(task_id, chunk_index), path, overwrite=True)
        return path

    def _annotation_bytes(self, task_id: int) -> bytes:
        self._logger.info("Downloading the annotations of task %d...", task_id)
        _, response = self._client.api_client.tasks_api.retrieve_annotations(task_id, _parse_response=False)
        return bytes(response.data)

    @staticmethod
    def _save_bytes(path: Path, data: bytes) -> None:
        with atomic_writer(path, "wb") as f:
            f.write(data)

    def retrieve_task(self, task_id: int) -> CachedTask:
        with ThreadPoolExecutor(max(1, self._client.config.max_parallel_transfers)) as pool:
            return self.load_task(task_id, with_annotations=False, pool=pool).task

    def _cached_data_meta(self, task_id: int) -> models.DataMetaRead | None:
        try:
            return self._load_model(self.task_dir(task_id) / "data_meta.json", models.DataMetaRead)
        except FileNotFoundError:
            return None
        except Exception:
            self._logger.warning("Failed to load the cached data meta of task %d", task_id, exc_info=True)
            return None

    def _reconcile_task_dir(self, model: models.TaskRead) -> bool:
        """Drop what the server changed since it was cached, and leftovers of interrupted writes.
        True when the cached task is as current as `model` (its cached data meta may be used)."""
        task_dir = self.task_dir(model.id)
        try:
            cached, _ = self._load_task_json(model.id)
        except FileNotFoundError:
            cached = None
        except Exception:
            self._logger.warning("The cache of task %d is corrupted; clearing it", model.id, exc_info=True)
            cached = None
        if cached is None:
            if task_dir.exists():
                shutil.rmtree(task_dir)
        elif cached.updated_date < model.updated_date:
            self._logger.info("Task %d has changed on the server since it was cached; refreshing", model.id)
            with contextlib.suppress(FileNotFoundError):
                (task_dir / "annotations.json").unlink()
        task_dir.mkdir(parents=True, exist_ok=True)
        _remove_temp_files(task_dir)
        _remove_temp_files(self.chunk_dir(model.id))
        return cached is not None and cached.updated_date >= model.updated_date

    def _reconcile_chunks(self, task_id: int, meta: models.DataMetaRead) -> None:
        """Drop the cached chunks unless they are from the chunks the server has now."""
        path = self.task_dir(task_id) / "data_meta.json"
        try:
            cached: models.DataMetaRead | None = self._load_model(path, models.DataMetaRead)
        except FileNotFoundError:
            cached = None
        except Exception:
            self._logger.warning("Failed to load the cached data meta of task %d", task_id, exc_info=True)
            cached = None
        chunk_dir = self.chunk_dir(task_id)
        unchanged = cached is not None and cached.get("chunks_updated_date") == meta.get("chunks_updated_date")
        if not unchanged and chunk_dir.exists():
            self._logger.info("The chunks of task %d have changed on the server; dropping the cached ones", task_id)
            shutil.rmtree(chunk_dir)

    def ensure_data_meta(self, task: Task) -> models.DataMetaRead:
        meta = task.get_meta()
        self._reconcile_chunks(task.id, meta)
        self.save_json(self.task_dir(task.id) / "data_meta.json", meta.to_dict())
        return meta

    def ensure_annotations(self, task: Task) -> models.LabeledData:
        path = self.task_dir(task.id) / "annotations.json"
        try:
            data: models.LabeledData = self._load_model(path, models.LabeledData)
        except FileNotFoundError:
            pass
        except Exception:
            self._logger.warning("Failed to load the cached annotations of task %d", task.id, exc_info=True)
        else:
            self._logger.info("Loaded the annotations of task %d from the cache", task.id)
            return data
        raw = self._annotation_bytes(task.id)
        self._save_bytes(path, raw)
        return models.LabeledData.from_dict(json.loads(raw))

    def ensure_chunk(self, task: Task, chunk_index: int) -> Path:
        return self._fetch_chunk(task.id, chunk_index, task.data_original_chunk_type)

    def retrieve_project(self, project_id: int) -> Project:
        self._logger.info("Fetching project %d...", project_id)
        project = self._client.projects.retrieve(project_id)
        labels = project.get_labels()
        tasks = project.get_tasks()
        model: models.ProjectRead = project._model  # type: ignore[assignment]
        self.save_json(
            self.project_json_path(project_id),
            {"model": model.to_dict(), "tasks": [t.id for t in tasks], "labels": [x.to_dict() for x in labels]},
        )
        return CachedProject(self._client, model, [t.id for t in tasks], labels, cache=self, tasks=tasks)


class _OfflineCacheManager(CacheManager):
    """NEVER: everything comes from the cache; nothing is sent to the server."""

    def load_task(
        self, task_id: int, *, with_annotations: bool, pool: Executor, with_chunks: bool = False
    ) -> TaskSnapshot:
        task = self.retrieve_task(task_id)
        has_data = task._model.get("size") and task._model.get("data_chunk_size")
        meta = self.ensure_data_meta(task) if has_data else None
        return TaskSnapshot(task, meta, _bind(self.ensure_annotations, task) if with_annotations else None)

    def retrieve_task(self, task_id: int) -> CachedTask:
        self._logger.info("Loading task %d from the cache...", task_id)
        try:
            model, labels = self._load_task_json(task_id)
        except FileNotFoundError:
            raise FileNotFoundError(f"Task {task_id} is not cached (make the dataset online once first)") from None
        return CachedTask(self._client, model, labels)

    def ensure_data_meta(self, task: Task) -> models.DataMetaRead:
        return self._load_cached(task.id, "data_meta.json", models.DataMetaRead, "data meta")

    def ensure_annotations(self, task: Task) -> models.LabeledData:
        return self._load_cached(task.id, "annotations.json", models.LabeledData, "annotations")

    def _load_cached(self, task_id: int, name: str, model_type: type[T], what: str) -> T:
        try:
            return self._load_model(self.task_dir(task_id) / name, model_type)
        except FileNotFoundError:
            raise FileNotFoundError(f"The {what} of task {task_id} is not cached") from None

    def ensure_chunk(self, task: Task, chunk_index: int) -> Path:
        path = self.chunk_path(task.id, chunk_index, task.data_original_chunk_type)
        if not path.exists():
            raise FileNotFoundError(f"Chunk {chunk_index} of task {task.id} is not cached")
        return path

    def retrieve_project(self, project_id: int) -> Project:
        self._logger.info("Loading project %d from the cache...", project_id)
        try:
            obj = self.load_json(self.project_json_path(project_id))
        except FileNotFoundError:
            raise FileNotFoundError(
                f"Project {project_id} is not cached (make the dataset online once first)"
            ) from None
        return CachedProject(
            self._client,
            models.ProjectRead.from_dict(obj["model"]),
            obj["tasks"],
            [models.Label.from_dict(x) for x in obj["labels"]],
            cache=self,
        )


def _remove_temp_files(directory: Path) -> None:
    """Delete temp files that interrupted atomic writes left behind (`.<name>.<hex>.tmp|.part`),
    once they are an hour old (a younger one may belong to a download in progress)."""
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return
    cutoff = time.time() - _STALE_TEMP_AGE
    for entry in entries:
        if entry.name.startswith(".") and entry.name.endswith(_TEMP_SUFFIXES):
            with contextlib.suppress(OSError):
                if entry.is_file() and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _bind(fn: Callable[[Task], T], task: Task) -> Callable[[], T]:
    return lambda: fn(task)


def make_cache_manager(client: Client, update_policy: UpdatePolicy) -> CacheManager:
    """The cache manager for this policy."""
    if update_policy is UpdatePolicy.IF_MISSING_OR_STALE:
        return _OnlineCacheManager(client)
    if update_policy is UpdatePolicy.NEVER:
        return _OfflineCacheManager(client)
    raise ValueError(f"unknown update policy {update_policy!r}")
