"""Configuration: where the server is, how to authenticate, TLS, timeouts, retries, pool size."""

from __future__ import annotations

import copy
from typing import Any

from .retry import RetryPolicy

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 300.0
DEFAULT_POOL_MAXSIZE = 16


class Configuration:
    """Settings of an ApiClient. Accepts the official generator's arguments for compatibility.

    Auth (first that applies): `access_token` (sent as `Bearer`), `api_key["tokenAuth"]` (with
    `api_key_prefix["tokenAuth"]`, normally `Token`), session cookies (`api_key["sessionAuth"]`,
    `api_key["csrfAuth"]`, or cookies the server set on login), then `username`/`password` as
    HTTP basic auth (slow on CVAT: the server re-hashes the password on every request).
    """

    def __init__(
        self,
        host: str | None = None,
        api_key: dict[str, str] | None = None,
        api_key_prefix: dict[str, str] | None = None,
        username: str | None = None,
        password: str | None = None,
        access_token: str | None = None,
        *,
        verify_ssl: bool | None = True,
        ssl_ca_cert: str | None = None,
        cert_file: str | None = None,
        key_file: str | None = None,
        proxy: str | None = None,
        retries: RetryPolicy | int | None = None,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        connection_pool_maxsize: int = DEFAULT_POOL_MAXSIZE,
        discard_unknown_keys: bool = False,
        trust_env: bool = True,
        **_official_only: Any,
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
        self.proxy = proxy
        self.retries = retries
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.connection_pool_maxsize = connection_pool_maxsize
        self.discard_unknown_keys = discard_unknown_keys  # kept for compatibility; unknown keys are always kept
        self.trust_env = trust_env  # honour HTTP(S)_PROXY / NO_PROXY / REQUESTS_CA_BUNDLE from the environment

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "host":
            value = normalize_host(value)
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
        key = self.api_key.get(identifier)
        if key is None:
            return None
        prefix = self.api_key_prefix.get(identifier)
        return f"{prefix} {key}" if prefix else key

    def copy(self) -> Configuration:
        return copy.deepcopy(self)

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
