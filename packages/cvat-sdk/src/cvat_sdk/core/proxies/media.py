"""Frames, chunks, previews and data meta, shared by tasks and jobs."""

from __future__ import annotations

import io
import mimetypes
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from cvat_api import ApiClient, Model, models

from ..exceptions import UnsupportedServerFeatureError
from ..progress import ProgressReporter
from ..transfers import OutputExistsError, parallel_map
from ..transfers.reporting import SharedProgress
from ..utils import StrPath, atomic_writer
from .model_proxy import Entity

_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/bmp": ".bmp",
    "image/tiff": ".tif",
    "image/webp": ".webp",
}


class MediaMixin(Entity):
    """Access to the media of a task or job."""

    def get_frame(self, frame_id: int, *, quality: str | None = None) -> io.BytesIO:
        """One frame's image as the server sends it; `quality` is "original" or "compressed" (server default)."""
        _, response = self.api.retrieve_data(
            self._id, number=frame_id, quality=quality, type="frame", _parse_response=False
        )
        return io.BytesIO(response.data)

    def get_preview(self) -> io.BytesIO:
        """The small preview image."""
        _, response = self.api.retrieve_preview(self._id, _parse_response=False)
        return io.BytesIO(response.data)

    def download_chunk(self, chunk_id: int, output_file: IO[bytes], *, quality: str | None = None) -> None:
        """Stream one data chunk (a zip of images, or a video segment) into `output_file`."""
        _, response = self.api.retrieve_data(
            self._id, number=chunk_id, quality=quality, type="chunk", _parse_response=False
        )
        with response:
            for block in response.stream(1 << 20):
                output_file.write(block)

    def get_meta(self) -> models.DataMetaRead:
        """Frame names and sizes, deleted frames, chunk size, start/stop frames."""
        meta, _ = self.api.retrieve_data_meta(self._id)
        return meta  # type: ignore[no-any-return]

    def get_frames_info(self) -> list[models.FrameMeta]:
        return list(self.get_meta().frames or [])

    def remove_frames_by_ids(self, ids: Sequence[int]) -> None:
        """Mark these frames deleted, keeping frames deleted before (the server's PATCH replaces the list)."""
        deleted = sorted(set(self.get_meta().deleted_frames) | set(ids))
        self._call_patch_data_meta(self._client.api_client, self._id, {"deleted_frames": deleted})

    @staticmethod
    def _call_patch_data_meta(api_client: ApiClient, obj_id: int, data: Model | Mapping[str, Any]) -> None:
        """PATCH of the data meta, by this build's names: the generated skeleton defines it."""
        raise UnsupportedServerFeatureError("this build of the SDK has no data meta update for this object")

    def download_frames(
        self,
        frame_ids: Sequence[int],
        *,
        image_extension: str | None = None,
        outdir: StrPath = ".",
        quality: str = "original",
        filename_pattern: str = "frame_{frame_id:06d}{frame_ext}",
        overwrite: bool = False,
        pbar: ProgressReporter | None = None,
    ) -> list[Path]:
        """Save frames as image files (several fetched at once); returns the paths in `frame_ids` order.

        The server's bytes are written as they are, unless `image_extension` asks for another
        format than the server's, in which case the image is converted. Existing files are an
        error unless `overwrite=True`. `pbar` counts frames.
        """
        out = Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        wanted_ext = ("." + image_extension.lstrip(".").lower()) if image_extension else None

        if not overwrite:  # fail before any request; the extension may depend on the server's format
            exts = [wanted_ext] if wanted_ext else sorted(set(_EXTENSIONS.values()) | {".jpeg"})
            for frame_id in frame_ids:
                for ext in exts:
                    candidate = out / filename_pattern.format(frame_id=frame_id, frame_ext=ext)
                    if candidate.exists():
                        raise OutputExistsError(candidate)

        progress = SharedProgress(pbar)

        def save(frame_id: int, data: bytes, server_ext: str) -> Path:
            ext = wanted_ext or server_ext
            path = out / filename_pattern.format(frame_id=frame_id, frame_ext=ext)
            try:
                with atomic_writer(path, "wb", overwrite=overwrite) as f:  # never replaces a file unless asked
                    if _same_format(ext, server_ext):
                        f.write(data)
                    else:
                        _convert(data, f, ext)
            except FileExistsError:
                raise OutputExistsError(path) from None
            progress.advance(1)
            return path

        def fetch(frame_id: int) -> Path:
            _, response = self.api.retrieve_data(
                self._id, number=frame_id, quality=quality, type="frame", _parse_response=False
            )
            data = response.data
            content_type = response.headers.get("Content-Type", "").split(";")[0]
            return save(frame_id, data, _EXTENSIONS.get(content_type) or _sniff_extension(data))

        ids = list(frame_ids)
        workers = self._client.config.max_parallel_transfers
        with progress.reporter.task(total=len(ids), desc="Downloading frames", unit="frame"):
            chunk_size = self._chunk_size_for_frames(ids, quality)
            if not chunk_size:
                return parallel_map(fetch, ids, max_workers=workers)
            by_chunk: dict[int, list[int]] = {}
            for frame_id in dict.fromkeys(ids):
                by_chunk.setdefault(frame_id // chunk_size, []).append(frame_id)

            def fetch_chunk(chunk: int) -> dict[int, Path]:
                with tempfile.TemporaryFile() as tmp:
                    self.download_chunk(chunk, tmp, quality="original")
                    tmp.seek(0)
                    with zipfile.ZipFile(tmp) as archive:
                        members = archive.infolist()
                        saved = {}
                        for frame_id in by_chunk[chunk]:
                            member = members[frame_id - chunk * chunk_size]
                            ext = Path(member.filename).suffix.lower() or ".jpg"
                            saved[frame_id] = save(frame_id, archive.read(member), ext)
                        return saved

            saved: dict[int, Path] = {}
            for part in parallel_map(fetch_chunk, sorted(by_chunk), max_workers=workers):
                saved.update(part)
            return [saved[frame_id] for frame_id in ids]

    def _chunk_size_for_frames(self, frame_ids: Sequence[int], quality: str) -> int | None:
        """The chunk size, when fetching whole chunks is the cheaper way to get these frames.

        Only original-quality frames of image tasks: their chunks are zips of the very files the
        task was made from, one per frame in order. Chosen when the chunks hold at most twice the
        frames asked for (jobs and honeypot layouts keep per-frame requests).
        """
        return None


def _same_format(a: str, b: str) -> bool:
    jpeg = {".jpg", ".jpeg", ".jpe"}
    return a == b or (a in jpeg and b in jpeg)


def _sniff_extension(data: bytes) -> str:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        mime = Image.MIME.get(im.format or "", "")
    return _EXTENSIONS.get(mime) or mimetypes.guess_extension(mime) or ".jpg"


def _convert(data: bytes, out: IO[bytes], ext: str) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        fmt = Image.registered_extensions().get(ext)
        if fmt is None:
            raise ValueError(f"unknown image extension {ext!r}")
        if fmt == "JPEG" and im.mode not in ("RGB", "L"):
            im = im.convert("RGB")
        im.save(out, format=fmt)
