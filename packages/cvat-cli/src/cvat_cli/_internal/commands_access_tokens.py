"""`access-token` commands (beyond the official CLI; CVAT 2.48 and newer): create, ls, revoke."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .args import non_negative_int
from .common import CommandContext
from .output import field
from .resources import add_listing_arguments, run_listing

if TYPE_CHECKING:
    from .resources import Subparsers

TOKEN_COLUMNS = (
    field("id"),
    field("name"),
    field("read_only"),
    field("expiry_date", "expires"),
    field("last_used_date", "last used"),
)


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "create",
        help="create a personal access token",
        description="Create a personal access token of the logged-in user and print its value (shown only "
        "this once). Needs a password login (--auth): the server does not let a token make tokens.",
    )
    p.add_argument("name", help="a name to recognise the token by")
    p.add_argument("--expiry-date", metavar="DATE", help="when it stops working (ISO 8601, e.g. 2030-01-31)")
    p.add_argument("--read-only", action="store_true", help="allow only reading (GET) requests")
    p.set_defaults(handler=_create)

    p = subparsers.add_parser("ls", help="list your access tokens", description="List your personal access tokens.")
    add_listing_arguments(p)
    p.set_defaults(handler=_ls)

    p = subparsers.add_parser(
        "revoke", help="revoke access tokens", description="Revoke personal access tokens: they stop working at once."
    )
    p.add_argument("token_ids", type=non_negative_int, nargs="+", metavar="token_id", help="ids of the tokens")
    p.set_defaults(handler=_revoke)


def _create(ctx: CommandContext, args: argparse.Namespace) -> None:
    spec = {"name": args.name, "expiry_date": args.expiry_date, "read_only": args.read_only}
    token = ctx.client.access_tokens.create(spec)
    ctx.log.redactor.add(token.value)  # printed once on stdout, never logged
    ctx.logger.info("Created access token #%s %r; its value is shown only now", token.id, token.name)
    print(token.value)


def _ls(ctx: CommandContext, args: argparse.Namespace) -> None:
    run_listing(ctx, ctx.client.access_tokens, TOKEN_COLUMNS)


def _revoke(ctx: CommandContext, args: argparse.Namespace) -> None:
    ctx.client.access_tokens.remove_by_ids(args.token_ids)
