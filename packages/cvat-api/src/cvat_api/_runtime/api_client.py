"""ApiClient: one requests.Session with auth, retries and error mapping; runs generated operations."""

from __future__ import annotations

import base64
import importlib
import json
import mimetypes
import os
from collections.abc import Mapping
from multiprocessing.pool import ThreadPool
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from .._generated import API_ATTRS, PACKAGE_VERSION, ApiAttributes
from . import encoding, origin
from .configuration import Configuration
from .errors import ApiAttributeError, ApiTypeError, ApiValueError, MalformedAnswerError
from .model import MissingFieldError
from .operation import IDEMPOTENT_METHODS, OfficialOptions, Operation, RequestTimeout
from .response import ApiResponse
from .rest import RESTClientObject, raise_for_status

CSRF_COOKIE = "csrftoken"
SESSION_COOKIE = "sessionid"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Per-call keywords of the official generator that are accepted (see OfficialOptions).
_IGNORED_KWARGS = frozenset(OfficialOptions.__annotations__)


class ApiClient(ApiAttributes):
    """The low-level client: `api_client.tasks_api.retrieve(1)` and friends, over one HTTP session."""

    server_version: str | None = None
    """The server's version, when known (the SDK's Client sets it): an operation that the schema of
    the server's pinned line lacks is then refused with UnsupportedOperationError, before sending."""

    def __init__(
        self,
        configuration: Configuration | None = None,
        header_name: str | None = None,
        header_value: str | None = None,
        cookie: str | None = None,
        pool_threads: int = 1,
        *,
        headers: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
    ) -> None:
        self.configuration = configuration or Configuration.get_default_copy()
        self.rest_client = RESTClientObject(self.configuration)
        self.default_headers: dict[str, str] = {"User-Agent": f"cvat-api/{PACKAGE_VERSION} (python)"}
        if header_name is not None and header_value is not None:
            self.default_headers[header_name] = header_value
        self.default_headers.update(headers or {})
        if cookie:  # the official form: a Cookie header value, "name=value; name2=value2"
            for item in cookie.split(";"):
                name, _, value = item.strip().partition("=")
                if name:
                    self.session.cookies.set(name, value)
        for name, value in (cookies or {}).items():
            self.session.cookies.set(name, value)
        self.pool_threads = max(1, pool_threads)
        self._pool: ThreadPool | None = None

    @property
    def session(self) -> requests.Session:
        """The HTTP session (cookies, connection pool) of this client's transport."""
        return self.rest_client.session

    # --- API instances (typed in ApiAttributes) ------------------------------------------------
    if not TYPE_CHECKING:  # hidden from type checkers, so that a misspelt API name is an error there

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
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
        self.rest_client.close()

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

    def update_params_for_auth(
        self,
        headers: dict[str, str],
        queries: list[tuple[str, Any]],
        auth_settings: Any = None,
        resource_path: str | None = None,
        method: str | None = None,
        body: Any = None,
        request_auths: Any = None,
    ) -> None:
        """Add this client's authentication to `headers` (official name; nothing goes in `queries`)."""
        headers.update(self._auth_headers((method or "GET").upper()))

    def get_common_headers(self) -> dict[str, str]:
        """Default headers plus the auth headers a GET would carry."""
        return {**self.default_headers, **self._auth_headers("GET")}

    @property
    def origin(self) -> str:
        parts = urlsplit(self.configuration.host)
        return f"{parts.scheme}://{parts.netloc}"

    def require_same_origin(self, url: str, what: str) -> str:
        """`url` (absolute, from the server) if it is on the server's origin (scheme, host and port
        equal); else CrossOriginError naming `what`: nothing is sent there."""
        return origin.require_same_origin(url, self.configuration.host, what)

    # --- requests ---------------------------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        query_params: Any = None,
        headers: Mapping[str, str] | None = None,
        post_params: Any = None,
        body: Any = None,
        _parse_response: bool = True,
        _request_timeout: RequestTimeout = None,
        _check_status: bool = True,
        *,
        files: Any = None,
        retry: bool = True,
    ) -> ApiResponse:
        """Send one request with this client's headers and auth through `rest_client`.

        `url` may be a path under the configured host. Idempotent requests are repeated per the
        retry policy (not with `retry=False`); `_parse_response=False` leaves the body unread
        for streaming; `_check_status=False` returns error answers instead of raising.
        """
        method = method.upper()
        if not url.startswith(("http://", "https://")):
            url = self.configuration.host + url
        all_headers = {**self.default_headers, **self._auth_headers(method), **(headers or {})}
        return self.rest_client.request(
            method,
            url,
            query_params=query_params,
            headers=all_headers,
            body=body,
            post_params=post_params,
            _parse_response=_parse_response,
            _request_timeout=_request_timeout,
            _check_status=_check_status,
            files=files,
            cookies=self._auth_cookies() or None,
            retry=retry,
        )

    def check_status(self, response: ApiResponse, op_id: str | None = None) -> None:
        """Raise the typed ApiException for an error status."""
        raise_for_status(response)

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
        """Run a generated operation: returns (parsed body or None, response).

        With `async_req=True` (official keyword) the call runs on the client's thread pool and an
        `ApplyResult` is returned; `.get()` gives the same tuple.
        """
        op.check_available(self.server_version)
        extra = dict(extra_kwargs or {})
        for name in extra:
            if name not in _IGNORED_KWARGS:
                raise ApiTypeError(f"{op.id}() got an unexpected keyword argument {name!r}")
        if extra.pop("async_req", False):
            return self.pool.apply_async(  # type: ignore[return-value]
                self.call_operation,
                (op,),
                dict(
                    path_params=path_params,
                    query_params=query_params,
                    header_params=header_params,
                    body=body,
                    parse_response=parse_response,
                    check_status=check_status,
                    request_timeout=request_timeout,
                    content_type=content_type,
                ),
            )
        url = self.configuration.host + encoding.expand_path(op.path, path_params, op.id, op.int_path_params)
        headers = encoding.header_values(header_params)
        accept = _accept(op)
        if accept and "Accept" not in headers:
            headers["Accept"] = accept
        data: Any = None
        fields: Any = None
        files: Any = None
        if body is not None:
            payload = encoding.body_as_data(body, op.id)
            ctype = encoding.choose_content_type(op.body_content_types, payload, content_type, op.id)
            if ctype == encoding.MULTIPART:
                fields, files = encoding.encode_multipart(payload, op.id)
                headers["Content-Type"] = encoding.MULTIPART
            else:
                data = encoding.encode_json(payload)
                headers["Content-Type"] = ctype
        response = self.request(
            op.method,
            url,
            query_params=encoding.query_pairs(query_params),
            headers=headers,
            post_params=fields,
            body=data,
            files=files,
            _request_timeout=request_timeout,
            _parse_response=parse_response,
            _check_status=check_status,
        )
        if not parse_response:
            return None, response
        return self._decode(op, response), response

    @property
    def pool(self) -> ThreadPool:
        """The thread pool of `async_req=True` calls (`pool_threads` threads), made on first use."""
        if self._pool is None:
            self._pool = ThreadPool(self.pool_threads)
        return self._pool

    def _decode(self, op: Operation, response: ApiResponse) -> Any:
        kind, model = op.responses.get(response.status, ("auto", None))
        if kind == "none":
            response.data  # noqa: B018 - read the body so the connection returns to the pool
            return None
        if kind == "binary":
            return response.data
        if kind in ("json_or_binary", "auto") and not response.is_json:
            return response.data
        raw = response.data
        expects = model if model and kind in ("model", "list", "json_or_binary") else None
        if not raw:
            if expects is None:
                return None
            raise MalformedAnswerError(response, op.id, f"the body is empty, expected {_expected(kind, expects)}")
        try:
            value = json.loads(raw)
        except ValueError as e:
            raise MalformedAnswerError(response, op.id, f"the body is not valid JSON ({e})") from None
        if expects is None:
            return value
        wanted = list if kind == "list" else dict
        if not isinstance(value, wanted):
            raise MalformedAnswerError(
                response, op.id, f"expected {_expected(kind, expects)}, got JSON {_json_kind(value)}"
            )
        cls = _model(expects)
        try:
            return [cls.from_dict(v) for v in value] if kind == "list" else cls.from_dict(value)
        except (MissingFieldError, TypeError, ValueError, AttributeError, KeyError) as e:
            raise MalformedAnswerError(response, op.id, f"{_expected(kind, expects)}: {e}") from None

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
        auth_settings: Any = None,
        collection_formats: Any = None,
        *,
        _async_call: bool | None = None,
        _parse_response: bool = True,
        _check_status: bool = True,
        _request_timeout: RequestTimeout = None,
        _host: str | None = None,
        _check_type: bool | None = None,
        _request_auths: Any = None,
    ) -> tuple[Any, ApiResponse]:
        """Call any endpoint: returns (decoded answer or None, response).

        `files`: `{"name": [file, ...]}` (official form), `{"name": file}` or `[("name", file)]`;
        files are read when the call is made, so a repeated request sends them whole again.
        `response_schema`: a model class, or the official `(Model,)` / `([Model],)` forms.
        """
        if _async_call:
            return self.pool.apply_async(  # type: ignore[return-value]
                self.call_api,
                (resource_path, method, path_params, query_params, header_params, body, post_params, files),
                dict(
                    response_schema=response_schema,
                    _parse_response=_parse_response,
                    _check_status=_check_status,
                    _request_timeout=_request_timeout,
                    _host=_host,
                ),
            )
        path = encoding.expand_path(resource_path, path_params or {}, resource_path)
        if _host:
            path = _host.rstrip("/") + path
        params = encoding.query_pairs(dict(query_params or {}))
        headers = encoding.header_values(header_params or {})
        response = self.request(
            method,
            path,
            query_params=params,
            headers=headers,
            post_params=post_params,
            body=body,
            files=self.files_parameters(files) or None,
            _request_timeout=_request_timeout,
            _parse_response=_parse_response,
            _check_status=_check_status,
        )
        if not _parse_response:
            return None, response
        return _decode_schema(response_schema, response), response

    @staticmethod
    def files_parameters(files: Any = None) -> list[tuple[str, tuple[str, bytes, str]]]:
        """Multipart file parts `(name, (filename, content, mimetype))`, each file read whole now."""
        if not files:
            return []
        items = files.items() if isinstance(files, Mapping) else files
        parts = []
        for name, value in items:
            for f in value if isinstance(value, (list, tuple)) else [value]:
                if f is None:
                    continue
                if getattr(f, "closed", False):
                    raise ApiValueError(f"the file passed for {name!r} must be open")
                filename = os.path.basename(str(getattr(f, "name", name)))
                content = f.read()
                if isinstance(content, str):
                    content = content.encode()
                mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                parts.append((name, (filename, content, mimetype)))
        return parts


def _decode_schema(schema: Any, response: ApiResponse) -> Any:
    """The answer decoded per a `response_schema` (official tuple forms accepted)."""
    if not response.is_json or not response.data:
        return None if response.is_json else response.data
    value = response.json()
    if isinstance(schema, tuple) and len(schema) == 1:
        schema = schema[0]
    if isinstance(schema, list) and len(schema) == 1 and hasattr(schema[0], "from_dict"):
        return [schema[0].from_dict(v) for v in value]
    if hasattr(schema, "from_dict"):
        return schema.from_dict(value)
    return value


def _expected(kind: str, model: str) -> str:
    return f"a list of {model}" if kind == "list" else f"a {model} object"


def _json_kind(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def _accept(op: Operation) -> str | None:
    if any(kind in ("model", "list", "json", "json_or_binary") for kind, _ in op.responses.values()):
        return "application/vnd.cvat+json"
    return None


def _model(name: str) -> Any:
    from .. import models

    return getattr(models, name)


__all__ = ["ApiClient", "IDEMPOTENT_METHODS"]
