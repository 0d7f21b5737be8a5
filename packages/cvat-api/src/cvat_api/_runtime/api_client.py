"""ApiClient: one requests.Session with auth, retries and error mapping; runs generated operations."""

from __future__ import annotations

import base64
import importlib
import json
import logging
from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3

from .._generated import API_ATTRS, PACKAGE_VERSION
from . import encoding
from . import retry as retry_timing
from .configuration import Configuration
from .errors import (
    ApiAttributeError,
    ApiTypeError,
    ApiValueError,
    RequestTimeoutError,
    TransportError,
    exception_for_status,
    redact_text,
)
from .operation import IDEMPOTENT_METHODS, Operation, RequestTimeout
from .response import ApiResponse

log = logging.getLogger("cvat_api")

CSRF_COOKIE = "csrftoken"
SESSION_COOKIE = "sessionid"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Per-call keywords of the official generator that have no effect here.
_IGNORED_KWARGS = frozenset(
    {
        "_preload_content",
        "_return_http_data_only",
        "_host_index",
        "async_req",
        "_check_input_type",
        "_check_return_type",
        "_spec_property_naming",
        "_check_type",
    }
)


class ApiClient:
    """The low-level client: `api_client.tasks_api.retrieve(1)` and friends, over one HTTP session."""

    def __init__(
        self,
        configuration: Configuration | None = None,
        headers: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        pool_threads: int = 1,
    ) -> None:
        self.configuration = configuration or Configuration()
        self.session = requests.Session()
        pool = max(1, self.configuration.connection_pool_maxsize)
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.clear()
        self.session.trust_env = self.configuration.trust_env
        self.default_headers: dict[str, str] = {"User-Agent": f"cvat-api/{PACKAGE_VERSION} (python)"}
        self.default_headers.update(headers or {})
        for name, value in (cookies or {}).items():
            self.session.cookies.set(name, value)
        self.pool_threads = pool_threads  # accepted for compatibility; calls are synchronous

    # --- API instances ----------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        try:
            module, cls_name = API_ATTRS[name]
        except KeyError:
            raise ApiAttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None
        api = getattr(importlib.import_module(f"cvat_api.apis.{module}"), cls_name)(self)
        self.__dict__[name] = api  # created once per client
        return api

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(API_ATTRS))

    # --- settings ---------------------------------------------------------------------------
    @property
    def user_agent(self) -> str:
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    def set_default_header(self, name: str, value: str | None) -> None:
        """Send this header with every request; None removes it."""
        if value is None:
            self.default_headers.pop(name, None)
        else:
            self.default_headers[name] = value

    @property
    def cookies(self) -> requests.cookies.RequestsCookieJar:
        return self.session.cookies

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- auth -------------------------------------------------------------------------------
    def _auth_headers(self, method: str) -> dict[str, str]:
        cfg = self.configuration
        headers: dict[str, str] = {}
        if cfg.access_token:
            headers["Authorization"] = f"Bearer {cfg.access_token}"
        elif cfg.api_key.get("tokenAuth"):
            headers["Authorization"] = cfg.get_api_key_with_prefix("tokenAuth") or ""
        session_id = cfg.api_key.get("sessionAuth") or self.session.cookies.get(SESSION_COOKIE)
        if session_id and method in UNSAFE_METHODS:
            csrf = (
                cfg.api_key.get("csrfHeaderAuth")
                or cfg.api_key.get("csrfAuth")
                or self.session.cookies.get(CSRF_COOKIE)
            )
            if csrf:
                headers["X-CSRFToken"] = csrf
            headers["Origin"] = self.origin
        if "Authorization" not in headers and not session_id and cfg.username is not None and cfg.password is not None:
            token = base64.b64encode(f"{cfg.username}:{cfg.password}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        return headers

    def _auth_cookies(self) -> dict[str, str]:
        cfg = self.configuration
        cookies = {}
        if cfg.api_key.get("sessionAuth"):
            cookies[SESSION_COOKIE] = cfg.api_key["sessionAuth"]
        if cfg.api_key.get("csrfAuth"):
            cookies[CSRF_COOKIE] = cfg.api_key["csrfAuth"]
        return cookies

    def build_origin_header(self) -> str:
        """`scheme://host[:port]` of the server, as browsers send in `Origin`."""
        return self.origin

    def get_common_headers(self) -> dict[str, str]:
        """Default headers plus the auth headers a GET would carry."""
        return {**self.default_headers, **self._auth_headers("GET")}

    @property
    def origin(self) -> str:
        parts = urlsplit(self.configuration.host)
        return f"{parts.scheme}://{parts.netloc}"

    # --- requests ---------------------------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        *,
        params: list[tuple[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
        files: Any = None,
        timeout: RequestTimeout = None,
        stream: bool = True,
        retry: bool = True,
        preload: bool = False,
    ) -> ApiResponse:
        """Send one request (repeating it per the retry policy) and return the raw answer, unchecked.

        `preload` reads the whole body before returning, so a connection broken mid-body is
        retried (and reported) like one broken before the answer.
        """
        method = method.upper()
        if not url.startswith(("http://", "https://")):
            url = self.configuration.host + url
        all_headers = {**self.default_headers, **self._auth_headers(method), **(headers or {})}
        policy = self.configuration.retry_policy if retry else None
        rewind = _rewinder(data, files)
        attempt = 0
        while True:
            try:
                resp = self.session.request(
                    method,
                    url,
                    params=params,
                    headers=all_headers,
                    data=data,
                    files=files,
                    cookies=self._auth_cookies() or None,
                    timeout=self._timeout(timeout),
                    stream=stream,
                    verify=self._verify(),
                    cert=self._cert(),
                    proxies=self._proxies(),
                    allow_redirects=True,
                )
                if preload:
                    resp.content  # noqa: B018
            except requests.exceptions.RequestException as e:
                nothing_sent = _nothing_sent(e)
                if policy and attempt < policy.max_retries and policy.retries_error(method, nothing_sent) and rewind():
                    attempt += 1
                    delay = policy.backoff(attempt)
                    log.warning(
                        "%s %s failed (%s); retry %d/%d in %.2fs",
                        method,
                        _path(url),
                        _short(e),
                        attempt,
                        policy.max_retries,
                        delay,
                    )
                    retry_timing.sleep(delay)
                    continue
                raise _transport_error(e, method, url) from e
            if policy and attempt < policy.max_retries and policy.retries_status(method, resp.status_code) and rewind():
                attempt += 1
                delay = policy.delay(attempt, resp.headers.get("Retry-After"))
                log.warning(
                    "%s %s answered %d; retry %d/%d in %.2fs",
                    method,
                    _path(url),
                    resp.status_code,
                    attempt,
                    policy.max_retries,
                    delay,
                )
                resp.close()
                retry_timing.sleep(delay)
                continue
            return ApiResponse(resp, method)

    def _timeout(self, timeout: RequestTimeout) -> tuple[float, float]:
        if timeout is None:
            return self.configuration.timeout
        if isinstance(timeout, (int, float)):
            return (float(timeout), float(timeout))
        return (float(timeout[0]), float(timeout[1]))

    def _verify(self) -> bool | str:
        cfg = self.configuration
        if not cfg.verify_ssl:
            return False
        return cfg.ssl_ca_cert or True

    def _cert(self) -> Any:
        cfg = self.configuration
        if cfg.cert_file:
            return (cfg.cert_file, cfg.key_file) if cfg.key_file else cfg.cert_file
        return None

    def _proxies(self) -> dict[str, str] | None:
        proxy = self.configuration.proxy
        return {"http": proxy, "https": proxy} if proxy else None

    def check_status(self, response: ApiResponse, op_id: str | None = None) -> None:
        """Raise the typed ApiException for an error status."""
        if 200 <= response.status < 300:
            return
        cls = exception_for_status(response.status)
        raise cls(
            status=response.status,
            reason=response.reason,
            body=response.data,
            headers=dict(response.headers),
            method=response.method,
            url=response.url,
        )

    # --- operations -------------------------------------------------------------------------
    def call_operation(
        self,
        op: Operation,
        *,
        path_params: Mapping[str, Any],
        query_params: Mapping[str, Any],
        header_params: Mapping[str, Any],
        body: Any,
        parse_response: bool = True,
        check_status: bool = True,
        request_timeout: RequestTimeout = None,
        content_type: str | None = None,
        extra_kwargs: Mapping[str, Any] | None = None,
    ) -> tuple[Any, ApiResponse]:
        """Run a generated operation: returns (parsed body or None, response)."""
        for name in extra_kwargs or ():
            if name not in _IGNORED_KWARGS:
                raise ApiTypeError(f"{op.id}() got an unexpected keyword argument {name!r}")
        url = self.configuration.host + encoding.expand_path(op.path, path_params, op.id)
        headers = encoding.header_values(header_params)
        accept = _accept(op)
        if accept and "Accept" not in headers:
            headers["Accept"] = accept
        data: Any = None
        files: Any = None
        if body is not None:
            payload = encoding.body_as_data(body)
            ctype = encoding.choose_content_type(op.body_content_types, payload, content_type, op.id)
            if ctype == encoding.MULTIPART:
                data, files = encoding.encode_multipart(payload, op.id)
                if not files:  # requests sends fields alone form-urlencoded: make them multipart parts
                    data, files = None, [(name, (None, value)) for name, value in data]
            else:
                data = encoding.encode_json(payload)
                headers["Content-Type"] = ctype
        response = self.request(
            op.method,
            url,
            params=encoding.query_pairs(query_params),
            headers=headers,
            data=data,
            files=files,
            timeout=request_timeout,
            preload=parse_response,
        )
        if check_status:
            self.check_status(response, op.id)
        if not parse_response:
            return None, response
        return self._decode(op, response), response

    def _decode(self, op: Operation, response: ApiResponse) -> Any:
        kind, model = op.responses.get(response.status, ("auto", None))
        if kind == "none":
            response.data  # noqa: B018 - read the body so the connection returns to the pool
            return None
        if kind == "binary":
            return response.data
        if kind == "json_or_binary" and not response.is_json:
            return response.data
        if kind == "auto" and not response.is_json:
            return response.data
        raw = response.data
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except ValueError as e:
            raise ApiValueError(f"{op.id}: the server's answer is not valid JSON ({e})") from None
        if model and kind in ("model", "json_or_binary"):
            return _model(model).from_dict(value)
        if model and kind == "list":
            cls = _model(model)
            return [cls.from_dict(v) for v in value]
        return value

    def call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Mapping[str, Any] | None = None,
        query_params: Any = None,
        header_params: Mapping[str, Any] | None = None,
        body: Any = None,
        post_params: Any = None,
        files: Any = None,
        response_schema: Any = None,
        *,
        _parse_response: bool = True,
        _check_status: bool = True,
        _request_timeout: RequestTimeout = None,
        **_ignored: Any,
    ) -> tuple[Any, ApiResponse]:
        """Call an endpoint that is not in the schema: (decoded JSON or None, response)."""
        path = encoding.expand_path(resource_path, path_params or {}, resource_path)
        params = encoding.query_pairs(dict(query_params or {}))
        headers = encoding.header_values(header_params or {})
        data: Any = post_params
        if body is not None:
            data = encoding.encode_json(encoding.body_as_data(body))
            headers.setdefault("Content-Type", encoding.JSON)
        response = self.request(
            method,
            path,
            params=params,
            headers=headers,
            data=data,
            files=files,
            timeout=_request_timeout,
            preload=_parse_response,
        )
        if _check_status:
            self.check_status(response)
        if not _parse_response:
            return None, response
        if response_schema is not None and hasattr(response_schema, "from_dict") and response.is_json:
            return response_schema.from_dict(response.json()), response
        return (response.json() if response.is_json and response.data else None), response


def _accept(op: Operation) -> str | None:
    if any(kind in ("model", "list", "json", "json_or_binary") for kind, _ in op.responses.values()):
        return "application/vnd.cvat+json"
    return None


def _model(name: str) -> Any:
    from .. import models

    return getattr(models, name)


def _rewinder(data: Any, files: Any) -> Any:
    """A function that puts request body streams back to their start; False if one cannot be."""
    if hasattr(data, "__next__") and not hasattr(data, "read"):
        return lambda: False  # a one-shot iterator (generator) cannot be sent again
    streams = []
    for value in [data] + [f[1][1] if isinstance(f, tuple) and isinstance(f[1], tuple) else f for f in (files or [])]:
        if hasattr(value, "read"):
            streams.append(value)
    positions = []
    for s in streams:
        try:
            positions.append(s.tell())
        except (AttributeError, OSError):
            positions.append(None)

    def rewind() -> bool:
        for s, pos in zip(streams, positions, strict=True):
            if pos is None:
                return False
            s.seek(pos)
        return True

    return rewind


def _nothing_sent(e: requests.exceptions.RequestException) -> bool:
    """True when the connection could not be opened, so the server saw nothing of the request."""
    if isinstance(e, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(e, requests.exceptions.ConnectionError):
        reason = e.args[0] if e.args else None
        inner = getattr(reason, "reason", reason)
        return isinstance(inner, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError))
    return False


def _transport_error(e: Exception, method: str, url: str) -> TransportError:
    """The TransportError for a requests (or, reading a body, urllib3) exception."""
    inner = e.args[0] if e.args else None  # requests wraps urllib3's timeouts met while reading a body
    if isinstance(e, (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError)) or isinstance(
        inner, urllib3.exceptions.TimeoutError
    ):
        return RequestTimeoutError(f"timed out ({_short(e)})", method=method, url=url)
    return TransportError(_short(e), method=method, url=url)


def _short(e: BaseException) -> str:
    text = redact_text(str(e))  # requests' messages quote the URL, signed query included
    return text if len(text) < 300 else text[:300] + "…"


def _path(url: str) -> str:
    return urlsplit(url).path


__all__ = ["ApiClient", "IDEMPOTENT_METHODS"]
