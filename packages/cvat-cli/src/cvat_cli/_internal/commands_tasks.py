"""`task` commands: ls, create, delete, frames, export-dataset, import-dataset, backup, create-from-backup."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .args import non_negative_int, parse_labels
from .common import CommandContext
from .errors import CliError
from .output import field, print_value
from .resources import (
    add_backup_commands,
    add_export_arguments,
    add_frames_arguments,
    add_import_arguments,
    add_listing_arguments,
    add_period_argument,
    download_frames,
    require_input_file,
    retrieve,
    run_export,
    run_import,
    run_listing,
)

if TYPE_CHECKING:
    from .resources import Subparsers

TASK_COLUMNS = (
    field("id"),
    field("name"),
    field("status"),
    field("size"),
    field("project_id", "project"),
    field("owner"),
)
RESOURCE_TYPES = ("local", "share", "remote")
SORTING_METHODS = ("lexicographical", "natural", "predefined", "random")
# `task create` options that go to the task itself; the rest are data (upload) parameters.
_TASK_PARAMS = ("bug_tracker", "project_id", "overlap", "segment_size")
_OPTIONAL_DATA_PARAMS = (
    "chunk_size",
    "frame_step",
    "start_frame",
    "stop_frame",
    "cloud_storage_id",
    "filename_pattern",
)


def register(subparsers: Subparsers) -> None:
    """Add the task commands (also used to add the deprecated top-level aliases)."""
    p = subparsers.add_parser(
        "ls", help="list tasks", description="List all CVAT tasks in either basic or JSON format."
    )
    add_listing_arguments(p)
    p.set_defaults(handler=_ls)

    p = subparsers.add_parser(
        "create",
        help="create a task from local files, files on the server's share, or URLs",
        description="Create a new CVAT task. To create a task, you need to specify labels using the --labels "
        "argument or attach the task to an existing project using the --project_id argument.",
    )
    _add_create_arguments(p)
    p.set_defaults(handler=_create)

    p = subparsers.add_parser(
        "delete", help="delete tasks", description="Delete a list of tasks, ignoring those which don't exist."
    )
    p.add_argument("ids", type=non_negative_int, nargs="+", help="list of task IDs")
    p.set_defaults(handler=_delete)

    p = subparsers.add_parser(
        "frames",
        help="download frames of a task",
        description="Download the requested frame numbers for a task and save images as "
        "task_<ID>_frame_<FRAME>.jpg (the extension is the image's format, e.g. .png).",
    )
    add_frames_arguments(p, what="task")
    p.set_defaults(handler=_frames)

    p = subparsers.add_parser(
        "export-dataset",
        help="export a task as a dataset",
        description="Export a task as a dataset in the specified format (e.g. 'YOLO 1.1').",
    )
    add_export_arguments(p, what="task")
    p.set_defaults(handler=_export_dataset)

    p = subparsers.add_parser(
        "import-dataset",
        help="import annotations into a task",
        description="Import annotations into a task from a dataset in the specified format (e.g. 'YOLO 1.1').",
    )
    add_import_arguments(p, what="task", with_period=False)
    p.set_defaults(handler=_import_dataset)

    add_backup_commands(subparsers, "task")


def _add_create_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="name of the task")
    p.add_argument(
        "resource_type", type=str.lower, choices=RESOURCE_TYPES, help="type of files specified (any letter case)"
    )
    p.add_argument("resources", nargs="+", help="list of paths or URLs")
    p.add_argument("--annotation_path", default="", help="path to annotation file")
    p.add_argument(
        "--annotation_format",
        default="CVAT 1.1",
        help="format of the annotation file being uploaded, e.g. CVAT 1.1 (default: CVAT 1.1)",
    )
    p.add_argument("--bug_tracker", "--bug", help="bug tracker URL")
    p.add_argument("--chunk_size", type=non_negative_int, help="the number of frames per chunk")
    add_period_argument(
        p,
        "number of seconds to wait until checking if data compression finished "
        "(necessary before uploading annotations)",
    )
    p.add_argument(
        "--copy_data",
        action="store_true",
        help="set the option to copy the data, only used when resource type is share (default: False)",
    )
    p.add_argument(
        "--frame_step",
        type=non_negative_int,
        help="set the frame step option in the advanced configuration when uploading image series or videos",
    )
    p.add_argument(
        "--image_quality",
        type=int,
        default=70,
        help="set the image quality option in the advanced configuration when creating tasks.(default: 70)",
    )
    p.add_argument(
        "--labels",
        type=parse_labels,
        default=[],
        help="string or file containing JSON labels specification (default: [])",
    )
    p.add_argument("--project_id", type=non_negative_int, help="project ID if project exists")
    p.add_argument(
        "--overlap", type=non_negative_int, help="the number of intersected frames between different segments"
    )
    p.add_argument("--segment_size", type=non_negative_int, help="the number of frames in a segment")
    p.add_argument(
        "--sorting-method",
        choices=SORTING_METHODS,
        default="lexicographical",
        help="data sorting method (default: lexicographical)",
    )
    p.add_argument("--start_frame", type=non_negative_int, help="the start frame of the video")
    p.add_argument("--stop_frame", type=non_negative_int, help="the stop frame of the video")
    p.add_argument("--use_cache", action="store_true", help="use cache")
    p.add_argument("--use_zip_chunks", action="store_true", help="zip chunks before sending them to the server")
    p.add_argument(
        "--cloud_storage_id",
        type=non_negative_int,
        help="cloud storage ID if you would like to use data from cloud storage",
    )
    p.add_argument(
        "--filename_pattern",
        help="pattern for filtering data from the manifest file for the upload. Only shell-style wildcards are "
        "supported: * - matches everything; ? - matches any single character; [seq] - matches any character "
        "in 'seq'; [!seq] - matches any character not in seq",
    )


def task_spec_and_data_params(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """The task's write request and the data parameters, as the official CLI splits them."""
    given: dict[str, Any] = {
        "image_quality": args.image_quality,
        "copy_data": args.copy_data,
        "sorting_method": args.sorting_method,
        "use_cache": args.use_cache,
        "use_zip_chunks": args.use_zip_chunks,
    }
    given.update({k: getattr(args, k) for k in (*_TASK_PARAMS, *_OPTIONAL_DATA_PARAMS) if getattr(args, k) is not None})
    task_params, data_params = split_create_params(given)
    return {"name": args.name, "labels": args.labels, **task_params}, data_params


def split_create_params(params: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parameters of a new task: (task fields, data parameters); task fields are `_TASK_PARAMS`."""
    task_params = {k: v for k, v in params.items() if k in _TASK_PARAMS}
    return task_params, {k: v for k, v in params.items() if k not in _TASK_PARAMS}


def _ls(ctx: CommandContext, args: argparse.Namespace) -> None:
    run_listing(ctx, ctx.client.tasks, TASK_COLUMNS)


def _create(ctx: CommandContext, args: argparse.Namespace) -> None:
    from cvat_sdk.core.proxies.tasks import ResourceType

    if args.resource_type == "local":
        missing = [r for r in args.resources if not _is_file(r)]
        if missing:
            shown = ", ".join(missing[:5]) + (f" (and {len(missing) - 5} more)" if len(missing) > 5 else "")
            raise CliError(f"{len(missing)} file(s) not found (or not regular files): {shown}")
    if args.annotation_path:
        require_input_file(args.annotation_path, "annotation file")
    if args.project_id is not None and args.labels:
        raise CliError("--labels cannot be used with --project_id: tasks in a project use the project's labels")
    spec, data_params = task_spec_and_data_params(args)
    task = ctx.client.tasks.create_from_data(
        spec,
        args.resources,
        resource_type=ResourceType[args.resource_type.upper()],
        data_params=data_params,
        annotation_path=args.annotation_path,
        annotation_format=args.annotation_format,
        status_check_period=args.status_check_period,
        pbar=ctx.progress(),
    )
    print_value(task.id)


def _is_file(path: str) -> bool:
    from pathlib import Path

    return Path(path).is_file()


def _delete(ctx: CommandContext, args: argparse.Namespace) -> None:
    ctx.client.tasks.remove_by_ids(args.ids)


def _frames(ctx: CommandContext, args: argparse.Namespace) -> None:
    task = retrieve(ctx.client.tasks, "task", args.task_id)
    out_of_range = [f for f in args.frame_ids if f >= task.size]
    if out_of_range:
        raise CliError(
            f"frame(s) {', '.join(map(str, out_of_range))} out of range: task {task.id} has {task.size} frame(s)"
            + (f" (0-{task.size - 1})" if task.size else "")
        )
    download_frames(
        ctx,
        task,
        args.frame_ids,
        outdir=args.outdir,
        quality=args.quality,
        filename_pattern=f"task_{task.id}" + "_frame_{frame_id:06d}{frame_ext}",
    )


def _export_dataset(ctx: CommandContext, args: argparse.Namespace) -> None:
    run_export(ctx, "task")


def _import_dataset(ctx: CommandContext, args: argparse.Namespace) -> None:
    run_import(ctx, "task")
