"""`project` commands: ls, create, delete (official), and export-dataset, import-dataset, backup,
create-from-backup (beyond the official CLI)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from .args import non_negative_int, parse_labels
from .common import CommandContext
from .output import field, print_value
from .resources import (
    add_backup_commands,
    add_export_arguments,
    add_format_argument,
    add_listing_arguments,
    add_period_argument,
    known_format,
    require_input_file,
    retrieve,
    run_export,
    run_listing,
)

if TYPE_CHECKING:
    from .resources import Subparsers

PROJECT_COLUMNS = (field("id"), field("name"), field("status"), field("owner"), field("dimension"))


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "ls", help="list projects", description="List all CVAT projects in either basic or JSON format."
    )
    add_listing_arguments(p)
    p.set_defaults(handler=_ls)

    p = subparsers.add_parser(
        "create",
        help="create a project",
        description="Create a new CVAT project, optionally importing a dataset.",
    )
    p.add_argument("name", help="name of the project")
    p.add_argument("--bug_tracker", "--bug", help="bug tracker URL")
    p.add_argument(
        "--labels",
        type=parse_labels,
        default=[],
        help="string or file containing JSON labels specification (default: [])",
    )
    p.add_argument("--dataset_path", default="", help="path to the dataset file to import")
    p.add_argument(
        "--dataset_format",
        default="CVAT 1.1",
        help="format of the dataset file being uploaded (only applies when --dataset_path is specified; "
        "default: CVAT 1.1)",
    )
    add_period_argument(p, "period between status checks (only applies when --dataset_path is specified; default: 2)")
    p.set_defaults(handler=_create)

    p = subparsers.add_parser(
        "delete",
        help="delete projects",
        description="Delete a list of projects, ignoring those which don't exist.",
    )
    p.add_argument("ids", type=non_negative_int, nargs="+", help="list of project IDs")
    p.set_defaults(handler=_delete)

    p = subparsers.add_parser(
        "export-dataset",
        help="export a project as a dataset",
        description="Export a project as a dataset in the specified format (e.g. 'YOLO 1.1').",
    )
    add_export_arguments(p, what="project")
    p.set_defaults(handler=_export_dataset)

    p = subparsers.add_parser(
        "import-dataset",
        help="import a dataset into a project",
        description="Import a dataset in the specified format (e.g. 'COCO 1.0') into a project; "
        "the project's tasks are created from it.",
    )
    p.add_argument("project_id", type=non_negative_int, help="project ID")
    p.add_argument("filename", help="upload file")
    add_format_argument(p, "CVAT 1.1")
    add_period_argument(p, "time interval between checks if the import has finished, in seconds")
    p.set_defaults(handler=_import_dataset)

    add_backup_commands(subparsers, "project")


def _ls(ctx: CommandContext, args: argparse.Namespace) -> None:
    run_listing(ctx, ctx.client.projects, PROJECT_COLUMNS)


def _create(ctx: CommandContext, args: argparse.Namespace) -> None:
    if args.dataset_path:
        require_input_file(args.dataset_path, "dataset file")
    spec: dict[str, Any] = {"name": args.name, "labels": args.labels}
    if args.bug_tracker is not None:
        spec["bug_tracker"] = args.bug_tracker
    project = ctx.client.projects.create_from_dataset(
        spec,
        dataset_path=args.dataset_path,
        dataset_format=args.dataset_format,
        status_check_period=args.status_check_period,
        pbar=ctx.progress(),
    )
    print_value(project.id)


def _delete(ctx: CommandContext, args: argparse.Namespace) -> None:
    ctx.client.projects.remove_by_ids(args.ids)


def _export_dataset(ctx: CommandContext, args: argparse.Namespace) -> None:
    run_export(ctx, "project")


def _import_dataset(ctx: CommandContext, args: argparse.Namespace) -> None:
    path = require_input_file(args.filename, "dataset file")
    project = retrieve(ctx.client.projects, "project", args.project_id)
    with known_format(ctx, args.fileformat, "importers"):
        project.import_dataset(args.fileformat, path, status_check_period=args.status_check_period, pbar=ctx.progress())
