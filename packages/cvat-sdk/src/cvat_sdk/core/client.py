"""Client, Config and make_client: connection, server checks, authentication, organization context."""

from __future__ import annotations

import importlib
import ipaddress
import json
import logging
import ssl
import time
import urllib.parse
from collections.abc import Generator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import attrs
import cvat_api
import platformdirs
from cvat_api import ApiClient, Configuration, RetryPolicy, models
from cvat_api.exceptions import ApiException, TransportError
from packaging import specifiers
from packaging import version as pv

from ..version import VERSION as VERSION  # the official module's name for it
from . import environment, polling
from .exceptions import (
    BackgroundRequestException,
    BackgroundRequestTimeoutError,
    IncompatibleVersionException,
    InvalidHostException,
    LoginError,
)
from .progress import ProgressReporter
from .proxies._generated.repositories import ClientRepositories

if TYPE_CHECKING:
    from .transfers import TransferSettings

__all__ = [
    "Client",
    "Config",
    "make_client",
    "Credentials",
    "PasswordCredentials",
    "AccessTokenCredentials",
    "CVAT_API_V2",
    "is_supported_server",
]

_ORG_HEADER = "X-Organization"
_API_CLIENT_LOGGER = "cvat_sdk.api_client"  # the low-level layer's logger, as in the official SDK
_BUILD = pv.Version(cvat_api.__version__)  # the server version whose schema this build was generated from
_SCHEME_PROBE_TIMEOUT = 5.0


def _default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("cvat-sdk", "CVAT.ai"))


@attrs.define
class Config:
    """Client settings. The first four are those of the official SDK; the others (keyword-only)
    are additions of this SDK."""

    status_check_period: float = 5
    """Longest pause, in seconds, between polls of a background request."""
    allow_unsupported_server: bool = True
    """False: an unsupported server version raises IncompatibleVersionException instead of a warning."""
    verify_ssl: bool | None = None
    """False turns off TLS certificate checks; None or True keep them."""
    cache_dir: Path = attrs.field(factory=_default_cache_dir, converter=Path)
    """Where datasets cache server data."""
    connect_timeout: float = attrs.field(default=10.0, kw_only=True)
    read_timeout: float = attrs.field(default=300.0, kw_only=True)
    max_retries: int = attrs.field(default=3, kw_only=True)
    """Retries of idempotent requests on connection errors, 429, 502, 503, 504."""
    max_parallel_transfers: int = attrs.field(default=4, kw_only=True)
    """Upload/download requests in flight at once."""
    ssl_ca_cert: str | None = attrs.field(default=None, kw_only=True)
    https_check: bool | None = attrs.field(default=None, kw_only=True)
    """Given an `http://` URL, ask the server's anonymous /api/server/about first and switch to HTTPS
    if it redirects there, before any credential is sent. None: for every host but loopback ones
    (localhost, 127.0.0.0/8, ::1), whose traffic never leaves the machine."""


class Credentials:
    """What `Client.login` and `make_client(credentials=...)` take (besides a `(user, password)` tuple)."""


@attrs.define
class PasswordCredentials(Credentials):
    """A user name and password: the client logs in and keeps the session, never the password."""

    user: str
    password: str = attrs.field(repr=False)


@attrs.define
class AccessTokenCredentials(Credentials):
    """A personal access token (CVAT 2.48 and newer), sent as `Authorization: Bearer`."""

    token: str = attrs.field(repr=False)


# CVAT has personal access tokens (/api/auth/access_tokens, `Authorization: Bearer`) since 2.48.0.
ACCESS_TOKENS_SINCE = pv.Version("2.48.0")


class CVAT_API_V2:  # noqa: N801 - the official name
    """Builds URLs of server endpoints."""

    def __init__(self, host: str) -> None:
        self.host = host.rstrip("/")
        self.base = self.host + "/api/"

    def make_endpoint_url(
        self,
        path: str,
        *,
        psub: Sequence[Any] | None = None,
        kwsub: Mapping[str, Any] | None = None,
        query_params: Mapping[str, Any] | None = None,
    ) -> str:
        """`host + path`, with `{}` placeholders filled and query parameters appended."""
        url = self.host + path
        if psub or kwsub:
            url = url.format(*(psub or ()), **(kwsub or {}))
        if query_params:
            url += "?" + urllib.parse.urlencode(query_params)
        return url


class Client(ClientRepositories):
    """A connection to a CVAT server: session, authentication and the repositories.

    `Client("https://cvat.example.com")`, `Client("localhost:8080")` (scheme found by probing https,
    then http). Use as a context manager to close the connection at the end; this does not log
    out (see `close()`).
    """

    SUPPORTED_SERVER_VERSIONS: tuple[pv.Version, ...] = (  # computed from the build's schema version
        pv.Version(f"{_BUILD.major}.{_BUILD.minor}"),
        pv.Version(f"{_BUILD.major}.{_BUILD.minor + 1}"),
    )
    """The server release lines this build supports, as in the official SDK: the one whose schema
    it was generated from and the next (2.42 and 2.43 for the 2.42 build)."""
    ALLOWED_SCHEMAS = ("https", "http")
    """URL schemes the client accepts; without one it probes them in this order."""

    def __init__(
        self,
        url: str,
        *,
        logger: logging.Logger | None = None,
        config: Config | None = None,
        check_server_version: bool = True,
        access_token: str | None = None,
    ) -> None:
        self.logger = logger or logging.getLogger("cvat_sdk.core.client")
        self.config = config or Config()
        url = self._validate_and_prepare_url(url)
        self.api_map = CVAT_API_V2(url)
        self.api_client = ApiClient(self._configuration(self.api_map.host))
        self._https_checked = not (url.startswith("http://") and _wants_https_check(url, self.config.https_check))
        if access_token or check_server_version:
            self._follow_https_redirect()  # before the token is set
        if access_token:
            self.api_client.configuration.access_token = access_token
        self._repos: dict[str, Any] = {}
        if check_server_version:
            self.check_server_version()

    def _follow_https_redirect(self) -> None:
        """Given `http://`, ask the server's (anonymous) /api/server/about first: if the server
        redirects it to HTTPS on the same host, that becomes the base URL (logged), so that no
        password, token or cookie is ever sent over plain HTTP to it. Notes the server's version.
        Done once, before the first credential (token, login) is used."""
        if self._https_checked:
            return
        self._https_checked = True
        try:
            _, response = self.api_client.server_api.retrieve_about(_parse_response=False, _check_status=False)
            about = response.json() if response.status == 200 and response.is_json else None
            if isinstance(about, dict):
                self._note_server_version(about["version"])
                self._unasked_version = str(about["version"])  # get_server_version's next answer
        except (ApiException, TransportError, ValueError, KeyError, TypeError):
            return  # the version check (or the first call) reports what is wrong
        final = urllib.parse.urlsplit(response.url)
        base = urllib.parse.urlsplit(self.api_map.host)
        if final.scheme == "https" and final.hostname == base.hostname:
            https = f"https://{final.netloc}{base.path}"
            self.logger.warning(
                "The server redirects %s to HTTPS; using %s (give that URL to skip this check)",
                self.api_map.host,
                https,
            )
            self.api_map = CVAT_API_V2(https)
            self.api_client.configuration.host = https

    # --- connection ---------------------------------------------------------------------
    def _configuration(self, host: str, *, probe: bool = False) -> Configuration:
        cfg = self.config
        return Configuration(
            host=host,
            verify_ssl=cfg.verify_ssl is not False,
            ssl_ca_cert=cfg.ssl_ca_cert,
            connect_timeout=_SCHEME_PROBE_TIMEOUT if probe else cfg.connect_timeout,
            read_timeout=_SCHEME_PROBE_TIMEOUT if probe else cfg.read_timeout,
            # a probe is not repeated, except when the server asks to wait (429 with Retry-After)
            retries=RetryPolicy(max_retries=0 if probe else cfg.max_retries),
            connection_pool_maxsize=max(8, cfg.max_parallel_transfers * 2),
            package_logger=_API_CLIENT_LOGGER,
        )

    def _validate_and_prepare_url(self, url: str) -> str:
        url = url.strip()
        scheme, sep, rest = url.partition("://")
        if not sep:
            scheme, rest = "", url
        rest = rest.rstrip("/")
        if not rest:
            raise InvalidHostException(f"Invalid server url {url!r}: no host")
        if scheme:
            if scheme.lower() not in self.ALLOWED_SCHEMAS:
                raise InvalidHostException(
                    f"Invalid url schema {scheme!r}, expected one of <none>, {', '.join(self.ALLOWED_SCHEMAS)}"
                )
            return f"{scheme.lower()}://{rest}"
        return f"{self._detect_schema(rest)}://{rest}"

    def _detect_schema(self, base_url: str) -> str:
        """The first of https, http at which /api/server/about answers 200 (or 401, old servers).

        An HTTPS certificate that does not verify is an error, never a reason to fall back to
        plain HTTP (which would send credentials in clear).
        """
        errors = []
        for scheme in self.ALLOWED_SCHEMAS:
            with ApiClient(self._configuration(f"{scheme}://{base_url}", probe=True)) as probe:
                try:
                    _, response = probe.server_api.retrieve_about(_parse_response=False, _check_status=False)
                except TransportError as e:
                    if scheme == "https" and _is_certificate_error(e):
                        raise InvalidHostException(
                            f"The HTTPS certificate of {base_url!r} did not verify ({e}); not falling back "
                            "to plain HTTP. Trust the server's CA with Config(ssl_ca_cert=...), or give "
                            "'http://' explicitly if the server has no HTTPS."
                        ) from e
                    errors.append(f"{scheme}: {e}")
                    continue
                if response.status in (200, 401):
                    if scheme == "http":
                        self.logger.warning(
                            "Failed to connect to the server using HTTPS (%s); using HTTP. To avoid this "
                            "check, add 'https://' or 'http://' to the URL",
                            "; ".join(errors),
                        )
                    return scheme
                errors.append(f"{scheme}: answered {response.status}")
        raise InvalidHostException(
            f"Failed to detect host schema automatically for {base_url!r} ({'; '.join(errors)}); "
            "check the server url and try to specify 'https://' or 'http://' explicitly"
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection. This does not log out: on CVAT, logging out deletes the user's
        API token, which other clients of the same user may be using; call `logout()` for that."""
        self.api_client.close()

    def _transfer_settings(self, **overrides: Any) -> TransferSettings:
        """Transfer settings from the config; the TUS chunk size is `uploading.Uploader._CHUNK_SIZE`."""
        from .transfers import TransferSettings
        from .uploading import Uploader

        return TransferSettings(  # retries: the client's RetryPolicy (Config.max_retries)
            max_workers=self.config.max_parallel_transfers,
            tus_chunk_size=Uploader._CHUNK_SIZE,
            **overrides,
        )

    # --- server version -----------------------------------------------------------------
    def get_server_version(self) -> pv.Version:
        """The server's version, asked now (the answer of the HTTPS check made when this client was
        made with `http://` serves the first call, so that the server is not asked twice)."""
        answered, self._unasked_version = self._unasked_version, None
        if answered is not None:
            return self._note_server_version(answered)
        about, _ = self.api_client.server_api.retrieve_about()
        return self._note_server_version(about.version)

    _unasked_version: str | None = None

    def _note_server_version(self, version: str) -> pv.Version:
        self.server_version = pv.Version(version)
        self.api_client.server_version = version  # operations this server's line lacks are refused
        return self.server_version

    server_version: pv.Version | None = None
    """The server's version as last asked by `get_server_version` (None before)."""

    def supports_access_tokens(self) -> bool:
        """Whether the server has personal access tokens (asks its version if not known yet)."""
        version = self.server_version or self.get_server_version()
        return version >= ACCESS_TOKENS_SINCE

    def check_server_version(self, fail_if_unsupported: bool | None = None) -> None:
        """Warn (or raise IncompatibleVersionException) if the server is not a supported version."""
        if fail_if_unsupported is None:
            fail_if_unsupported = not self.config.allow_unsupported_server
        try:
            server_version = self.get_server_version()  # a patch point of callers (CVAT's own tests)
        except ApiException as e:
            msg = f"Failed to retrieve the server version: {e}. Some SDK functions may not work with this server."
            self.logger.warning(msg)
            if fail_if_unsupported:
                raise IncompatibleVersionException(msg) from e
            return
        if not is_supported_server(server_version, self.SUPPORTED_SERVER_VERSIONS):
            msg = (
                f"Server version '{server_version}' is not compatible with SDK version "
                f"'{pv.Version(cvat_api.__version__)}' (supported: "
                f"{', '.join(f'{v}.x' for v in self.SUPPORTED_SERVER_VERSIONS)}). "
                "Some SDK functions may not work properly with this server. " + best_set_advice(server_version)
            )
            self.logger.warning(msg)
            if fail_if_unsupported:
                raise IncompatibleVersionException(msg)

    # --- authentication -----------------------------------------------------------------
    def login(self, credentials: Credentials | tuple[str, str]) -> None:
        """Log in with `(user, password)` or `PasswordCredentials` (session cookies, or the returned
        token if a proxy drops the cookies), or use an `AccessTokenCredentials` token from now on
        (checked with the server: a rejected token raises LoginError naming the cause)."""
        if self.has_credentials():
            self._forget_credentials()
        if isinstance(credentials, AccessTokenCredentials):
            self._follow_https_redirect()
            self.api_client.configuration.access_token = credentials.token
            self.check_access_token()
            return
        if isinstance(credentials, PasswordCredentials):
            credentials = (credentials.user, credentials.password)
        if not isinstance(credentials, tuple) or len(credentials) != 2:
            raise TypeError("credentials must be (user, password), PasswordCredentials or AccessTokenCredentials")
        user, password = credentials
        self._follow_https_redirect()
        self.api_client.session.cookies.clear()
        _, response = self.api_client.auth_api.create_login(
            models.LoginSerializerExRequest(username=user, password=password), _parse_response=False
        )
        body = response.json() if response.is_json and response.data else {}
        if self._has_session():
            return
        key = body.get("key") if isinstance(body, dict) else None
        if key:
            self.logger.warning(
                "The server's session cookies did not arrive (a proxy may drop them); using token auth instead"
            )
            self.api_client.configuration.api_key["tokenAuth"] = key
            return
        raise LoginError("Login answered OK but gave neither session cookies nor a token key")

    def _has_session(self) -> bool:
        cookies = self.api_client.session.cookies
        return "sessionid" in cookies and "csrftoken" in cookies

    def has_credentials(self) -> bool:
        """True when the client has a session, a token or an access token to send."""
        cfg = self.api_client.configuration
        return self._has_session() or bool(cfg.api_key.get("tokenAuth") or cfg.access_token)

    def logout(self) -> None:
        """End a password session on the server (on CVAT this also deletes the user's API token) and
        forget all credentials. An access token is only forgotten, not revoked."""
        cfg = self.api_client.configuration
        if self._has_session() or cfg.api_key.get("tokenAuth"):
            self.api_client.auth_api.create_logout()
        self._forget_credentials()

    def _forget_credentials(self) -> None:
        cfg = self.api_client.configuration
        self.api_client.session.cookies.clear()
        cfg.api_key.pop("tokenAuth", None)
        cfg.access_token = None

    def check_access_token(self) -> None:
        """Ask the server who the access token belongs to; LoginError naming the cause if it is
        rejected (a server without access tokens, or a wrong, revoked, expired token)."""
        try:
            self.api_client.users_api.retrieve_self(_parse_response=False)
        except ApiException as e:
            if e.status not in (401, 403):
                raise
            raise LoginError(self._access_token_rejection(e)) from None

    def _access_token_rejection(self, error: ApiException) -> str:
        try:
            server = self.server_version or self.get_server_version()
        except (ApiException, TransportError):
            server = None
        if server is not None and server < ACCESS_TOKENS_SINCE:
            return (
                f"this server (CVAT {server}) has no personal access tokens (they came with CVAT "
                f"{ACCESS_TOKENS_SINCE}); log in with a user name and password instead"
            )
        detail = _server_detail(error) or f"{error.status} {error.reason or ''}".strip()
        return f"the server rejected the access token ({detail}): it may be wrong, revoked or expired"

    # --- organization context -----------------------------------------------------------
    @property
    def organization_slug(self) -> str | None:
        """None: no context (everything visible, new objects personal); "": the personal
        workspace; a slug: that organization."""
        return self.api_client.default_headers.get(_ORG_HEADER)

    @organization_slug.setter
    def organization_slug(self, slug: str | None) -> None:
        self.api_client.set_default_header(_ORG_HEADER, slug)

    @contextmanager
    def organization_context(self, slug: str | None) -> Generator[None, None, None]:
        """Work in this organization context inside the `with` block; the previous one comes back after."""
        previous = self.organization_slug
        self.organization_slug = slug
        try:
            yield
        finally:
            self.organization_slug = previous

    # --- background requests ------------------------------------------------------------
    def wait_for_completion(
        self,
        rq_id: str,
        *,
        status_check_period: float | None = None,
        log_prefix: str | None = None,
        timeout: float | None = None,
        pbar: ProgressReporter | None = None,
    ) -> tuple[models.Request, cvat_api.ApiResponse]:
        """Poll a background request until it finishes; returns the final request and response.

        Polls after 0.1 s, then less often, up to `status_check_period` seconds apart, and logs the
        status (as the official SDK does) at INFO when it changes or every 30 s, else at DEBUG. Raises
        BackgroundRequestException with the server's message if it fails, and
        BackgroundRequestTimeoutError if `timeout` seconds pass first.
        """
        period = self.config.status_check_period if status_check_period is None else status_check_period
        deadline = None if timeout is None else time.monotonic() + timeout  # the polls' own time counts too
        delays = polling.delays(max(period, 0.0))
        status_log = polling.StatusLog()
        last_progress = 0
        if pbar:
            pbar.start2(total=100, desc=log_prefix or "Waiting for the server", unit="%")
        try:
            while True:
                request, response = self.api_client.requests_api.retrieve(rq_id)
                status = str(request.status)
                prefix = log_prefix or f"{request.operation.type} operation"
                message, progress = request.get("message"), request.get("progress")
                level = logging.INFO if status_log.notable(status, message) else logging.DEBUG
                self.logger.log(level, "%s status: %s (message=%s)", prefix, status, message)
                if pbar and progress is not None:
                    now = int(progress * 100) if progress <= 1 else int(progress)
                    pbar.advance(max(0, now - last_progress))
                    last_progress = max(last_progress, now)
                if status == "finished":
                    if pbar:
                        pbar.advance(max(0, 100 - last_progress))
                    return request, response
                if status == "failed":
                    raise BackgroundRequestException(request.get("message") or f"{prefix} failed")
                delay = next(delays)
                if deadline is not None and time.monotonic() + delay > deadline:
                    raise BackgroundRequestTimeoutError(
                        f"{prefix} {rq_id} did not finish within {timeout} s (last status: {status})", rq_id
                    )
                polling.sleep(delay)
        finally:
            if pbar:
                pbar.finish()

    # --- repositories (the typed properties: proxies/_generated/repositories.py) --------------
    def _repo(self, name: str, module: str, cls: str) -> Any:
        """The repository `name`, class `cls` of cvat_sdk.core.proxies.<module>, made on first use."""
        repo = self._repos.get(name)
        if repo is None:
            repo = self._repos[name] = getattr(importlib.import_module(f"{__package__}.proxies.{module}"), cls)(self)
        return repo


def _server_detail(error: ApiException) -> str:
    """The server's `detail` message of an error answer, if it sent one."""
    try:
        body = json.loads(error.body or "")
    except ValueError:
        return ""
    return str(body.get("detail", "")) if isinstance(body, dict) else ""


def _wants_https_check(url: str, setting: bool | None) -> bool:
    if setting is not None:
        return setting
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def best_set_advice(server: pv.Version) -> str:
    """Which pinned set fits a server best, and how it differs from this build, in a sentence.

    The best fit is the newest pinned version not newer than the server (everything that set calls,
    the server has), else the oldest pinned one.
    """
    pinned = {pv.Version(v): counts for v, counts in cvat_api.OTHER_PINNED_SETS.items()}
    pinned[_BUILD] = (0, 0)
    older = [v for v in pinned if (v.major, v.minor) <= (server.major, server.minor)]
    best = max(older) if older else min(pinned)
    line = f"{best.major}.{best.minor}"
    if best == _BUILD:
        return (
            f"This set, the set for CVAT {line}, fits it best among the pinned sets; fields the server "
            "does not send raise OmittedFieldError (an AttributeError) when read."
        )
    only_here, only_there = pinned[best]
    return (
        f"The set for CVAT {line} fits it best (make dist SERVER_VERSION={best}, see the Server versions "
        f"guide): this set has {only_here} operations that CVAT {line}'s schema lacks and lacks {only_there} "
        "that it has, and fields the server does not send raise OmittedFieldError (an AttributeError) when read."
    )


def is_supported_server(server: pv.Version, supported: Sequence[pv.Version]) -> bool:
    """True when the server is a release of one of the `supported` major.minor lines.

    As in the official SDK, each supported version V admits `~= V.major.V.minor.V.micro` (PEP 440,
    same epoch): later micro and post-releases are in, pre-, dev- and other releases are not.
    """
    return any(server in _compatible_releases(v) for v in supported)


def _compatible_releases(version: pv.Version) -> specifiers.Specifier:
    epoch = f"{version.epoch}!" if version.epoch else ""
    return specifiers.Specifier(f"~={epoch}{version.major}.{version.minor}.{version.micro}")


def _is_certificate_error(error: BaseException) -> bool:
    """True when a request failed because the server's TLS certificate did not verify."""
    pending, seen = [error], set()
    while pending:
        e = pending.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, ssl.SSLCertVerificationError):
            return True
        linked = [e.__cause__, e.__context__, getattr(e, "reason", None), *e.args]
        pending.extend(x for x in linked if isinstance(x, BaseException))
    return False


def make_client(
    host: str | None = None,
    *,
    port: int | None = None,
    credentials: Credentials | tuple[str, str] | None = None,
    access_token: str | None = None,
) -> Client:
    """A Client for `host[:port]`, logged in with `credentials` or a personal access token.

    The environment fills in what the call leaves out (see `cvat_sdk.core.environment`): the
    server from CVAT_SERVER; without credentials or a token, CVAT_ACCESS_TOKEN, else CVAT_USER with
    CVAT_PASSWORD; and the organization context from CVAT_ORG. So `make_client()` alone connects
    as those variables say. An access token is checked with the server at once: a rejected one
    raises LoginError naming the cause (for example a server older than CVAT 2.48, which has none).
    """
    if credentials is not None and access_token is not None:
        raise ValueError("'credentials' and 'access_token' cannot be used together; pass only one")
    env = environment.read()
    if host is None:
        if not env.server:
            raise ValueError(f"no server given: pass host=, or set {environment.SERVER} (e.g. http://localhost:8080)")
        host = env.server
    if credentials is None and access_token is None:
        if env.access_token:
            access_token = env.access_token
        elif env.user:
            if not env.password:
                raise ValueError(
                    f"{environment.USER} is set to {env.user!r} but {environment.PASSWORD} is not: set it to "
                    "that user's password, or pass credentials="
                )
            credentials = (env.user, env.password)
    url = host.rstrip("/")
    if port:
        if urllib.parse.urlsplit(url if "://" in url else "//" + url).port:
            raise ValueError(
                f"The host {host!r} already has a port and port={port} is given. Please specify only one port."
            )
        url = f"{url}:{port}"
    if access_token is not None:
        credentials = AccessTokenCredentials(access_token)
    client = Client(url=url)
    try:
        if credentials is not None:
            client.login(credentials)
    except BaseException:
        client.api_client.close()
        raise
    if env.org:
        client.organization_slug = env.org
    return client
