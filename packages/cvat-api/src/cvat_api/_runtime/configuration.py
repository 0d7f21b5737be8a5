"""Configuration: where the server is, how to authenticate, TLS, timeouts, retries, pool size."""

from __future__ import annotations

import base64
import copy
import http.client
import logging
import sys
import warnings
from typing import Any

from .retry import RetryPolicy

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 300.0
DEFAULT_POOL_MAXSIZE = 16
PACKAGE_LOGGER = "cvat_api"


class IneffectiveSettingWarning(UserWarning):
    """A setting of the official Configuration that this client accepts but that changes nothing."""


# Official Configuration settings accepted for compatibility that have no effect here -> why (and
# what to use instead). Setting one to anything but its default warns (IneffectiveSettingWarning).
_NO_EFFECT = {
    "assert_hostname": "TLS host names are always checked against the certificate (verify_ssl=False turns checks off)",
    "no_proxy": "set the NO_PROXY environment variable (honoured with trust_env=True)",
    "proxy_headers": "proxy credentials go in the `proxy` URL; other proxy headers cannot be set",
    "socket_options": "sockets use the system's options",
    "temp_folder_path": "binary answers are returned as bytes or streamed (_parse_response=False), never written to temporary files",
    "safe_chars_for_path_param": "path parameters are always fully quoted",
    "client_side_validation": "arguments are always checked",
    "disabled_client_side_validations": "arguments are always checked",
    "discard_unknown_keys": "fields the schema does not know are always kept (additional_properties)",
    "server_index": "requests go to `host`",
    "server_variables": "requests go to `host`",
    "server_operation_index": "requests go to `host`",
    "server_operation_variables": "requests go to `host`",
}
# their defaults (None where not listed): the official constructor's
_DEFAULTS: dict[str, Any] = {
    "client_side_validation": True,
    "disabled_client_side_validations": "",
    "safe_chars_for_path_param": "",
    "discard_unknown_keys": False,
    "server_variables": {},
    "server_operation_index": {},
    "server_operation_variables": {},
}


class Configuration:
    """Settings of an ApiClient, with the official generator's arguments and attributes.

    Auth (first that applies): `access_token` (sent as `Bearer`), `api_key["tokenAuth"]` (with
    `api_key_prefix["tokenAuth"]`, normally `Token`), session cookies (`api_key["sessionAuth"]`,
    `api_key["csrfAuth"]`, or cookies the server set on login), then `username`/`password` as
    HTTP basic auth (slow on CVAT: the server re-hashes the password on every request).

    Logging: `logger` maps `package_logger` (this layer's requests, retries and debug output) and
    `urllib3_logger` to loggers; replace them to route that output. `debug = True` turns on
    DEBUG for both and prints HTTP traffic; `logger_file` adds a file handler to both.
    """

    def __init__(
        self,
        host: str | None = None,
        api_key: dict[str, str] | None = None,
        api_key_prefix: dict[str, str] | None = None,
        username: str | None = None,
        password: str | None = None,
        discard_unknown_keys: bool = False,
        disabled_client_side_validations: str = "",
        server_index: int | None = None,
        server_variables: dict[str, str] | None = None,
        server_operation_index: Any = None,
        server_operation_variables: Any = None,
        ssl_ca_cert: str | None = None,
        verify_ssl: bool | None = None,
        *,
        access_token: str | None = None,
        cert_file: str | None = None,
        key_file: str | None = None,
        proxy: str | None = None,
        retries: RetryPolicy | int | None = None,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        connection_pool_maxsize: int = DEFAULT_POOL_MAXSIZE,
        trust_env: bool = True,
        package_logger: str = PACKAGE_LOGGER,
    ) -> None:
        self.host = normalize_host(host or "http://localhost")
        self.api_key: dict[str, str] = dict(api_key or {})
        self.api_key_prefix: dict[str, str] = {"tokenAuth": "Token", **(api_key_prefix or {})}
        self.username = username
        self.password = password
        self.access_token = access_token
        self.verify_ssl = verify_ssl is not False
        self.ssl_ca_cert = ssl_ca_cert
        self.cert_file = cert_file
        self.key_file = key_file
        self.assert_hostname: Any = None
        self.proxy = proxy
        self.no_proxy: str | None = None
        self.proxy_headers: Any = None
        self.retries = retries
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.connection_pool_maxsize = connection_pool_maxsize
        self.discard_unknown_keys = discard_unknown_keys  # kept for compatibility; unknown keys are always kept
        self.disabled_client_side_validations = disabled_client_side_validations
        self.client_side_validation = True
        self.server_index = server_index
        self.server_variables = server_variables or {}
        self.server_operation_index = server_operation_index or {}
        self.server_operation_variables = server_operation_variables or {}
        self.trust_env = trust_env  # honour HTTP(S)_PROXY / NO_PROXY / REQUESTS_CA_BUNDLE from the environment
        self.safe_chars_for_path_param = ""
        self.temp_folder_path: str | None = None
        self.refresh_api_key_hook: Any = None
        self.socket_options: Any = None
        self.logger: dict[str, logging.Logger] = {
            "package_logger": logging.getLogger(package_logger),
            "urllib3_logger": logging.getLogger("urllib3"),
        }
        self.logger_stream_handler: logging.Handler | None = None
        self.logger_file_handler: logging.Handler | None = None
        self._logger_file: str | None = None
        self._debug = False
        self.logger_format = "%(asctime)s %(levelname)s %(message)s"

    @property
    def logger_format(self) -> str:
        return self._logger_format

    @logger_format.setter
    def logger_format(self, value: str) -> None:
        self._logger_format = value
        self.logger_formatter = logging.Formatter(value)

    @property
    def logger_file(self) -> str | None:
        """A file that both loggers also write to (None: none)."""
        return self._logger_file

    @logger_file.setter
    def logger_file(self, value: str | None) -> None:
        if self.logger_file_handler is not None:
            for logger in self.logger.values():
                logger.removeHandler(self.logger_file_handler)
            self.logger_file_handler.close()
            self.logger_file_handler = None
        self._logger_file = value
        if value:
            self.logger_file_handler = logging.FileHandler(value)
            self.logger_file_handler.setFormatter(self.logger_formatter)
            for logger in self.logger.values():
                logger.addHandler(self.logger_file_handler)

    @property
    def debug(self) -> bool:
        """True: both loggers at DEBUG and the HTTP traffic printed (http.client's debug output)."""
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._debug = bool(value)
        for logger in self.logger.values():
            logger.setLevel(logging.DEBUG if value else logging.WARNING)
        http.client.HTTPConnection.debuglevel = 1 if value else 0

    def __deepcopy__(self, memo: dict[int, Any]) -> Configuration:
        """A copy sharing the loggers and handlers (they are process-wide), copying the rest."""
        cls = type(self)
        result = cls.__new__(cls)
        memo[id(self)] = result
        shared = ("logger", "logger_file_handler", "logger_stream_handler", "logger_formatter")
        for name, value in self.__dict__.items():
            object.__setattr__(result, name, copy.copy(value) if name in shared else copy.deepcopy(value, memo))
        return result

    def to_debug_report(self) -> str:
        from .._generated import PACKAGE_VERSION, SCHEMA_VERSION

        return (
            "Python SDK Debug Report:\n"
            f"OS: {sys.platform}\n"
            f"Python Version: {sys.version}\n"
            f"Version of the API: {SCHEMA_VERSION}\n"
            f"SDK Package Version: {PACKAGE_VERSION}"
        )

    def get_basic_auth_token(self) -> str | None:
        """The `Basic ...` Authorization value for username and password, if both are set."""
        if self.username is None or self.password is None:
            return None
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "host":
            value = normalize_host(value)
        elif name in _NO_EFFECT and value != _DEFAULTS.get(name):
            warnings.warn(
                f"Configuration.{name} has no effect in this client: {_NO_EFFECT[name]}",
                IneffectiveSettingWarning,
                stacklevel=2,
            )
        super().__setattr__(name, value)

    @property
    def retry_policy(self) -> RetryPolicy:
        r = self.retries
        if r is None:
            return RetryPolicy()
        if isinstance(r, RetryPolicy):
            return r
        return RetryPolicy(max_retries=max(0, int(r)))

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

    def get_api_key_with_prefix(self, identifier: str) -> str | None:
        """The key with its prefix (`Token abc`); `refresh_api_key_hook(self)` is called first, if set."""
        if self.refresh_api_key_hook is not None:
            self.refresh_api_key_hook(self)
        key = self.api_key.get(identifier)
        if key is None:
            return None
        prefix = self.api_key_prefix.get(identifier)
        return f"{prefix} {key}" if prefix else key

    def copy(self) -> Configuration:
        return copy.deepcopy(self)

    _default: Configuration | None = None

    @classmethod
    def set_default(cls, default: Configuration | None) -> None:
        """The configuration an ApiClient made without one starts from (a copy is kept)."""
        cls._default = copy.deepcopy(default) if default is not None else None

    @classmethod
    def get_default_copy(cls) -> Configuration:
        return copy.deepcopy(cls._default) if cls._default is not None else cls()

    @property
    def host_settings(self) -> list[dict[str, str]]:
        return [{"url": self.host, "description": "the configured server"}]

    def get_host_settings(self) -> list[dict[str, str]]:
        return self.host_settings

    def get_host_from_settings(self, index: int | None, variables: Any = None, servers: Any = None) -> str:
        return self.host

    def __repr__(self) -> str:
        # never show credentials
        auth = [
            name
            for name, present in (
                ("access_token", self.access_token),
                ("api_key", self.api_key),
                ("basic", self.username),
            )
            if present
        ]
        return f"Configuration(host={self.host!r}, auth={auth}, verify_ssl={self.verify_ssl})"


def normalize_host(host: str) -> str:
    """`localhost:8080/` -> `http://localhost:8080`: a scheme is added if missing, trailing slashes go."""
    host = host.strip().rstrip("/")
    if "://" not in host:
        host = "http://" + host
    return host
