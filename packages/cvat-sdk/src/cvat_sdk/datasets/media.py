"""Reading frames: from cached chunks (zip archives of images, or video segments) or from the server.

`ChunkFrameSource` is safe to use from several threads and survives `fork` and pickling (each
process opens its own file handles), so datasets built on it work in DataLoader workers.
"""

from __future__ import annotations

import io
import os
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .caching import chunk_extension
from .common import UnsupportedDatasetError

if TYPE_CHECKING:
    import PIL.Image

    from ..core.proxies.tasks import Task

_MAX_OPEN_ZIPS = 8
_VIDEO_CACHE_BYTES = 256 * 2**20  # decoded frames kept per process (at least one chunk's)


def require_video_decoder() -> None:
    """Raise UnsupportedDatasetError unless PyAV (needed to decode video chunks) is installed."""
    try:
        import av  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError as e:
        raise UnsupportedDatasetError(
            'Decoding the frames of a video task needs PyAV: pip install "cvat-sdk[video]" (or av)'
        ) from e


def _open_image(data: bytes) -> PIL.Image.Image:
    """The image encoded in `data`; its header is read now, its pixels when first used (PIL's
    lazy loading), so what only needs the size or nothing of the image pays no decoding."""
    import PIL.Image

    return PIL.Image.open(io.BytesIO(data))


class ChunkFrameSource:
    """Frames of a task from its cached original-quality chunks.

    `resolve(chunk_index)`, if given, returns the chunk's path once it is available (it may
    wait for a download); without it (and after pickling) chunks are expected in `chunk_dir`.
    """

    def __init__(
        self,
        chunk_dir: Path,
        chunk_size: int,
        chunk_type: str,
        resolve: Callable[[int], Path] | None = None,
    ) -> None:
        self.chunk_dir = chunk_dir
        self.chunk_size = chunk_size
        self.chunk_type = chunk_type
        self._resolve = resolve
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._zips: OrderedDict[int, zipfile.ZipFile] = OrderedDict()
        self._decoded: OrderedDict[int, list[PIL.Image.Image]] = OrderedDict()
        self._decoded_bytes = 0

    def __getstate__(self) -> dict[str, Any]:
        return {
            "chunk_dir": self.chunk_dir,
            "chunk_size": self.chunk_size,
            "chunk_type": self.chunk_type,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._resolve = None
        self._reset()

    def _check_process(self) -> None:
        if self._pid != os.getpid():  # forked: the parent's file handles share offsets with it
            self._reset()

    def _path(self, chunk_index: int) -> Path:
        if self._resolve is not None:
            return self._resolve(chunk_index)
        return self.chunk_dir / f"{chunk_index}{chunk_extension(self.chunk_type)}"

    def load(self, frame_index: int) -> PIL.Image.Image:
        """The image of this task frame."""
        self._check_process()
        chunk_index, member_index = divmod(frame_index, self.chunk_size)
        if self.chunk_type == "video":
            return self._load_video_frame(chunk_index, member_index)
        return _open_image(self._read_zip_member(chunk_index, member_index))

    def _read_zip_member(self, chunk_index: int, member_index: int) -> bytes:
        path = self._path(chunk_index)  # outside the lock: it may wait for a download
        with self._lock:
            archive = self._zips.get(chunk_index)
            if archive is None:
                archive = zipfile.ZipFile(path, "r")
                self._zips[chunk_index] = archive
                while len(self._zips) > _MAX_OPEN_ZIPS:
                    _, oldest = self._zips.popitem(last=False)
                    oldest.close()
            else:
                self._zips.move_to_end(chunk_index)
            members = archive.infolist()
            if member_index >= len(members):
                raise UnsupportedDatasetError(
                    f"chunk {chunk_index} has {len(members)} frames; frame {member_index} of it was asked for"
                )
            return archive.read(members[member_index])

    def _load_video_frame(self, chunk_index: int, member_index: int) -> PIL.Image.Image:
        path = self._path(chunk_index)
        with self._lock:
            frames = self._decoded.get(chunk_index)
            if frames is None:
                frames = _decode_video(path)
                self._decoded[chunk_index] = frames
                self._decoded_bytes += sum(f.width * f.height * 3 for f in frames)
                while self._decoded_bytes > _VIDEO_CACHE_BYTES and len(self._decoded) > 1:
                    _, dropped = self._decoded.popitem(last=False)
                    self._decoded_bytes -= sum(f.width * f.height * 3 for f in dropped)
            else:
                self._decoded.move_to_end(chunk_index)
        if member_index >= len(frames):
            raise UnsupportedDatasetError(
                f"video chunk {chunk_index} decodes to {len(frames)} frames; frame {member_index} of it was asked for"
            )
        return frames[member_index].copy()

    def close(self) -> None:
        """Close open chunk files and drop decoded frames."""
        with self._lock:
            for archive in self._zips.values():
                archive.close()
            self._zips.clear()
            self._decoded.clear()
            self._decoded_bytes = 0


def _decode_video(path: Path) -> list[PIL.Image.Image]:
    import av  # type: ignore[import-not-found,unused-ignore]

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        return [frame.to_image() for frame in container.decode(stream)]


class ServerFrameSource:
    """Frames fetched from the server one by one (original quality); nothing is cached."""

    def __init__(self, task: Task) -> None:
        self._task = task

    def __getstate__(self) -> dict[str, Any]:
        raise TypeError(
            "a dataset with MediaDownloadPolicy.FETCH_FRAMES_ON_DEMAND can't be pickled (it needs the client); "
            "use PRELOAD_ALL with worker processes that are not forked"
        )

    def load(self, frame_index: int) -> PIL.Image.Image:
        return _open_image(self._task.get_frame(frame_index, quality="original").getvalue())
