"""`function` commands: create-native, delete and run-agent (the agent that serves a native
function's requests, in agent.py). They need a server with the functions API (CVAT Enterprise or
the cloud; the 2.72 schema)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from .args import non_negative_int
from .auto_annotate import add_function_arguments, load_function
from .common import CommandContext
from .errors import CliError
from .functions import native_function_request
from .output import print_value

if TYPE_CHECKING:
    from .resources import Subparsers


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "create-native",
        help="create a function powered by an agent",
        description="Create a CVAT function that can be powered by an agent running the given local function.",
    )
    p.add_argument("name", help="a human-readable name for the function")
    add_function_arguments(p)
    p.set_defaults(handler=_create_native)

    p = subparsers.add_parser(
        "delete",
        help="delete functions",
        description="Delete a list of functions, ignoring those which don't exist.",
    )
    p.add_argument("function_ids", type=non_negative_int, nargs="+", help="IDs of functions to delete")
    p.set_defaults(handler=_delete)

    p = subparsers.add_parser(
        "run-agent",
        help="process requests for a native function",
        description="Process requests for a given native function, indefinitely: take them from the "
        "function's queue, run the local function and report the results (or failures) to the server. "
        "Stop with Ctrl-C.",
    )
    p.add_argument("function_id", type=non_negative_int, help="ID of the function to process requests for")
    add_function_arguments(p)
    p.add_argument("--burst", action="store_true", help="process all pending requests and then exit")
    p.set_defaults(handler=_run_agent)


def _run_agent(ctx: CommandContext, args: argparse.Namespace) -> None:
    from .agent import run_agent

    function = _load(args)  # before connecting: a broken function is found first
    run_agent(ctx.client, function, args.function_id, burst=args.burst)


def _create_native(ctx: CommandContext, args: argparse.Namespace) -> None:
    from cvat_sdk.exceptions import NotFoundException

    function = _load(args)  # before connecting: a broken function is found first
    body = native_function_request(args.name, function.spec)
    try:
        data, _ = ctx.client.api_client.call_api("/api/functions", "POST", body=body)
    except NotFoundException:
        raise CliError(
            "the server has no functions API (POST /api/functions answered 404): native functions need a CVAT "
            "server that supports them (CVAT Enterprise)"
        ) from None
    function_id = data["id"] if isinstance(data, dict) else data
    ctx.logger.info("Created function #%s: %s", function_id, args.name)
    print_value(function_id)


def _load(args: argparse.Namespace) -> Any:
    from cvat_sdk.core.exceptions import CvatSdkException

    source = args.function_module or args.function_file
    try:
        return load_function(args.function_module, args.function_file, args.function_parameters or {})
    except (CliError, CvatSdkException):
        raise
    except Exception as e:  # the function's own code failed while loading
        raise CliError(f"cannot load the function {str(source)!r}: {type(e).__name__}: {e}") from e


def _delete(ctx: CommandContext, args: argparse.Namespace) -> None:
    failed: list[str] = []
    api_client = ctx.client.api_client
    for function_id in args.function_ids:
        _, response = api_client.call_api(
            "/api/functions/{id}", "DELETE", path_params={"id": function_id}, _check_status=False
        )
        if 200 <= response.status < 300:
            ctx.logger.info("Function #%d deleted", function_id)
        elif response.status == 404:
            ctx.logger.warning("Function #%d not found", function_id)
        else:
            ctx.logger.error("Failed to delete function #%d: %s %s", function_id, response.status, response.reason)
            failed.append(str(function_id))
    if failed:
        raise CliError(f"could not delete function(s) {', '.join(failed)}")
