# PYTHON_ARGCOMPLETE_OK
"""Entry point: `cvat-cli ...`, `python -m cvat_cli ...`, or `main([...])` from Python."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings

from ._internal.common import CommandContext
from ._internal.errors import EXIT_ERROR, EXIT_OK, EXIT_USAGE, CliError, describe, is_unexpected
from ._internal.logs import cli_logging
from ._internal.parser import build_parser


def _enable_completion(parser: argparse.ArgumentParser) -> None:
    """Shell completion through argcomplete, when it is installed and the shell asks for it."""
    if "_ARGCOMPLETE" not in os.environ:
        return
    try:
        argcomplete = importlib.import_module("argcomplete")
    except ImportError:
        return
    argcomplete.autocomplete(parser)


def _parse(parser: argparse.ArgumentParser, args: list[str] | None) -> argparse.Namespace | int:
    try:
        return parser.parse_args(args)
    except SystemExit as e:  # --help, --version and usage errors
        code = e.code
        return code if isinstance(code, int) else (EXIT_OK if code is None else EXIT_USAGE)


def main(args: list[str] | None = None) -> int:
    """Run one command line (default: `sys.argv[1:]`); returns the exit code. An unexpected
    exception (not a failure of the server, the network, the input or the command line; see
    `errors.is_unexpected`) is logged, then raised, as the official `main` raises it."""
    parser = build_parser()
    _enable_completion(parser)
    parsed = _parse(parser, args)
    if isinstance(parsed, int):
        return parsed

    with cli_logging(debug=parsed.debug, quiet=parsed.quiet) as log:
        logger = log.logger
        alias_of = getattr(parsed, "deprecated_alias_of", None)
        if alias_of:
            logger.warning('This command is deprecated. Use "%s" instead.', alias_of)
        ctx = CommandContext(parsed, log)
        try:
            with warnings.catch_warnings():
                if parsed.insecure:  # asked for: no warning on every request
                    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
                    logger.warning("TLS certificate checks are off (--insecure)")
                handler = getattr(parsed, "handler", None)
                if handler is None:
                    raise CliError("internal error: this command has no handler")
                handler(ctx, parsed)
        except BaseException as e:
            if isinstance(e, SystemExit):
                raise
            explained = ctx.explain(e)
            message, code = describe(explained)
            if parsed.debug and (not isinstance(e, CliError) or e.__cause__ is not None):
                logger.debug("Traceback of the failure:", exc_info=True)
            logger.critical("%s", message)
            if is_unexpected(explained):
                raise  # as the official main(): the caller's own exceptions reach it (console_main exits 1)
            return code
        finally:
            try:
                ctx.close()
            finally:
                sys.stdout.flush()
    return EXIT_OK


def console_main() -> None:
    """The `cvat-cli` command: exits 1 on an unexpected exception (its message is logged already)."""
    try:
        code = main()
    except Exception:
        code = EXIT_ERROR
    sys.exit(code)


if __name__ == "__main__":
    console_main()
