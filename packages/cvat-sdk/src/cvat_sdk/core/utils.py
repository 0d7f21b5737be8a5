"""Small utilities: dict filtering and atomic file writing."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
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


def place_file(tmp: Path, target: Path, *, overwrite: bool) -> None:
    """Move the finished temp file `tmp` onto `target`. Without `overwrite` this never replaces a
    file, even one created a moment ago: the file is hard-linked into place (which fails if the
    target exists; FileExistsError) and the temp name unlinked."""
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise FileExistsError(errno.EEXIST, "the file appeared while it was being written", os.fspath(target)) from None
    except OSError:  # no hard links on this file system: exclusive create, then copy
        with open(target, "xb") as out, open(tmp, "rb") as src:
            shutil.copyfileobj(src, out)
    tmp.unlink()


@overload
def atomic_writer(
    path: str | os.PathLike[str], mode: Literal["w"], encoding: str = "UTF-8", *, overwrite: bool = True
) -> contextlib.AbstractContextManager[TextIO]: ...


@overload
def atomic_writer(
    path: str | os.PathLike[str], mode: Literal["wb"], encoding: str = "UTF-8", *, overwrite: bool = True
) -> contextlib.AbstractContextManager[BinaryIO]: ...


def atomic_writer(
    path: str | os.PathLike[str], mode: Literal["w", "wb"], encoding: str = "UTF-8", *, overwrite: bool = True
) -> contextlib.AbstractContextManager[IO[Any]]:
    """Write `path` through a temp file next to it: placed onto `path` when the block ends
    normally (see `place_file`: with `overwrite=False` an existing file is never replaced and
    FileExistsError is raised), deleted if it raises. `mode` is "w" (text, `encoding`) or "wb"."""
    if mode not in ("w", "wb"):
        raise ValueError(f"Unsupported mode: {mode!r}")
    return _atomic_writer(Path(path), mode, encoding, overwrite)


@contextlib.contextmanager
def _atomic_writer(path: Path, mode: str, encoding: str, overwrite: bool) -> Iterator[IO[Any]]:
    fd, tmp = create_sibling_temp(path)
    try:
        with os.fdopen(fd, mode, encoding=encoding if mode == "w" else None) as f:
            yield f
        place_file(tmp, path, overwrite=overwrite)
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
