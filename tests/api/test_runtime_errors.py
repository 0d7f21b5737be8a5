"""Errors: typed exceptions by status, their attributes and messages (never with secrets), transport errors."""

from __future__ import annotations

import time

import cvat_api
import pytest
from cvat_api.exceptions import (
    ApiException,
    BadRequestException,
    ConflictException,
    ForbiddenException,
    NotFoundException,
    OpenApiException,
    RequestTimeoutError,
    ServiceException,
    TooManyRequestsException,
    TransportError,
    UnauthorizedException,
    exception_for_status,
)

NO_RETRIES = cvat_api.RetryPolicy.disabled()


def test_bad_request_field_errors(scripted, client):
    scripted.reply(400, json={"name": ["This field is required."]})
    with pytest.raises(BadRequestException) as info:
        client.tasks_api.partial_update(5, patched_task_write_request={"name": ""})
    exc = info.value
    assert exc.errors == {"name": ["This field is required."]}
    assert exc.status == 400
    assert exc.reason == "Bad Request"
    assert exc.method == "PATCH"
    assert exc.url == f"{scripted.url}/api/tasks/5"
    assert "This field is required." in str(exc)
    assert len(scripted.requests) == 1


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (b'["Task is locked."]', {"non_field_errors": ["Task is locked."]}),
        (b'{"detail": "Bad thing", "codes": ["a", 1]}', {"detail": ["Bad thing"], "codes": ["a", "1"]}),
        (b"not json", {}),
        (b'"a string"', {}),
        (b"", {}),
    ],
)
def test_bad_request_errors_shapes(scripted, client, body, errors):
    scripted.reply(400, body=body, content_type="application/json")
    with pytest.raises(BadRequestException) as info:
        client.tasks_api.retrieve(1)
    assert info.value.errors == errors


@pytest.mark.parametrize(
    ("status", "cls", "reason"),
    [
        (401, UnauthorizedException, "Unauthorized"),
        (403, ForbiddenException, "Forbidden"),
        (404, NotFoundException, "Not Found"),
        (409, ConflictException, "Conflict"),
        (429, TooManyRequestsException, "Too Many Requests"),
        (500, ServiceException, "Internal Server Error"),
        (502, ServiceException, "Bad Gateway"),
        (503, ServiceException, "Service Unavailable"),
        (418, ApiException, "I'm a Teapot"),
    ],
)
def test_status_maps_to_exception_class(scripted, make_client, status, cls, reason):
    client = make_client(retries=NO_RETRIES)
    scripted.reply(status, json={"detail": "nope"})
    with pytest.raises(ApiException) as info:
        client.tasks_api.retrieve(7)
    exc = info.value
    assert type(exc) is cls
    assert isinstance(exc, ApiException)
    assert isinstance(exc, OpenApiException)
    assert exception_for_status(status) is cls
    assert exc.status == status
    assert exc.reason == reason
    assert exc.method == "GET"
    assert exc.url == f"{scripted.url}/api/tasks/7"
    assert exc.body == '{"detail": "nope"}'
    assert exc.headers["Content-Type"] == "application/vnd.cvat+json"
    text = str(exc)
    assert "GET" in text
    assert "/api/tasks/7" in text
    assert f"({status})" in text
    assert "nope" in text
    assert len(scripted.requests) == 1


def test_custom_reason_phrase(scripted, client):
    scripted.reply(404, json={"detail": "x"}, reason="Nothing Here")
    with pytest.raises(NotFoundException) as info:
        client.tasks_api.retrieve(1)
    assert info.value.reason == "Nothing Here"
    assert "Nothing Here" in str(info.value)


def test_html_error_page_is_not_in_message(scripted, make_client):
    client = make_client(retries=NO_RETRIES)
    scripted.reply(502, body="<html><body>" + "x" * 5000 + "</body></html>", content_type="text/html")
    with pytest.raises(ServiceException) as info:
        client.tasks_api.retrieve(1)
    assert "<html>" not in str(info.value)
    assert info.value.body.startswith("<html>")


def test_long_body_is_truncated_in_message(scripted, client):
    scripted.reply(400, json={"detail": "y" * 10_000})
    with pytest.raises(BadRequestException) as info:
        client.tasks_api.retrieve(1)
    assert len(str(info.value)) < 2200
    assert len(info.value.body) > 10_000


def test_error_on_binary_and_streamed_operations(scripted, client):
    scripted.reply(404, json={"detail": "no frame"})
    with pytest.raises(NotFoundException) as info:
        client.tasks_api.retrieve_data(1, type="frame", number=99, _parse_response=False)
    assert info.value.url == f"{scripted.url}/api/tasks/1/data/?number=99&type=frame"
    assert "no frame" in str(info.value)


def test_too_many_requests_retry_after(scripted, make_client):
    client = make_client(retries=NO_RETRIES)
    scripted.reply(429, json={"detail": "slow down"}, headers={"Retry-After": "17"})
    with pytest.raises(TooManyRequestsException) as info:
        client.tasks_api.retrieve(1)
    assert info.value.retry_after == 17.0
    assert TooManyRequestsException(429, "x", headers={}).retry_after is None
    assert TooManyRequestsException(429, "x", headers={"Retry-After": "soon"}).retry_after is None


def test_api_exception_official_constructor():
    class Resp:
        status = 404
        reason = "Not Found"
        data = b'{"detail": "gone"}'
        headers = {"Content-Type": "application/json"}

    exc = NotFoundException(http_resp=Resp())
    assert (exc.status, exc.reason, exc.body) == (404, "Not Found", '{"detail": "gone"}')
    assert str(exc) == '(404) Not Found: {"detail": "gone"}'
    assert str(ApiException(status=500)) == "(500)"


# --- no secrets in messages ---------------------------------------------------------------------

SECRETS = {
    "password": "pw-SECRET-1",
    "token": "tok-SECRET-2",
    "api_key": "key-SECRET-3",
    "session": "sess-SECRET-4",
    "csrf": "csrf-SECRET-5",
}

AUTH_KINDS = {
    "basic": {"username": "alice", "password": SECRETS["password"]},
    "bearer": {"access_token": SECRETS["token"]},
    "token": {"api_key": {"tokenAuth": SECRETS["api_key"]}, "api_key_prefix": {"tokenAuth": "Token"}},
    "session": {"api_key": {"sessionAuth": SECRETS["session"], "csrfAuth": SECRETS["csrf"]}},
}


def _assert_no_secrets(exc: BaseException, *extra: str) -> None:
    texts = [str(exc), repr(exc), *map(str, exc.args), str(getattr(exc, "url", ""))]
    for text in texts:
        for secret in (*SECRETS.values(), *extra):
            assert secret not in text, f"{secret!r} leaked into {text!r}"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500])
@pytest.mark.parametrize("auth", sorted(AUTH_KINDS))
def test_exception_text_has_no_credentials(scripted, make_client, auth, status):
    client = make_client(retries=NO_RETRIES, **AUTH_KINDS[auth])
    cookie_headers = [
        ("Set-Cookie", f"sessionid={SECRETS['session']}; Path=/; HttpOnly"),
        ("Set-Cookie", f"csrftoken={SECRETS['csrf']}; Path=/"),
    ]
    scripted.reply(status, json={"detail": "Invalid credentials."}, headers=cookie_headers)
    with pytest.raises(ApiException) as info:
        client.tasks_api.partial_update(5, patched_task_write_request={"name": "x"})
    req = scripted.requests[0]
    assert req.header("Authorization") or req.header("X-CSRFToken")  # the credentials were really sent ...
    _assert_no_secrets(info.value)  # ... but are not in the exception's text
    assert "Invalid credentials." in str(info.value)


def test_exception_after_login_has_no_cookie_values(scripted, make_client):
    client = make_client(username="alice", password=SECRETS["password"], retries=NO_RETRIES)
    scripted.reply(
        json={"key": SECRETS["token"]},
        headers=[
            ("Set-Cookie", f"sessionid={SECRETS['session']}; Path=/"),
            ("Set-Cookie", f"csrftoken={SECRETS['csrf']}; Path=/"),
        ],
    )
    client.auth_api.create_login({"username": "alice", "password": SECRETS["password"]})
    scripted.reply(403, json={"detail": "CSRF Failed: CSRF token missing."})
    with pytest.raises(ForbiddenException) as info:
        client.tasks_api.destroy(3)
    assert scripted.requests[1].header("X-CSRFToken") == SECRETS["csrf"]
    _assert_no_secrets(info.value)


def test_signed_url_query_is_redacted(scripted, client):
    scripted.reply(404, json={"detail": "expired"})
    with pytest.raises(NotFoundException) as info:
        client.call_api("/api/assets/1", "GET", query_params={"sign": "SIGN-SECRET", "page": 2, "token": "T-SECRET"})
    exc = info.value
    assert scripted.requests[0].query == {"sign": ["SIGN-SECRET"], "page": ["2"], "token": ["T-SECRET"]}
    assert exc.url.startswith(f"{scripted.url}/api/assets/1?")
    assert "page=2" in exc.url
    assert "sign=" in exc.url
    _assert_no_secrets(exc, "SIGN-SECRET", "T-SECRET")


def test_signed_url_after_redirect_is_redacted(scripted, client):
    scripted.reply(302, headers={"Location": "/api/storage/blob?sign=REDIRECT-SECRET&x=1"})
    scripted.reply(403, body=b"denied", content_type="text/plain")
    with pytest.raises(ForbiddenException) as info:
        client.tasks_api.retrieve_data(1, type="chunk", number=0, _parse_response=False)
    assert [r.path for r in scripted.requests] == ["/api/tasks/1/data/", "/api/storage/blob"]
    assert "/api/storage/blob" in info.value.url
    _assert_no_secrets(info.value, "REDIRECT-SECRET")


def test_redact_url():
    from cvat_api._runtime.errors import redact_url

    assert redact_url("https://user:pw@host:8443/p/a?sign=abc&x=1&ACCESS_TOKEN=t#frag") == (
        "https://host:8443/p/a?sign=%2A%2A%2A&x=1&ACCESS_TOKEN=%2A%2A%2A"
    )
    assert redact_url("http://h/p") == "http://h/p"


# --- transport errors ---------------------------------------------------------------------------


def test_connection_refused_is_transport_error(free_port):
    config = cvat_api.Configuration(
        host=f"http://127.0.0.1:{free_port}", username="alice", password=SECRETS["password"], retries=NO_RETRIES
    )
    with cvat_api.ApiClient(config) as client, pytest.raises(TransportError) as info:
        client.tasks_api.retrieve(5)
    exc = info.value
    assert not isinstance(exc, ApiException)
    assert isinstance(exc, OpenApiException)
    assert not isinstance(exc, RequestTimeoutError)
    assert exc.method == "GET"
    assert exc.url == f"http://127.0.0.1:{free_port}/api/tasks/5"
    assert str(exc).startswith(f"GET http://127.0.0.1:{free_port}/api/tasks/5: ")
    _assert_no_secrets(exc)


def test_connection_refused_message_has_no_signed_query(free_port):
    config = cvat_api.Configuration(host=f"http://127.0.0.1:{free_port}", retries=NO_RETRIES)
    with cvat_api.ApiClient(config) as client, pytest.raises(TransportError) as info:
        client.call_api("/api/assets/1", "GET", query_params={"sign": "REFUSED-SECRET"})
    _assert_no_secrets(info.value, "REFUSED-SECRET")


def test_stall_beyond_request_timeout(scripted, make_client):
    client = make_client(retries=NO_RETRIES)
    scripted.stall(10, json={"late": True})
    start = time.monotonic()
    with pytest.raises(RequestTimeoutError) as info:
        client.tasks_api.retrieve(5, _request_timeout=0.3)
    elapsed = time.monotonic() - start
    assert elapsed < 3
    exc = info.value
    assert isinstance(exc, TransportError)
    assert isinstance(exc, TimeoutError)
    assert exc.method == "GET"
    assert "/api/tasks/5" in str(exc)
    assert len(scripted.requests) == 1


def test_connect_and_read_timeout_pair(scripted, make_client):
    client = make_client(retries=NO_RETRIES)
    scripted.stall(10)
    start = time.monotonic()
    with pytest.raises(RequestTimeoutError):
        client.tasks_api.retrieve(5, _request_timeout=(5, 0.3))
    assert time.monotonic() - start < 3


def test_configured_read_timeout(scripted, make_client):
    client = make_client(retries=NO_RETRIES, read_timeout=0.3)
    scripted.stall(10)
    start = time.monotonic()
    with pytest.raises(RequestTimeoutError):
        client.tasks_api.retrieve(5)
    assert time.monotonic() - start < 3


def test_drop_before_answer_is_transport_error(scripted, make_client):
    client = make_client(retries=NO_RETRIES)
    scripted.drop()
    with pytest.raises(TransportError) as info:
        client.tasks_api.retrieve(5)
    assert not isinstance(info.value, RequestTimeoutError)
    assert info.value.method == "GET"


def test_drop_in_body_is_transport_error(scripted, make_client):
    client = make_client(retries=NO_RETRIES)
    scripted.drop_in_body(b'{"id": 5, "na')
    with pytest.raises(TransportError) as info:
        client.tasks_api.retrieve(5)
    assert info.value.method == "GET"
    assert "/api/tasks/5" in str(info.value)


def test_drop_in_body_of_streamed_response_is_transport_error(scripted, make_client):
    client = make_client(retries=NO_RETRIES)
    scripted.drop_in_body(b"\x00" * 1000, content_type="image/png")
    _, response = client.tasks_api.retrieve_data(1, type="frame", number=0, _parse_response=False)
    with pytest.raises(TransportError):
        for _ in response.stream(100):
            pass
    scripted.drop_in_body(b"\x00" * 1000, content_type="image/png")
    _, response = client.tasks_api.retrieve_data(1, type="frame", number=0, _parse_response=False)
    with pytest.raises(TransportError):
        response.data  # noqa: B018
    scripted.drop_in_body(b"\x00" * 1000, content_type="image/png")
    _, response = client.tasks_api.retrieve_data(1, type="frame", number=0, _parse_response=False)
    with pytest.raises(TransportError):
        while response.read(300):
            pass


def test_stall_in_body_is_timeout(scripted, make_client):
    client = make_client(retries=NO_RETRIES)
    scripted.stall_in_body(10)  # headers arrive, then the rest of the body never does
    start = time.monotonic()
    with pytest.raises(RequestTimeoutError):
        client.tasks_api.retrieve(5, _request_timeout=0.3)
    assert time.monotonic() - start < 3
