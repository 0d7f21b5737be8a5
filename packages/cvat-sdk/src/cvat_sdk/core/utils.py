"""Small utilities: dict filtering and atomic file writing."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TextIO, TypeVar, overload

# A file system path as callers may give it.
StrPath = str | os.PathLike[str]

K = TypeVar("K")
V = TypeVar("V")


def filter_dict(d: Mapping[K, V], *, keep: Sequence[K] | None = None, drop: Sequence[K] | None = None) -> dict[K, V]:
    """The items of `d` whose keys are in `keep` (all, if `keep` is empty or None) and not in `drop`."""
    return {k: v for k, v in d.items() if (not keep or k in keep) and (not drop or k not in drop)}


def create_sibling_temp(path: str | os.PathLike[str], suffix: str = ".tmp") -> tuple[int, Path]:
    """A new, empty temp file in the folder of `path` (same file system, so it can be renamed
    onto `path`); returns its descriptor (open for writing) and path. Permissions follow the
    umask, as for a file opened normally."""
    target = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        candidate = target.with_name(f".{target.name}.{secrets.token_hex(4)}{suffix}")
        try:
            return os.open(candidate, flags, 0o666), candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temp file next to {target}")


@overload
def atomic_writer(
    path: str | os.PathLike[str], mode: Literal["w"], encoding: str = "UTF-8"
) -> contextlib.AbstractContextManager[TextIO]: ...


@overload
def atomic_writer(
    path: str | os.PathLike[str], mode: Literal["wb"], encoding: str = "UTF-8"
) -> contextlib.AbstractContextManager[BinaryIO]: ...


def atomic_writer(
    path: str | os.PathLike[str], mode: Literal["w", "wb"], encoding: str = "UTF-8"
) -> contextlib.AbstractContextManager[IO[Any]]:
    """Write `path` through a temp file next to it: replaced onto `path` when the block ends
    normally, deleted if it raises. `mode` is "w" (text, `encoding`) or "wb"."""
    if mode not in ("w", "wb"):
        raise ValueError(f"Unsupported mode: {mode!r}")
    return _atomic_writer(Path(path), mode, encoding)


@contextlib.contextmanager
def _atomic_writer(path: Path, mode: str, encoding: str) -> Iterator[IO[Any]]:
    fd, tmp = create_sibling_temp(path)
    try:
        with os.fdopen(fd, mode, encoding=encoding if mode == "w" else None) as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def missing_extra(error: ImportError, needed_for: str, extra: str) -> ModuleNotFoundError:
    """The error to raise when an optional dependency is missing: a ModuleNotFoundError naming the
    missing module (`.name`, as callers check) and the extra that installs it."""
    missing = error.name or "a dependency"
    return ModuleNotFoundError(
        f'{needed_for} needs {missing}, which is not installed: pip install "cvat-sdk[{extra}]"', name=error.name
    )
