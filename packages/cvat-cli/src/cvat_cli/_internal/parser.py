"""The command line: global options, the command groups, and the deprecated top-level aliases.

A command is a subparser with `set_defaults(handler=run)`, where `run(ctx, args)` takes a
`common.CommandContext` and the parsed arguments (see `resources.Handler`). Each command module
has `register(subparsers)`, which adds its commands to a group's subparsers; the task commands'
`register` functions (including `auto_annotate.register`) are also run against a stand-in that
adds the deprecated top-level aliases (`create` for `task create`, `dump` for `task
export-dataset`, ...), so an alias always has exactly its target's arguments.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from . import (
    auto_annotate,
    commands_access_tokens,
    commands_functions,
    commands_jobs,
    commands_projects,
    commands_tasks,
)
from .common import (
    ENV_ACCESS_TOKEN,
    ENV_MAX_PARALLEL_TRANSFERS,
    ENV_OFFICIAL_PASSWORD,
    ENV_ORG,
    ENV_PASSWORD,
    ENV_SERVER,
    ENV_USER,
    add_global_arguments,
)

if TYPE_CHECKING:
    from .resources import Subparsers

PROG = "cvat-cli"
# deprecated top-level alias -> the `task` command it runs
DEPRECATED_ALIASES: Mapping[str, str] = {
    "create": "create",
    "ls": "ls",
    "delete": "delete",
    "frames": "frames",
    "dump": "export-dataset",
    "upload": "import-dataset",
    "export": "backup",
    "import": "create-from-backup",
    "auto-annotate": "auto-annotate",
}

_ENVIRONMENT = (
    (ENV_SERVER, "server URL when --server-host is not given"),
    (ENV_ACCESS_TOKEN, "personal access token, used when neither --auth nor --access-token is given"),
    (ENV_USER, "user when neither --auth nor --access-token is given (default: the current user)"),
    (ENV_PASSWORD, f"password for --auth USER (or for the default user); {ENV_OFFICIAL_PASSWORD} also works"),
    (ENV_ORG, "organization (slug) when --org is not given"),
    (ENV_MAX_PARALLEL_TRANSFERS, "upload/download requests in flight at once (default: 4)"),
)
EPILOG = (
    "environment:\n"
    + "".join(f"  {name:<29} {text}\n" for name, text in _ENVIRONMENT)
    + "\nexit codes: 0 success, 1 failure (server, network or input files), 2 bad command line, 130 interrupted\n"
    + 'shell completion: pip install argcomplete; eval "$(register-python-argcomplete cvat-cli)"\n'
)


class _DeprecatedAliases:
    """Stands in for the `task` subparsers: `add_parser("export-dataset", ...)` adds the top-level
    alias `dump` instead, marked deprecated; commands without an alias are built and dropped."""

    def __init__(self, top: Subparsers, aliases: Mapping[str, str]) -> None:
        self._top = top
        self._alias_of = {target: alias for alias, target in aliases.items()}

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        alias = self._alias_of.get(name)
        if alias is None:
            return argparse.ArgumentParser(add_help=False)  # not attached anywhere
        note = f'(Deprecated; use "task {name}" instead.)'
        description = kwargs.get("description")
        kwargs["description"] = f"{description} {note}" if description else note
        kwargs["help"] = f'deprecated: use "task {name}"'
        parser = self._top.add_parser(alias, **kwargs)
        parser.set_defaults(deprecated_alias_of=f"task {name}")
        return parser


def _group(
    commands: Subparsers,
    name: str,
    description: str,
    registrations: Iterable[Callable[[Subparsers], None]],
) -> None:
    parser = commands.add_parser(
        name, help=description[0].lower() + description[1:].rstrip("."), description=description
    )
    subcommands = parser.add_subparsers(required=True)
    for register in registrations:
        register(subcommands)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Perform operations on CVAT resources.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_global_arguments(parser)
    commands = parser.add_subparsers(required=True)
    _group(commands, "function", "Perform operations on CVAT lambda functions.", [commands_functions.register])
    _group(commands, "project", "Perform operations on CVAT projects.", [commands_projects.register])
    task_registrations = [commands_tasks.register, auto_annotate.register]
    _group(commands, "task", "Perform operations on CVAT tasks.", task_registrations)
    _group(commands, "job", "Perform operations on CVAT jobs.", [commands_jobs.register])
    _group(commands, "access-token", "Manage your personal access tokens.", [commands_access_tokens.register])
    aliases = cast("Subparsers", _DeprecatedAliases(commands, DEPRECATED_ALIASES))
    for register in task_registrations:
        register(aliases)
    return parser
