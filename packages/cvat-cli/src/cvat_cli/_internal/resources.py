"""Command pieces shared by tasks, projects and jobs: listings, lookups, local file checks,
dataset export/import, backups and frame downloads."""

from __future__ import annotations

import argparse
import difflib
import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .args import non_negative_int, parse_bool, positive_float
from .common import CommandContext
from .errors import CliError
from .output import Column, print_listing, print_value

if TYPE_CHECKING:
    from typing import TypeAlias

    Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

Handler = Callable[[CommandContext, argparse.Namespace], None]
"""A command: `parser.set_defaults(handler=run)`; `run(ctx, args)` raises CliError for user errors."""

DEFAULT_PERIOD = 2.0  # the official CLI's --completion_verification_period default


# --- arguments ----------------------------------------------------------------------------------
def add_period_argument(parser: argparse.ArgumentParser, help: str) -> None:  # noqa: A002
    parser.add_argument(
        "--completion_verification_period",
        dest="status_check_period",
        metavar="STATUS_CHECK_PERIOD",
        type=positive_float,
        default=DEFAULT_PERIOD,
        help=help,
    )


def add_listing_arguments(parser: argparse.ArgumentParser) -> None:
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument(
        "--json", dest="output", action="store_const", const="json", default="ids", help="output JSON data"
    )
    shape.add_argument("--table", dest="output", action="store_const", const="table", help="output a table")
    parser.add_argument(
        "--filter",
        metavar="JSON_LOGIC",
        help='server-side filter, e.g. \'{"==":[{"var":"name"},"my task"]}\' (CVAT\'s JSON Logic filter)',
    )
    parser.add_argument("--search", metavar="TEXT", help="show only objects whose name, owner etc. contain TEXT")
    parser.add_argument(
        "--sort",
        metavar="FIELDS",
        help="sort by these comma-separated fields; a leading '-' sorts descending (write --sort=-id)",
    )


def add_format_argument(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--format",
        dest="fileformat",
        metavar="FILEFORMAT",
        default=default,
        help=f"annotation format (default: {default})",
    )


def add_export_arguments(parser: argparse.ArgumentParser, *, what: str) -> None:
    parser.add_argument(f"{what}_id", type=non_negative_int, help=f"{what} ID")
    parser.add_argument("filename", help="output file")
    add_format_argument(parser, "CVAT for images 1.1")
    add_period_argument(parser, "number of seconds to wait until checking if dataset building finished")
    parser.add_argument(
        "--with-images",
        dest="include_images",
        metavar="INCLUDE_IMAGES",
        type=parse_bool,
        default=False,
        help="Whether to include images or not (default: False)",
    )
    add_overwrite_argument(parser)


def add_import_arguments(parser: argparse.ArgumentParser, *, what: str, with_period: bool) -> None:
    """The arguments of `<what> import-dataset` (the official task command has no period option)."""
    parser.add_argument(f"{what}_id", type=non_negative_int, help=f"{what} ID")
    parser.add_argument("filename", help="upload file")
    add_format_argument(parser, "CVAT 1.1")
    if with_period:
        add_period_argument(parser, "time interval between checks if the import has finished, in seconds")


def add_overwrite_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--overwrite", action="store_true", help="replace the output file if it exists")


def add_frames_arguments(parser: argparse.ArgumentParser, *, what: str) -> None:
    parser.add_argument(f"{what}_id", type=non_negative_int, help=f"{what} ID")
    parser.add_argument("frame_ids", type=non_negative_int, nargs="+", help="list of frame IDs to download")
    parser.add_argument("--outdir", default="", help="directory to save images (default: CWD)")
    parser.add_argument(
        "--quality",
        choices=("original", "compressed"),
        default="original",
        help="choose quality of images (default: original)",
    )


# --- checks done before any network access -------------------------------------------------------
def require_input_file(path: str, what: str = "file") -> Path:
    p = Path(path)
    if not p.exists():
        raise CliError(f"{what} not found: {path}")
    if not p.is_file():
        raise CliError(f"{what} is not a regular file: {path}")
    return p


def require_output_file(path: str, *, overwrite: bool) -> Path:
    """The output file, checked before anything is asked of the server. A folder (an existing one,
    or a path ending in a separator, made here) means: save under the server's file name there."""
    from cvat_sdk.core.transfers.downloads import names_a_folder

    p = Path(path)
    if names_a_folder(path):
        p.mkdir(parents=True, exist_ok=True)
        return p
    if not p.parent.is_dir():
        raise CliError(f"the output directory does not exist: {p.parent}")
    if p.exists() and not overwrite:
        raise CliError(f"{path} already exists (use --overwrite to replace it)")
    return p


# --- server objects ------------------------------------------------------------------------------
def retrieve(repo: Any, what: str, obj_id: int) -> Any:
    """`repo.retrieve(obj_id)`, with a 404 told as "task 5 not found"."""
    from cvat_sdk.exceptions import NotFoundException

    try:
        return repo.retrieve(obj_id)
    except NotFoundException:
        raise CliError(
            f"{what} {obj_id} not found (or not visible to this user in this organization context)"
        ) from None


def run_listing(ctx: CommandContext, repo: Any, columns: Sequence[Column], **filters: Any) -> None:
    args = ctx.args
    for name in ("filter", "search", "sort"):
        value = getattr(args, name, None)
        if value is not None:
            filters[name] = value
    items = repo.list(return_json=True, **{k: v for k, v in filters.items() if v is not None})
    print_listing(items, mode=args.output, columns=columns)


def _repo(ctx: CommandContext, what: str) -> Any:
    return getattr(ctx.client, what + "s")  # "task" -> client.tasks


def run_export(ctx: CommandContext, what: str) -> None:
    """Export a task, project or job (`what`) as a dataset; local checks first."""
    args = ctx.args
    path = require_output_file(args.filename, overwrite=args.overwrite)
    entity = retrieve(_repo(ctx, what), what, getattr(args, f"{what}_id"))
    with known_format(ctx, args.fileformat, "exporters"):
        entity.export_dataset(
            args.fileformat,
            path,
            include_images=args.include_images,
            status_check_period=args.status_check_period,
            pbar=ctx.progress(),
            overwrite=args.overwrite,
        )


def run_import(ctx: CommandContext, what: str) -> None:
    """Import an annotation file into a task or job (`what`); local checks first."""
    args = ctx.args
    path = require_input_file(args.filename, "annotation file")
    entity = retrieve(_repo(ctx, what), what, getattr(args, f"{what}_id"))
    with known_format(ctx, args.fileformat, "importers"):
        entity.import_annotations(
            args.fileformat, path, status_check_period=getattr(args, "status_check_period", None), pbar=ctx.progress()
        )


@contextmanager
def known_format(ctx: CommandContext, name: str, kind: str) -> Iterator[None]:
    """Run the block; if the server refuses it (400) and `name` is none of its `kind` ("exporters" or
    "importers"), fail with a CliError listing the names it has (asked only then: no extra request
    on success)."""
    try:
        yield
    except Exception as e:
        if _status_of(e) != 400:
            raise
        formats, _ = ctx.client.api_client.server_api.retrieve_annotation_formats()
        names = [f.name for f in getattr(formats, kind)]
        if name in names:
            raise
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        direction = "export" if kind == "exporters" else "import"
        raise CliError(
            f"unknown {direction} format {name!r}: {hint}this server's {direction} formats are "
            + ", ".join(repr(n) for n in sorted(names))
        ) from e


def _status_of(error: BaseException) -> int | None:
    """The HTTP status of an API error, or of the API error behind a transfer error."""
    for e in (error, error.__cause__, error.__context__):
        status = getattr(e, "status", None)
        if isinstance(status, int):
            return status
    return None


def run_backup(ctx: CommandContext, what: str) -> None:
    args = ctx.args
    path = require_output_file(args.filename, overwrite=args.overwrite)
    entity = retrieve(_repo(ctx, what), what, getattr(args, f"{what}_id"))
    entity.download_backup(
        path, status_check_period=args.status_check_period, pbar=ctx.progress(), overwrite=args.overwrite
    )


def run_restore(ctx: CommandContext, what: str) -> None:
    args = ctx.args
    path = require_input_file(args.filename, "backup file")
    restored = _repo(ctx, what).create_from_backup(
        path, status_check_period=args.status_check_period, pbar=ctx.progress()
    )
    print_value(restored.id)


@functools.cache
def _backup_handlers(what: str) -> tuple[Callable[..., None], Callable[..., None]]:
    """One backup and one restore handler per kind, shared by a command and its deprecated alias."""
    return (lambda ctx, args: run_backup(ctx, what)), (lambda ctx, args: run_restore(ctx, what))


def add_backup_commands(subparsers: Subparsers, what: str) -> None:
    """The `backup` and `create-from-backup` commands of tasks and projects."""
    p = subparsers.add_parser("backup", help=f"download a {what} backup", description=f"Download a {what} backup.")
    p.add_argument(f"{what}_id", type=non_negative_int, help=f"{what} ID")
    p.add_argument("filename", help="output file")
    add_period_argument(p, "time interval between checks if archive building has been finished, in seconds")
    add_overwrite_argument(p)
    p.set_defaults(handler=_backup_handlers(what)[0])

    p = subparsers.add_parser(
        "create-from-backup", help=f"restore a {what} from a backup", description=f"Create a {what} from a backup file."
    )
    p.add_argument("filename", help="upload file")
    add_period_argument(p, "time interval between checks if archive processing was finished, in seconds")
    p.set_defaults(handler=_backup_handlers(what)[1])


def download_frames(
    ctx: CommandContext, entity: Any, frame_ids: Sequence[int], *, outdir: str, quality: str, filename_pattern: str
) -> list[Path]:
    """Save frames (several at once) with a progress bar counting frames; existing files are replaced."""
    paths: list[Path] = entity.download_frames(
        list(dict.fromkeys(frame_ids)),
        outdir=outdir or ".",
        quality=quality,
        filename_pattern=filename_pattern,
        overwrite=True,
        pbar=ctx.progress(),
    )
    for path in paths:
        ctx.logger.debug("Saved %s", path)
    ctx.logger.info("Saved %d frame(s) to %s", len(paths), Path(outdir or ".").resolve())
    return paths
