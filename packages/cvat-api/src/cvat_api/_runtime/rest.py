"""RESTClientObject: the HTTP transport. Every request of the low-level layer (and of the SDK's
transfers) is sent by `RESTClientObject.request`, as in the official client; patching that method
observes or blocks them all.

Built on one `requests.Session` (its urllib3 pool is `pool_manager`). The retry policy of the
configuration applies here, once per request, so a caller sees one call per logical request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import requests
import requests.adapters
import urllib3

from . import encoding
from . import retry as retry_timing
from .errors import (
    ApiValueError,
    CrossOriginError,
    RequestTimeoutError,
    TransportError,
    exception_from_response,
    redact_text,
    redact_url,
)
from .operation import RequestTimeout
from .origin import OriginCookiePolicy, origin_text, same_origin, strip_credentials
from .response import ApiResponse, Reopener
from .retry import RetryPolicy

if TYPE_CHECKING:
    from collections.abc import Callable

    from .configuration import Configuration

RESTResponse = ApiResponse  # the official name of the response class
_METHODS = frozenset({"GET", "HEAD", "DELETE", "POST", "PUT", "PATCH", "OPTIONS"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SAFE_METHODS = frozenset({"GET", "HEAD"})
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class _Hop:
    """One request of a redirect chain: what is sent where."""

    method: str
    url: str
    params: Any
    headers: dict[str, str]
    data: Any
    files: Any
    cookies: dict[str, str] | None

    def redirected(self, status: int, target: str, server: str) -> _Hop:
        """The next hop after a redirect `status` to `target`. As urllib3 (the official client's
        transport): 303 turns it into a GET without body; 301, 302, 307, 308 keep method and body.
        Only a GET or HEAD goes on to another origin than the server's (without credentials);
        any other request is refused there with CrossOriginError, body or not."""
        if status == 303 and self.method != "HEAD":
            return _Hop("GET", target, None, _without_body_headers(self.headers), None, None, self.cookies)
        if self.method not in _SAFE_METHODS and not same_origin(target, server):
            raise CrossOriginError(
                f"{self.method} {redact_url(self.url)} answered {status} to another origin "
                f"({origin_text(target)}) than the server's ({origin_text(server)}); the request "
                "is not sent there",
                url=target,
            )
        return _Hop(self.method, target, None, self.headers, self.data, self.files, self.cookies)


def _without_body_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in ("content-type", "content-length")}


class RESTClientObject:
    """Sends HTTP requests for an ApiClient: TLS settings, proxy, timeouts, retries, logging."""

    def __init__(self, configuration: Configuration, pools_size: int = 4, maxsize: int | None = None) -> None:
        self.configuration = configuration
        self.session = requests.Session()
        maxsize = max(1, maxsize or configuration.connection_pool_maxsize or 1)
        adapter = requests.adapters.HTTPAdapter(pool_connections=pools_size, pool_maxsize=maxsize, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.clear()
        self.session.trust_env = configuration.trust_env
        # Cookies are kept only from answers of the server's origin (and sent only there).
        self.session.cookies = requests.cookies.RequestsCookieJar(
            policy=OriginCookiePolicy(lambda: self.configuration.host)
        )

    @property
    def pool_manager(self) -> urllib3.PoolManager:
        """The urllib3 pool behind the session (connections are kept and reused per host)."""
        adapter = self.session.get_adapter("https://")
        return adapter.poolmanager  # type: ignore[attr-defined,no-any-return]

    @property
    def logger(self) -> logging.Logger:
        return self.configuration.logger["package_logger"]

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        url: str,
        query_params: Any = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        post_params: Any = None,
        *,
        _parse_response: bool = True,
        _request_timeout: RequestTimeout = None,
        _check_status: bool = True,
        files: Any = None,
        cookies: Mapping[str, str] | None = None,
        retry: bool = True,
    ) -> ApiResponse:
        """Send one request and return the answer (its body read unless `_parse_response=False`).

        `body`: bytes, str, a file or an iterator are sent as they are; any other value is sent as
        JSON. `post_params`: form fields (multipart when `files` are given or the Content-Type
        says so). Idempotent requests are repeated per `configuration.retry_policy` (not with
        `retry=False`). With `_check_status`, an error status raises its typed ApiException.
        """
        method = method.upper()
        if method not in _METHODS:
            raise ApiValueError(f"unsupported HTTP method {method!r}")
        if post_params and body is not None:
            raise ApiValueError("body parameter cannot be used with post_params parameter.")
        headers = dict(headers or {})
        data, files = _prepare_body(headers, body, post_params, files)
        policy = self.configuration.retry_policy if retry else None
        rewind = _rewinder(data, files)
        params = encoding.query_pairs(dict(query_params)) if isinstance(query_params, Mapping) else query_params
        hop = _Hop(method, url, params, headers, data, files, dict(cookies) if cookies else None)
        timeout = self._timeout(_request_timeout)

        def send() -> requests.Response:
            return self._send(hop, timeout, policy, rewind, preload=_parse_response)

        resp = send()
        reopen = None
        if not _parse_response and policy and policy.max_retries and method in policy.methods:

            def send_again() -> requests.Response:
                if not rewind():
                    raise TransportError("the request body cannot be sent again", method=method, url=url)
                return send()

            reopen = Reopener(send_again, policy, self.logger.warning)
        response = ApiResponse(resp, method, reopen)
        if _check_status:
            raise_for_status(response)
        return response

    def _send(
        self,
        hop: _Hop,
        timeout: tuple[float, float],
        policy: RetryPolicy | None,
        rewind: Callable[[], bool],
        *,
        preload: bool,
    ) -> requests.Response:
        """The request, repeated per `policy`; with `preload` its body is read (a cut body is retried)."""
        budget = (policy or RetryPolicy.disabled()).budget()
        method, url = hop.method, hop.url
        while True:
            started = time.monotonic()
            try:
                resp = self._follow(hop, timeout, rewind)
                if preload:
                    resp.content  # noqa: B018 - a body cut mid-way is retried like a failed request
            except requests.exceptions.RequestException as e:
                if policy and policy.retries_error(method, nothing_sent(e)) and not _is_permanent(e) and rewind():
                    delay = budget.next_delay()
                    if delay is not None:
                        self.logger.warning(
                            "%s %s failed (%s); %s in %.2fs", method, _path(url), _short(e), budget.describe(), delay
                        )
                        retry_timing.sleep(delay)
                        continue
                raise transport_error(e, method, url) from e
            if policy and policy.retries_status(method, resp.status_code) and rewind():
                delay = budget.next_delay(resp.headers.get("Retry-After"))
                if delay is not None:
                    self.logger.warning(
                        "%s %s answered %d; %s in %.2fs",
                        method,
                        _path(url),
                        resp.status_code,
                        budget.describe(),
                        delay,
                    )
                    resp.close()
                    retry_timing.sleep(delay)
                    continue
            if self.logger.isEnabledFor(logging.DEBUG):
                self.logger.debug(  # never headers or bodies: they carry credentials
                    "HTTP %s %s -> %d %s (%.0f ms)",
                    method,
                    redact_url(resp.url),
                    resp.status_code,
                    resp.reason or "",
                    (time.monotonic() - started) * 1000,
                )
            return resp

    def _follow(self, hop: _Hop, timeout: tuple[float, float], rewind: Callable[[], bool]) -> requests.Response:
        """One attempt: the request and the redirects it meets, followed here hop by hop. A hop on
        the server's origin carries the auth headers and cookies; a hop to another origin carries
        none of them, and a request with a body (307/308, or 301/302 of a POST) is not re-sent there."""
        server = self.configuration.host
        for _ in range(MAX_REDIRECTS + 1):
            trusted = same_origin(hop.url, server)
            prepared = requests.Request(
                hop.method,
                hop.url,
                params=hop.params,
                headers=hop.headers if trusted else strip_credentials(hop.headers),
                data=hop.data,
                files=hop.files,
                hooks=self.session.hooks,  # prepared here, not by the session: its cookies are added below
            ).prepare()
            if trusted:
                prepared.prepare_cookies(self._cookies(hop.cookies))
            env = self.session.merge_environment_settings(
                prepared.url, self._proxies() or {}, True, self._verify(), self._cert()
            )
            resp = self.session.send(prepared, timeout=timeout, allow_redirects=False, **env)
            target = resp.headers.get("Location") if resp.status_code in _REDIRECTS else None
            if not target:
                return resp
            resp.close()
            hop = hop.redirected(resp.status_code, urljoin(resp.url, target), server)
            if (hop.data is not None or hop.files is not None) and not rewind():
                raise TransportError(
                    f"answered {resp.status_code}; the request body cannot be sent again",
                    method=hop.method,
                    url=hop.url,
                )
        raise TransportError(f"more than {MAX_REDIRECTS} redirects", method=hop.method, url=hop.url)

    def _cookies(self, extra: Mapping[str, str] | None) -> requests.cookies.RequestsCookieJar:
        """The session's cookies (and `extra`), for a request to the server's origin."""
        jar = requests.cookies.RequestsCookieJar()
        jar.update(self.session.cookies)
        for name, value in (extra or {}).items():
            jar.set(name, value)
        return jar

    # The official per-method helpers.
    def GET(self, url: str, headers: Any = None, query_params: Any = None, **kwargs: Any) -> ApiResponse:  # noqa: N802
        return self.request("GET", url, headers=headers, query_params=query_params, **kwargs)

    def HEAD(self, url: str, headers: Any = None, query_params: Any = None, **kwargs: Any) -> ApiResponse:  # noqa: N802
        return self.request("HEAD", url, headers=headers, query_params=query_params, **kwargs)

    def OPTIONS(self, url: str, headers: Any = None, query_params: Any = None, **kwargs: Any) -> ApiResponse:  # noqa: N802
        return self.request("OPTIONS", url, headers=headers, query_params=query_params, **kwargs)

    def DELETE(self, url: str, headers: Any = None, query_params: Any = None, **kwargs: Any) -> ApiResponse:  # noqa: N802
        return self.request("DELETE", url, headers=headers, query_params=query_params, **kwargs)

    def POST(self, url: str, headers: Any = None, query_params: Any = None, **kwargs: Any) -> ApiResponse:  # noqa: N802
        return self.request("POST", url, headers=headers, query_params=query_params, **kwargs)

    def PUT(self, url: str, headers: Any = None, query_params: Any = None, **kwargs: Any) -> ApiResponse:  # noqa: N802
        return self.request("PUT", url, headers=headers, query_params=query_params, **kwargs)

    def PATCH(self, url: str, headers: Any = None, query_params: Any = None, **kwargs: Any) -> ApiResponse:  # noqa: N802
        return self.request("PATCH", url, headers=headers, query_params=query_params, **kwargs)

    # --- settings ---------------------------------------------------------------------------
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


def raise_for_status(response: ApiResponse) -> None:
    """Raise the typed ApiException for an error status."""
    if not 200 <= response.status < 300:
        raise exception_from_response(response)


def _prepare_body(headers: dict[str, str], body: Any, post_params: Any, files: Any) -> tuple[Any, Any]:
    """(data, files) for requests, from the official arguments (`body`, `post_params`) and ours."""
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    if post_params or files:
        fields = list(post_params.items()) if isinstance(post_params, Mapping) else list(post_params or [])
        if files or (ctype or "").lower().startswith("multipart/form-data"):
            _drop_header(headers, "Content-Type")  # requests writes it with the boundary
            parts = [(name, (None, value)) for name, value in fields]
            return None, parts + list(files or [])
        return fields, None
    if body is None or isinstance(body, (bytes, bytearray, str)) or hasattr(body, "read") or hasattr(body, "__next__"):
        return body, None
    if ctype is None:
        headers["Content-Type"] = encoding.JSON
    return encoding.encode_json(encoding.body_as_data(body)), None


def _drop_header(headers: dict[str, str], name: str) -> None:
    for key in [k for k in headers if k.lower() == name.lower()]:
        del headers[key]


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


def nothing_sent(e: BaseException) -> bool:
    """True when the connection could not be opened, so the server saw nothing of the request."""
    if isinstance(e, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(e, requests.exceptions.ConnectionError):
        reason = e.args[0] if e.args else None
        inner = getattr(reason, "reason", reason)
        return isinstance(inner, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError))
    return False


def _is_permanent(e: BaseException) -> bool:
    """Errors that repeating cannot fix: a certificate that does not verify, a bad TLS setup."""
    return isinstance(e, requests.exceptions.SSLError)


def transport_error(e: Exception, method: str, url: str) -> TransportError:
    """The TransportError for a requests (or, reading a body, urllib3) exception."""
    inner = e.args[0] if e.args else None  # requests wraps urllib3's timeouts met while reading a body
    unsent = nothing_sent(e)
    if isinstance(e, (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError)) or isinstance(
        inner, urllib3.exceptions.TimeoutError
    ):
        return RequestTimeoutError(f"timed out ({_short(e)})", method=method, url=url, nothing_sent=unsent)
    if isinstance(e, requests.exceptions.SSLError):
        return TransportError(
            f"TLS failed, certificate not trusted or invalid ({_short(e)})", method=method, url=url, nothing_sent=unsent
        )
    return TransportError(_short(e), method=method, url=url, nothing_sent=unsent)


def _short(e: BaseException) -> str:
    text = redact_text(str(e))  # requests' messages quote the URL, signed query included
    return text if len(text) < 300 else text[:300] + "…"


def _path(url: str) -> str:
    return urlsplit(url).path


__all__ = ["RESTClientObject", "RESTResponse", "nothing_sent", "raise_for_status", "transport_error"]
