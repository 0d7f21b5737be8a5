"""Request bodies streamed from disk: a region of a file (TUS PATCH) and a multipart/form-data body.

Both are file-like objects with a known length (`len()`), so `requests` sends a Content-Length
and reads them in small blocks: memory use does not depend on file or group size. They can be
rewound (`seek(0)`), report how far they have been read, and stop a transfer in flight when
the `cancel` event is set.
"""

from __future__ import annotations

import bisect
import io
import mimetypes
import os
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


class TransferCancelled(Exception):
    """Raised inside a body read when the transfer it belongs to was cancelled."""


class _StreamBody(io.RawIOBase):
    """A read-only, seekable body of known length made of segments; subclasses provide them."""

    def __init__(self, *, on_read: Callable[[int], None] | None = None, cancel: threading.Event | None = None) -> None:
        super().__init__()
        self._pos = 0
        self._on_read = on_read
        self._cancel = cancel
        self.max_read = 0  # how far the body has been read (survives rewinds)
        self.local_error: OSError | None = None  # a failure to read the local file, if one happened

    # -- to be provided ------------------------------------------------------------------------
    @property
    def length(self) -> int:
        raise NotImplementedError

    def _read_at(self, pos: int, size: int) -> bytes:
        raise NotImplementedError

    # -- file-like -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.length

    @property
    def fully_read(self) -> bool:
        """True once every byte was handed to the sender (so the server may have the whole request)."""
        return self.max_read >= self.length

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.length}[whence]
        self._pos = min(max(0, base + offset), self.length)
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        if self._cancel is not None and self._cancel.is_set():
            raise TransferCancelled("the transfer was cancelled")
        remaining = self.length - self._pos
        if size is None or size < 0 or size > remaining:
            size = remaining
        if size == 0:
            return b""
        try:
            data = self._read_at(self._pos, size)
        except OSError as e:  # the HTTP stack would report it as a network failure: keep the real cause
            self.local_error = e
            raise
        self._pos += len(data)
        if self._pos > self.max_read:
            if self._on_read is not None:
                counted = self._payload_between(self.max_read, self._pos)
                if counted:
                    self._on_read(counted)
            self.max_read = self._pos
        return data

    def _payload_between(self, start: int, end: int) -> int:
        """How many bytes of payload (what progress counts) lie in [start, end) of the body."""
        return end - start

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        return self.read(-1)


class FileRegion(_StreamBody):
    """`length` bytes of the file at `path` from `offset` on: the body of one TUS PATCH."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        offset: int,
        length: int,
        *,
        on_read: Callable[[int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        super().__init__(on_read=on_read, cancel=cancel)
        self._path = Path(path)
        self._offset = offset
        self._length = length
        self._file: BinaryIO | None = None

    @property
    def length(self) -> int:
        return self._length

    def _read_at(self, pos: int, size: int) -> bytes:
        if self._file is None:
            self._file = open(self._path, "rb")  # noqa: SIM115 - closed by close()
        self._file.seek(self._offset + pos)
        data = self._file.read(size)
        if len(data) != size:
            raise OSError(f"{self._path} changed while being uploaded (it is shorter than before)")
        return data

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()


@dataclass(frozen=True)
class FilePart:
    """A file part of a multipart body: form field `field`, sent as `filename`, read from `path`."""

    field: str
    path: Path
    size: int
    filename: str


@dataclass(frozen=True)
class _Segment:
    start: int
    data: bytes | None  # literal bytes, or None for the file content of `part`
    part: FilePart | None
    length: int


class MultipartBody(_StreamBody):
    """A multipart/form-data body of text fields and files, read from disk as it is sent.

    `on_read` is told how many bytes of *file content* were read (progress), not counting the
    multipart framing; each byte once, even if the body is rewound. One file is open at a time.
    """

    def __init__(
        self,
        fields: Mapping[str, str],
        files: Sequence[FilePart],
        *,
        boundary: str | None = None,
        on_read: Callable[[int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        super().__init__(on_read=on_read, cancel=cancel)
        self.boundary = boundary or secrets.token_hex(16)
        self._segments: list[_Segment] = []
        self._starts: list[int] = []
        self._open: tuple[Path, BinaryIO] | None = None
        pos = 0

        def add(data: bytes | None, part: FilePart | None = None) -> None:
            nonlocal pos
            length = len(data) if data is not None else part.size if part else 0
            if length:
                self._segments.append(_Segment(pos, data, part, length))
                self._starts.append(pos)
            pos += length

        dash = f"--{self.boundary}\r\n".encode()
        for name, value in fields.items():
            disposition = f'Content-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'
            add(dash + disposition.encode() + value.encode() + b"\r\n")
        for part in files:
            ctype = mimetypes.guess_type(part.filename)[0] or "application/octet-stream"
            head = (
                f'Content-Disposition: form-data; name="{_quote(part.field)}"; filename="{_quote(part.filename)}"\r\n'
                f"Content-Type: {ctype}\r\n\r\n"
            )
            add(dash + head.encode("utf-8"))
            add(None, part)
            add(b"\r\n")
        add(f"--{self.boundary}--\r\n".encode())
        self._length = pos

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def length(self) -> int:
        return self._length

    def _overlapping(self, start: int, end: int) -> Iterator[tuple[_Segment, int, int]]:
        """(segment, offset in it, byte count) for each segment overlapping [start, end)."""
        index = max(0, bisect.bisect_right(self._starts, start) - 1)
        while index < len(self._segments) and start < end:
            seg = self._segments[index]
            inner = start - seg.start
            take = min(seg.length - inner, end - start)
            if take > 0:
                yield seg, inner, take
                start += take
            index += 1

    def _read_at(self, pos: int, size: int) -> bytes:
        out = bytearray()
        for seg, inner, take in self._overlapping(pos, pos + size):
            if seg.data is not None:
                out += seg.data[inner : inner + take]
            else:
                assert seg.part is not None
                out += self._read_file(seg.part, inner, take)
        return bytes(out)

    def _payload_between(self, start: int, end: int) -> int:
        return sum(take for seg, _, take in self._overlapping(start, end) if seg.data is None)

    def _read_file(self, part: FilePart, offset: int, size: int) -> bytes:
        if self._open is None or self._open[0] != part.path:
            self._close_file()
            self._open = (part.path, open(part.path, "rb"))  # noqa: SIM115 - closed by _close_file()
        f = self._open[1]
        f.seek(offset)
        data = f.read(size)
        if len(data) != size:
            raise OSError(f"{part.path} changed while being uploaded (it is shorter than before)")
        return data

    def _close_file(self) -> None:
        if self._open is not None:
            self._open[1].close()
            self._open = None

    def close(self) -> None:
        self._close_file()
        super().close()


def _quote(value: str) -> str:
    """A quoted-string header parameter: backslashes and quotes escaped, line breaks percent-encoded."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "%0D").replace("\n", "%0A")
