"""Checking the files to upload and splitting them into Upload-Multiple groups and TUS files."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from .errors import MissingFilesError, UploadError
from .settings import SERVER_MAX_REQUEST_SIZE, MiB, TransferSettings

# A file sent in a multipart request must leave room for the framing under the server's limit.
MAX_GROUPED_FILE_SIZE = SERVER_MAX_REQUEST_SIZE - MiB


@dataclass(frozen=True)
class LocalFile:
    """A file to upload: where it is, its size, and the name the server gets (its basename)."""

    path: Path
    size: int

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Group:
    """Small files sent together in one Upload-Multiple request, in the user's order."""

    files: tuple[LocalFile, ...]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


@dataclass(frozen=True)
class Single:
    """A file sent by itself over TUS."""

    file: LocalFile


Job = Union[Group, Single]


def check_files(files: Sequence[str | os.PathLike[str]]) -> list[LocalFile]:
    """The files with their sizes; raises before anything is sent if some are missing or if two
    share a name (the server stores files by basename, so one would overwrite the other)."""
    paths = [Path(f) for f in files]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise MissingFilesError(missing)
    by_name: dict[str, list[Path]] = {}
    for p in paths:
        by_name.setdefault(p.name, []).append(p)
    clashes = [same for same in by_name.values() if len(same) > 1]
    if clashes:
        shown = "; ".join(" and ".join(str(p) for p in same) for same in clashes[:10])
        raise UploadError(
            f"files to upload must have distinct names (the server stores them by name): {shown}",
            filenames=[p for same in clashes for p in same],
        )
    return [LocalFile(p, p.stat().st_size) for p in paths]


def plan_jobs(files: Sequence[LocalFile], settings: TransferSettings) -> list[Job]:
    """Groups of consecutive small files and single big files, in the user's order.

    Concatenating the jobs' files gives back the input order, so with one worker the server
    receives the files in exactly that order.
    """
    threshold = min(settings.tus_threshold, MAX_GROUPED_FILE_SIZE)
    jobs: list[Job] = []
    current: list[LocalFile] = []
    current_size = 0

    def close_group() -> None:
        nonlocal current, current_size
        if current:
            jobs.append(Group(tuple(current)))
            current, current_size = [], 0

    for f in files:
        if f.size > threshold:
            close_group()
            jobs.append(Single(f))
            continue
        if current and (current_size + f.size > settings.group_size or len(current) >= settings.group_max_files):
            close_group()
        current.append(f)
        current_size += f.size
    close_group()
    return jobs
