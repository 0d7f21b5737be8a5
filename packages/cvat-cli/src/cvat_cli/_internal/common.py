"""Global options, connection settings (flags > environment > defaults), the client, the command context.

Precedence, highest first (the variables are the SDK's, `cvat_sdk.core.environment`):

* server: `--server-host` (+ `--server-port`) > `CVAT_SERVER` > `http://localhost`;
* credentials: `--auth USER[:PASS]` or `--access-token TOKEN` (one of them) > `CVAT_ACCESS_TOKEN`
  > `CVAT_USER` (else the current OS user) with a password;
* the password of a user: `:PASS` in `--auth` > `CVAT_PASSWORD` > `PASS` (the official CLI's) > a prompt;
* organization: `--org` > `CVAT_ORG` > none.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from cvat_sdk.core import environment

from ..version import VERSION
from .args import parse_auth
from .errors import CliError, server_message
from .logs import CliLogging
from .progress import make_reporter

if TYPE_CHECKING:
    from cvat_sdk import Client
    from cvat_sdk.core.client import Credentials
    from cvat_sdk.core.progress import ProgressReporter

ENV_SERVER = environment.SERVER
ENV_ACCESS_TOKEN = environment.ACCESS_TOKEN
ENV_USER = environment.USER
ENV_PASSWORD = environment.PASSWORD
ENV_OFFICIAL_PASSWORD = environment.OFFICIAL_CLI_PASSWORD
ENV_ORG = environment.ORG
ENV_MAX_PARALLEL_TRANSFERS = "CVAT_MAX_PARALLEL_TRANSFERS"
DEFAULT_HOST = "http://localhost"


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return "user"


def add_global_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=VERSION)
    parser.add_argument("--insecure", action="store_true", help="Allows to disable SSL certificate check")
    credentials = parser.add_mutually_exclusive_group()
    credentials.add_argument(
        "--auth",
        type=parse_auth,
        metavar="USER:[PASS]",
        help="defaults to the current user and supports the PASS environment variable or password prompt "
        f"(default user: {current_user()}).",
    )
    credentials.add_argument(
        "--access-token",
        metavar="TOKEN",
        help=f"personal access token (CVAT > 2.42) instead of a password; prefer the {ENV_ACCESS_TOKEN} "
        "environment variable, which stays out of the shell history",
    )
    parser.add_argument(
        "--server-host", help=f"host (default: {DEFAULT_HOST}, or the {ENV_SERVER} environment variable)"
    )
    parser.add_argument("--server-port", type=int, help="port (default: 80 for http and 443 for https connections)")
    parser.add_argument(
        "--organization",
        "--org",
        metavar="SLUG",
        help="short name (slug) of the organization to use when listing or creating resources; "
        "set to blank string to use the personal workspace "
        "(default: list all accessible objects, create in personal workspace)",
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("--debug", action="store_true", help="show debug output (never credentials)")
    verbosity.add_argument(
        "-q", "--quiet", action="store_true", help="show only warnings and errors on stderr, and no progress bars"
    )


@dataclass(frozen=True)
class ConnectionSettings:
    """Where to connect and how to authenticate, after flags, environment and defaults are resolved."""

    url: str
    user: str | None  # None: token auth
    password: str | None = field(default=None, repr=False)  # None with a user: ask at login
    # how to ask for the credentials at login, when no password is known (None: ask for the password)
    ask: Callable[[str], Credentials] | None = field(default=None, repr=False, compare=False)
    access_token: str | None = field(default=None, repr=False)
    organization: str | None = None
    verify_ssl: bool = True
    max_parallel_transfers: int | None = None


def resolve_connection(args: argparse.Namespace, environ: Mapping[str, str]) -> ConnectionSettings:
    """Connection settings from the parsed global options and the environment (see the module doc)."""
    env = environment.read(environ, official_cli_password=True)
    host = args.server_host or env.server or DEFAULT_HOST
    url = host.strip().rstrip("/")
    if args.server_port:
        url += f":{args.server_port}"

    user: str | None
    password: str | None = None
    token: str | None = None
    # what authenticates when the command line says nothing (computed first, as the official CLI
    # computes it as the --auth default)
    default_credentials = default_auth_factory(environ)
    ask: Callable[[str], Credentials] | None = None
    if args.auth is not None:
        user, password = args.auth
    elif args.access_token:
        user, token = None, args.access_token
    else:  # nothing on the command line: the official default (an env token, else the OS user)
        ask = default_credentials
        if env.access_token:
            user, token = None, env.access_token
        else:
            user = env.user or current_user()
    if user is not None and password is None:
        password = env.password

    workers: int | None = None
    raw = environ.get(ENV_MAX_PARALLEL_TRANSFERS)
    if raw:
        try:
            workers = int(raw)
        except ValueError:
            workers = 0
        if workers < 1:
            raise CliError(f"{ENV_MAX_PARALLEL_TRANSFERS} must be a whole number >= 1, not {raw!r}")
    return ConnectionSettings(
        url=url,
        user=user,
        password=password,
        access_token=token,
        ask=ask,
        organization=args.organization if args.organization is not None else env.org,
        verify_ssl=not args.insecure,
        max_parallel_transfers=workers,
    )


def default_auth_factory(environ: Mapping[str, str] | None = None) -> Callable[[str], Credentials]:
    """The credentials used when the command line gives none (the official CLI's name): a function of
    the server URL giving the CVAT_ACCESS_TOKEN token, else CVAT_USER (or the current OS user) with
    the CVAT_PASSWORD (or PASS) password, or one asked for at the terminal."""
    from cvat_sdk.core.client import AccessTokenCredentials, PasswordCredentials

    env = environment.read(environ, official_cli_password=True)
    token = env.access_token
    if token:
        return lambda url: AccessTokenCredentials(token)
    user = env.user or current_user()
    password = env.password
    if password:
        return lambda url: PasswordCredentials(user, password)
    return lambda url: PasswordCredentials(user, ask_password(user, url))


def _asked_password(settings: ConnectionSettings, url: str) -> str:
    from cvat_sdk.core.client import PasswordCredentials

    assert settings.user is not None
    credentials = settings.ask(url) if settings.ask else None
    if isinstance(credentials, PasswordCredentials):
        return credentials.password
    return ask_password(settings.user, url)


def ask_password(user: str, url: str) -> str:
    """Prompt on the terminal (or read a line from stdin when there is none, as getpass does)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", getpass.GetPassWarning)
        try:
            password = getpass.getpass(f"Password for {user} at {url}: ")
        except EOFError:
            password = ""
    if not password:
        raise CliError(
            f"no password for {user}: give --auth USER:PASS, set the {ENV_PASSWORD} (or {ENV_OFFICIAL_PASSWORD}) environment variable, "
            f"or use an access token ({ENV_ACCESS_TOKEN})"
        )
    return password


SessionOpener = Callable[["Client", "tuple[str, str] | None"], object]
"""Logs a new client in with (user, password), or None when it carries a token, and checks the server."""


def build_client(
    settings: ConnectionSettings,
    *,
    log: CliLogging,
    wait_reporter: Callable[[], ProgressReporter] | None,
    open_session: SessionOpener | None = None,
) -> Client:
    """A client logged in (password) or carrying the token, in the organization context asked for.

    `open_session` logs in and checks the server version (default: `login_and_check`)."""
    from cvat_sdk import Config

    redactor = log.redactor
    redactor.add(settings.password)
    redactor.add(settings.access_token)
    config = Config(verify_ssl=settings.verify_ssl)
    if settings.max_parallel_transfers:
        config.max_parallel_transfers = settings.max_parallel_transfers
    client = _cli_client_class()(
        settings.url, logger=log.logger, config=config, check_server_version=False, access_token=settings.access_token
    )
    client.wait_reporter = wait_reporter
    log.watch_session(client.api_client.session)
    try:
        credentials = None
        if settings.user is not None:
            password = settings.password
            if password is None:
                password = _asked_password(settings, client.api_map.host)
                redactor.add(password)
            credentials = (settings.user, password)
        (open_session or login_and_check)(client, credentials)
        if settings.organization is not None:
            client.organization_slug = settings.organization
    except BaseException:
        client.api_client.close()
        raise
    return cast("Client", client)


def login_and_check(client: Client, credentials: tuple[str, str] | None) -> None:
    """Log in (a rejected password is a CliError naming the user and server), then warn if the
    server is not a version this set supports."""
    from cvat_sdk.exceptions import BadRequestException, UnauthorizedException

    if credentials is not None:
        try:
            client.login(credentials)
        except (BadRequestException, UnauthorizedException) as e:
            raise CliError(
                f"login as {credentials[0]!r} at {client.api_map.host} failed: {server_message(e.body) or e}"
            ) from e
    client.check_server_version(fail_if_unsupported=False)


_CLIENT_CLASS: type[Any] | None = None


def _cli_client_class() -> type[Any]:
    """The SDK Client, showing a progress bar whenever it waits for a background request.

    The SDK's exports, imports and task creation wait without a reporter of their own; this
    subclass gives every such wait one. Defined on first use, so --help does not load the SDK.
    """
    global _CLIENT_CLASS
    if _CLIENT_CLASS is None:
        from cvat_sdk import Client

        class CliClient(Client):
            wait_reporter: Callable[[], ProgressReporter] | None = None

            def wait_for_completion(
                self,
                rq_id: str,
                *,
                status_check_period: float | None = None,
                log_prefix: str | None = None,
                timeout: float | None = None,
                pbar: ProgressReporter | None = None,
            ) -> Any:
                if pbar is None and self.wait_reporter is not None:
                    pbar = self.wait_reporter()
                return super().wait_for_completion(
                    rq_id, status_check_period=status_check_period, log_prefix=log_prefix, timeout=timeout, pbar=pbar
                )

        _CLIENT_CLASS = CliClient
    return _CLIENT_CLASS


class CommandContext:
    """What a command handler gets: the parsed arguments, the logger, progress bars and the client.

    The client is made (and logged in) on first use of `ctx.client`, so a handler checks its
    local input first and fails without any network access when that input is wrong.
    """

    def __init__(self, args: argparse.Namespace, log: CliLogging, *, environ: Mapping[str, str] | None = None) -> None:
        self.args = args
        self.log = log
        self.logger: logging.Logger = log.logger
        self.environ = os.environ if environ is None else environ
        self._client: Client | None = None

    @property
    def debug(self) -> bool:
        return bool(getattr(self.args, "debug", False))

    @property
    def quiet(self) -> bool:
        return bool(getattr(self.args, "quiet", False))

    @property
    def client(self) -> Client:
        if self._client is None:
            settings = resolve_connection(self.args, self.environ)
            self._client = build_client(
                settings, log=self.log, wait_reporter=self.progress, open_session=self._session_opener()
            )
        return self._client

    def _session_opener(self) -> SessionOpener | None:
        """The commands of cvat-cli 2.17 (the top-level `ls`, `create`, ...) open their session
        through `cvat_cli.cli.CLI`, as they did there; the others log in with `login_and_check`."""
        if not getattr(self.args, "deprecated_alias_of", None):
            return None
        from ..cli import CLI

        return CLI

    def explain(self, exc: BaseException) -> BaseException:
        """A clearer error for an access token the server rejected: a server without access tokens
        (older than CVAT 2.48) says so. Other errors are returned as they are."""
        from cvat_sdk.exceptions import UnauthorizedException

        client = self._client
        if not (isinstance(exc, UnauthorizedException) and client and client.api_client.configuration.access_token):
            return exc
        if client.server_version is not None and not client.supports_access_tokens():
            return CliError(
                f"the server at {client.api_map.host} (CVAT {client.server_version}) has no personal access "
                "tokens (they came with CVAT 2.48); log in with --auth USER[:PASS] instead"
            )
        return exc

    def progress(self) -> ProgressReporter:
        """A new progress reporter (bars on stderr, off with --quiet or without a terminal)."""
        return make_reporter(enabled=not self.quiet)

    def close(self) -> None:
        """Close the connection. No logout: like the official CLI, so that logging out (which
        deletes the user's API token on the server) never breaks the user's other clients."""
        if self._client is not None:
            self._client.api_client.close()
            self._client = None
