"""`job` commands (beyond the official CLI): ls, frames, export-dataset, import-dataset."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .args import non_negative_int
from .common import CommandContext
from .output import field
from .resources import (
    add_export_arguments,
    add_frames_arguments,
    add_import_arguments,
    add_listing_arguments,
    download_frames,
    retrieve,
    run_export,
    run_import,
    run_listing,
)

if TYPE_CHECKING:
    from .resources import Subparsers

JOB_COLUMNS = (
    field("id"),
    field("task_id", "task"),
    field("type"),
    field("stage"),
    field("state"),
    field("start_frame", "start"),
    field("stop_frame", "stop"),
    field("assignee"),
)


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser("ls", help="list jobs", description="List CVAT jobs in either basic or JSON format.")
    p.add_argument("--task-id", type=non_negative_int, help="only the jobs of this task")
    p.add_argument("--project-id", type=non_negative_int, help="only the jobs of this project's tasks")
    add_listing_arguments(p)
    p.set_defaults(handler=_ls)

    p = subparsers.add_parser(
        "frames",
        help="download frames of a job",
        description="Download the requested frame numbers (task frame numbers within the job) "
        "and save images as job_<ID>_frame_<FRAME>.<ext>.",
    )
    add_frames_arguments(p, what="job")
    p.set_defaults(handler=_frames)

    p = subparsers.add_parser(
        "export-dataset",
        help="export a job as a dataset",
        description="Export a job as a dataset in the specified format (e.g. 'YOLO 1.1').",
    )
    add_export_arguments(p, what="job")
    p.set_defaults(handler=_export_dataset)

    p = subparsers.add_parser(
        "import-dataset",
        help="import annotations into a job",
        description="Import annotations into a job from a dataset in the specified format (e.g. 'YOLO 1.1').",
    )
    add_import_arguments(p, what="job", with_period=True)
    p.set_defaults(handler=_import_dataset)


def _ls(ctx: CommandContext, args: argparse.Namespace) -> None:
    run_listing(ctx, ctx.client.jobs, JOB_COLUMNS, task_id=args.task_id, project_id=args.project_id)


def _frames(ctx: CommandContext, args: argparse.Namespace) -> None:
    job = retrieve(ctx.client.jobs, "job", args.job_id)
    download_frames(
        ctx,
        job,
        args.frame_ids,
        outdir=args.outdir,
        quality=args.quality,
        filename_pattern=f"job_{job.id}" + "_frame_{frame_id:06d}{frame_ext}",
    )


def _export_dataset(ctx: CommandContext, args: argparse.Namespace) -> None:
    run_export(ctx, "job")


def _import_dataset(ctx: CommandContext, args: argparse.Namespace) -> None:
    run_import(ctx, "job")
