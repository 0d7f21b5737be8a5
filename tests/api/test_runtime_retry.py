"""Retries: which failures are repeated for which methods, how long the client waits, what it logs."""

from __future__ import annotations

import email.utils
import io
import logging
import time

import cvat_api
import pytest
import requests
import urllib3
from cvat_api._runtime import retry as retry_module
from cvat_api._runtime.rest import nothing_sent as _nothing_sent
from cvat_api._runtime.retry import parse_retry_after
from cvat_api.exceptions import (
    ApiException,
    RequestTimeoutError,
    ServiceException,
    TooManyRequestsException,
    TransportError,
)
from cvat_api.models import About, RqId

ABOUT = {"name": "CVAT", "description": "d", "version": "2.42.0", "logo_url": "l", "subtitle": "s"}


class SleepRecorder:
    """Replaces the runtime's retry sleep hook: records the delays, does not wait."""

    def __init__(self, on_sleep=None) -> None:
        self.delays: list[float] = []
        self.on_sleep = on_sleep

    def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.on_sleep:
            self.on_sleep(len(self.delays))


@pytest.fixture
def sleeps(monkeypatch) -> SleepRecorder:
    recorder = SleepRecorder()

    monkeypatch.setattr(retry_module, "sleep", recorder.sleep)
    return recorder


# --- statuses -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [502, 503, 504, 429])
def test_get_retried_on_transient_status(scripted, client, status):
    scripted.reply(status, json={"detail": "busy"})
    scripted.reply(status, body=b"<html>busy</html>", content_type="text/html")
    scripted.reply(json=ABOUT)
    about, response = client.server_api.retrieve_about()
    assert isinstance(about, About)
    assert about.version == "2.42.0"
    assert response.status == 200
    assert len(scripted.requests) == 3
    assert {(r.method, r.path) for r in scripted.requests} == {("GET", "/api/server/about")}


@pytest.mark.parametrize("method", ["PUT", "DELETE", "HEAD", "OPTIONS"])
def test_other_idempotent_methods_are_retried(scripted, client, method):
    scripted.reply(503)
    scripted.reply(200, json={})
    response = client.request(method, "/api/x", _check_status=False)
    assert response.status == 200
    assert [r.method for r in scripted.requests] == [method, method]


def test_put_with_body_is_retried_with_the_same_body(scripted, client):
    scripted.reply(503)
    scripted.reply(200)
    client.tasks_api.update_annotations(1, labeled_data_request={"version": 1, "tags": [], "shapes": [], "tracks": []})
    assert len(scripted.requests) == 2
    assert scripted.requests[0].body == scripted.requests[1].body
    assert scripted.requests[1].json()["version"] == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_post_not_retried_on_5xx_the_server_may_have_acted_on(scripted, client, status):
    scripted.reply(status, json={"detail": "busy"})
    with pytest.raises(ServiceException) as info:
        client.tasks_api.create({"name": "t", "labels": []})
    assert info.value.status == status
    assert info.value.method == "POST"
    assert len(scripted.requests) == 1


def test_patch_not_retried_on_502(scripted, client):
    scripted.reply(502)
    with pytest.raises(ServiceException):
        client.tasks_api.partial_update(1, patched_task_write_request={"name": "x"})
    assert len(scripted.requests) == 1


def test_post_and_patch_retried_on_503_the_server_did_not_act_on(scripted, client, sleeps):
    scripted.reply(503, headers={"Retry-After": "0"})
    scripted.reply(201, json={"id": 1, "jobs": {"completed": 0, "validation": 0}, "labels": {}})
    task, _ = client.tasks_api.create({"name": "t", "labels": []})
    assert task.id == 1
    scripted.reply(503)
    scripted.reply(200, json={"id": 1, "jobs": {"completed": 0, "validation": 0}, "labels": {}})
    client.tasks_api.partial_update(1, patched_task_write_request={"name": "x"})
    assert [r.method for r in scripted.requests] == ["POST", "POST", "PATCH", "PATCH"]
    assert scripted.requests[0].json() == scripted.requests[1].json()


def test_get_not_retried_on_other_errors(scripted, client):
    scripted.reply(500, json={"detail": "bug"})
    with pytest.raises(ServiceException):
        client.tasks_api.retrieve(1)
    scripted.reply(404, json={"detail": "no"})
    with pytest.raises(ApiException):
        client.tasks_api.retrieve(1)
    assert len(scripted.requests) == 2


def test_429_retried_for_get_with_retry_after_zero(scripted, client, sleeps):
    scripted.reply(429, json={"detail": "slow down"}, headers={"Retry-After": "0"})
    scripted.reply(json=ABOUT)
    about, _ = client.server_api.retrieve_about()
    assert about.name == "CVAT"
    assert len(scripted.requests) == 2
    assert sleeps.delays == [0.0]


def test_429_retried_for_post(scripted, client):
    scripted.reply(429, json={"detail": "slow down"}, headers={"Retry-After": "0"})
    scripted.reply(201, json={"id": 1, "jobs": {"completed": 0, "validation": 0}, "labels": {}})
    task, response = client.tasks_api.create({"name": "t", "labels": [{"name": "cat"}]})
    assert response.status == 201
    assert task.id == 1
    assert [r.method for r in scripted.requests] == ["POST", "POST"]
    assert scripted.requests[0].json() == scripted.requests[1].json() == {"name": "t", "labels": [{"name": "cat"}]}


def test_429_retried_for_multipart_post_rewinds_files(scripted, client, tmp_path):
    content = b"\x89PNG" + bytes(range(256)) * 40
    path = tmp_path / "a.png"
    path.write_bytes(content)
    scripted.reply(429, headers={"Retry-After": "0"})
    scripted.reply(202, json={"rq_id": "r1"})
    with open(path, "rb") as f:
        rq, _ = client.tasks_api.create_data(1, data_request={"image_quality": 70, "client_files": [f]})
    assert isinstance(rq, RqId)
    assert len(scripted.requests) == 2
    for req in scripted.requests:
        parts = {name: data for name, _, data in req.multipart()}
        assert parts["client_files[0]"] == content
        assert parts["image_quality"] == b"70"


class NonSeekable(io.RawIOBase):
    name = "stream.bin"

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        chunk = self._data.read(len(b))
        b[: len(chunk)] = chunk
        return len(chunk)

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        raise OSError("not seekable")


def test_429_not_retried_when_body_cannot_be_rewound(scripted, client):
    scripted.reply(429, headers={"Retry-After": "0"})
    with pytest.raises(TooManyRequestsException):
        client.tasks_api.create_data(1, data_request={"image_quality": 1, "client_files": [NonSeekable(b"abc")]})
    assert len(scripted.requests) == 1
    parts = {name: data for name, _, data in scripted.requests[0].multipart()}
    assert parts["client_files[0]"] == b"abc"


def test_429_not_retried_for_one_shot_iterator_body(scripted, client):
    scripted.reply(429, headers={"Retry-After": "0"})
    response = client.request("POST", "/api/x", body=iter([b"ab", b"cd"]), _check_status=False)
    assert response.status == 429
    assert [r.body for r in scripted.requests] == [b"abcd"]  # not repeated with an exhausted iterator


def test_bytes_body_of_raw_request_is_retried(scripted, client):
    scripted.reply(429, headers={"Retry-After": "0"})
    scripted.reply(200)
    assert client.request("POST", "/api/x", body=b"abcd").status == 200
    assert [r.body for r in scripted.requests] == [b"abcd", b"abcd"]


# --- Retry-After --------------------------------------------------------------------------------


def test_retry_after_seconds_is_used(scripted, client, sleeps):
    scripted.reply(503, headers={"Retry-After": "7"})
    scripted.reply(429, headers={"Retry-After": "1.5"})
    scripted.reply(json=ABOUT)
    client.server_api.retrieve_about()
    assert sleeps.delays == [7.0, 1.5]


def test_retry_after_is_capped(scripted, make_client, tiny_retries, sleeps):
    client = make_client(retries=tiny_retries(max_retry_after=2.5))
    scripted.reply(503, headers={"Retry-After": "3600"})
    scripted.reply(json=ABOUT)
    client.server_api.retrieve_about()
    assert sleeps.delays == [2.5]


def test_retry_after_ignored_when_not_respected(scripted, make_client, tiny_retries, sleeps):
    client = make_client(retries=tiny_retries(respect_retry_after=False))
    scripted.reply(503, headers={"Retry-After": "3600"})
    scripted.reply(json=ABOUT)
    client.server_api.retrieve_about()
    assert len(sleeps.delays) == 1
    assert 0 <= sleeps.delays[0] <= 0.001


def test_retry_after_waits_for_real(scripted, make_client, tiny_retries):
    client = make_client(retries=tiny_retries(max_retry_after=0.3))
    scripted.reply(503, headers={"Retry-After": "1"})
    scripted.reply(json=ABOUT)
    start = time.monotonic()
    client.server_api.retrieve_about()
    assert time.monotonic() - start >= 0.29
    assert len(scripted.requests) == 2


def test_retry_after_http_date(scripted, client, sleeps):
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    scripted.reply(503, headers={"Retry-After": when})
    scripted.reply(json=ABOUT)
    client.server_api.retrieve_about()
    assert len(sleeps.delays) == 1
    assert 25 <= sleeps.delays[0] <= 31


def test_parse_retry_after():
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after(" 12 ") == 12.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None
    future = email.utils.formatdate(time.time() + 120, usegmt=True)
    assert 115 <= parse_retry_after(future) <= 121
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert 55 <= parse_retry_after(email.utils.formatdate(time.time() + 60, localtime=True)) <= 61


def test_retry_policy_delay_and_backoff():
    policy = cvat_api.RetryPolicy(backoff_base=0.5, backoff_max=3.0, max_retry_after=10.0, jitter=False)
    assert [policy.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert policy.delay(1, "4") == 4.0
    assert policy.delay(1, "100") == 10.0
    assert policy.delay(2, None) == 1.0
    assert policy.delay(3, "garbage") == 2.0
    jittery = cvat_api.RetryPolicy(backoff_base=0.5, backoff_max=3.0)
    for n in range(1, 8):
        assert 0 <= jittery.backoff(n) <= min(3.0, 0.5 * 2 ** (n - 1))
    assert cvat_api.RetryPolicy(respect_retry_after=False, jitter=False).delay(1, "99") == 0.5


def test_retry_policy_decisions():
    policy = cvat_api.RetryPolicy()
    assert policy.retries_status("GET", 503)
    assert policy.retries_status("DELETE", 502)
    assert not policy.retries_status("GET", 500)
    assert policy.retries_status("POST", 503)  # refused unprocessed
    assert not policy.retries_status("POST", 502)  # a gateway failed: the server may have acted
    assert policy.retries_status("POST", 429)
    assert policy.retries_status("PATCH", 429)
    assert policy.retries_error("GET", nothing_sent=False)
    assert not policy.retries_error("POST", nothing_sent=False)
    assert policy.retries_error("POST", nothing_sent=True)
    assert cvat_api.RetryPolicy.disabled().max_retries == 0
    assert cvat_api.Configuration(retries=2).retry_policy.max_retries == 2
    assert cvat_api.Configuration(retries=-1).retry_policy.max_retries == 0
    assert cvat_api.Configuration().retry_policy == cvat_api.RetryPolicy()


def test_custom_statuses_and_methods(scripted, make_client, tiny_retries):
    client = make_client(retries=tiny_retries(statuses=frozenset({500}), methods=frozenset({"GET", "POST"})))
    scripted.reply(500)
    scripted.reply(200, json={})
    assert client.request("POST", "/api/x", body=b"{}").status == 200
    scripted.reply(503)
    with pytest.raises(ServiceException):
        client.tasks_api.retrieve(1)
    assert len(scripted.requests) == 3


# --- how many attempts --------------------------------------------------------------------------


@pytest.mark.parametrize("retries", [cvat_api.RetryPolicy.disabled(), 0], ids=["disabled", "zero"])
def test_no_retries_means_one_attempt(scripted, make_client, retries):
    client = make_client(retries=retries)
    scripted.always(503, json={"detail": "down"})
    with pytest.raises(ServiceException):
        client.server_api.retrieve_about()
    assert len(scripted.requests) == 1


def test_integer_retries(scripted, make_client, sleeps):
    client = make_client(retries=2)
    scripted.always(503)
    with pytest.raises(ServiceException):
        client.server_api.retrieve_about()
    assert len(scripted.requests) == 3
    assert len(sleeps.delays) == 2


def test_request_retry_false(scripted, client):
    scripted.always(503)
    assert client.request("GET", "/api/server/about", retry=False, _check_status=False).status == 503
    assert len(scripted.requests) == 1


def test_exhausted_retries_raise_the_last_status(scripted, client, caplog):
    scripted.reply(503, json={"detail": "first"})
    scripted.reply(502, json={"detail": "second"})
    scripted.reply(503, json={"detail": "third"})
    scripted.reply(504, json={"detail": "last"})
    with caplog.at_level(logging.WARNING, logger="cvat_api"), pytest.raises(ServiceException) as info:
        client.server_api.retrieve_about()
    assert info.value.status == 504
    assert "last" in str(info.value)
    assert len(scripted.requests) == 4
    messages = [r.getMessage() for r in caplog.records if r.name == "cvat_api"]
    assert len(messages) == 3
    assert "GET /api/server/about answered 503; retry 1/3" in messages[0]
    assert "answered 502; retry 2/3" in messages[1]
    assert "answered 503; retry 3/3" in messages[2]
    assert all(r.levelno == logging.WARNING for r in caplog.records if r.name == "cvat_api")


def test_retry_log_has_no_secrets(scripted, make_client, caplog):
    client = make_client(access_token="tok-LOG-SECRET")
    scripted.drop()
    scripted.reply(503)
    scripted.reply(json=ABOUT)
    with caplog.at_level(logging.DEBUG, logger="cvat_api"):
        client.call_api("/api/server/about", "GET", query_params={"sign": "LOG-SIGN"})
    assert len(scripted.requests) == 3
    text = caplog.text
    assert "retry 1/3" in text
    assert "retry 2/3" in text
    assert "tok-LOG-SECRET" not in text
    assert "LOG-SIGN" not in text


# --- dropped connections and timeouts -----------------------------------------------------------


def test_get_dropped_before_answer_is_retried(scripted, client, caplog):
    scripted.drop()
    scripted.reply(json=ABOUT)
    with caplog.at_level(logging.WARNING, logger="cvat_api"):
        about, _ = client.server_api.retrieve_about()
    assert about.version == "2.42.0"
    assert len(scripted.requests) == 2
    assert any("failed" in r.getMessage() and "retry 1/3" in r.getMessage() for r in caplog.records)


def test_get_dropped_in_status_line_is_retried(scripted, client):
    scripted.drop_in_headers()
    scripted.reply(json=ABOUT)
    about, _ = client.server_api.retrieve_about()
    assert about.version == "2.42.0"
    assert len(scripted.requests) == 2


def test_get_dropped_in_body_is_retried(scripted, client):
    scripted.drop_in_body(b'{"name": "CVAT", "descr')
    scripted.reply(json=ABOUT)
    about, _ = client.server_api.retrieve_about()
    assert about.version == "2.42.0"
    assert len(scripted.requests) == 2


def test_binary_get_dropped_in_body_is_retried(scripted, client):
    scripted.drop_in_body(b"\x00" * 5000, content_type="application/zip")
    scripted.reply(body=b"\x01" * 7000, content_type="application/zip")
    data, _ = client.jobs_api.retrieve_data(1, type="chunk", index=0)
    assert data == b"\x01" * 7000
    assert len(scripted.requests) == 2


def test_get_dropped_every_time_raises_transport_error(scripted, client):
    for _ in range(4):
        scripted.drop()
    with pytest.raises(TransportError) as info:
        client.server_api.retrieve_about()
    assert len(scripted.requests) == 4
    assert info.value.method == "GET"


@pytest.mark.parametrize("how", ["drop", "drop_in_headers", "drop_in_body"])
def test_post_dropped_after_request_is_not_retried(scripted, client, how):
    getattr(scripted, how)()
    with pytest.raises(TransportError) as info:
        client.tasks_api.create({"name": "t", "labels": []})
    assert len(scripted.requests) == 1
    assert scripted.requests[0].json() == {"name": "t", "labels": []}
    assert info.value.method == "POST"


def test_post_timeout_is_not_retried(scripted, client):
    scripted.stall(10)
    start = time.monotonic()
    with pytest.raises(RequestTimeoutError):
        client.tasks_api.create({"name": "t", "labels": []}, _request_timeout=0.3)
    assert time.monotonic() - start < 3
    assert len(scripted.requests) == 1


def test_get_timeout_is_retried(scripted, client):
    scripted.stall(10)
    scripted.stall(10)
    scripted.reply(json=ABOUT)
    start = time.monotonic()
    about, _ = client.server_api.retrieve_about(_request_timeout=0.3)
    assert time.monotonic() - start < 5
    assert about.name == "CVAT"
    assert len(scripted.requests) == 3


def test_get_timeout_every_time(scripted, make_client, tiny_retries):
    client = make_client(retries=tiny_retries(max_retries=1))
    scripted.stall(10)
    scripted.stall(10)
    start = time.monotonic()
    with pytest.raises(RequestTimeoutError):
        client.server_api.retrieve_about(_request_timeout=0.3)
    assert time.monotonic() - start < 5
    assert len(scripted.requests) == 2


def test_refused_post_is_retried(free_port, scripted_factory, monkeypatch):
    """Nothing reached the server, so even a POST is repeated: the server starts during the backoff."""
    late: list = []

    def start_server(n: int) -> None:
        if not late:
            srv = scripted_factory(port=free_port)
            srv.reply(201, json={"id": 9, "jobs": {"completed": 0, "validation": 0}, "labels": {}})
            late.append(srv)

    recorder = SleepRecorder(on_sleep=start_server)

    monkeypatch.setattr(retry_module, "sleep", recorder.sleep)
    config = cvat_api.Configuration(host=f"http://127.0.0.1:{free_port}", retries=3)
    with cvat_api.ApiClient(config) as client:
        task, response = client.tasks_api.create({"name": "t", "labels": []})
    assert task.id == 9
    assert response.status == 201
    assert len(recorder.delays) == 1
    assert len(late[0].requests) == 1
    assert late[0].requests[0].json() == {"name": "t", "labels": []}


def test_refused_post_exhausts_retries(free_port, sleeps):
    config = cvat_api.Configuration(host=f"http://127.0.0.1:{free_port}", retries=2)
    with cvat_api.ApiClient(config) as client, pytest.raises(TransportError):
        client.tasks_api.create({"name": "t", "labels": []})
    assert len(sleeps.delays) == 2


def test_refused_retry_log_has_no_signed_query(free_port, sleeps, caplog):
    config = cvat_api.Configuration(host=f"http://127.0.0.1:{free_port}", retries=1)
    with (
        cvat_api.ApiClient(config) as client,
        caplog.at_level(logging.WARNING, logger="cvat_api"),
        pytest.raises(TransportError) as info,
    ):
        client.call_api("/api/assets/1", "GET", query_params={"sign": "LOG-REFUSED-SECRET"})
    assert "retry 1/1" in caplog.text
    assert "LOG-REFUSED-SECRET" not in caplog.text
    assert "LOG-REFUSED-SECRET" not in str(info.value)


def _connection_error(reason: Exception) -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/x", reason=reason))


def test_nothing_sent():
    conn = urllib3.connection.HTTPConnection("127.0.0.1", 1)
    assert _nothing_sent(_connection_error(urllib3.exceptions.NewConnectionError(conn, "refused")))
    assert _nothing_sent(_connection_error(urllib3.exceptions.ConnectTimeoutError(conn, "slow")))
    assert _nothing_sent(requests.exceptions.ConnectTimeout("connect timeout"))
    assert not _nothing_sent(_connection_error(urllib3.exceptions.ProtocolError("Connection aborted.")))
    assert not _nothing_sent(
        requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError("aborted", ConnectionResetError()))
    )
    assert not _nothing_sent(requests.exceptions.ReadTimeout("read timeout"))
    assert not _nothing_sent(requests.exceptions.ChunkedEncodingError("broken"))
    assert not _nothing_sent(requests.exceptions.ConnectionError())


# --- streamed answers (`_parse_response=False`) whose body breaks off --------------------------

FRAME = bytes(range(256)) * 400  # 102,400 bytes


def _frame_response(client):
    _, response = client.tasks_api.retrieve_data(1, type="frame", number=0, _parse_response=False)
    return response


def _read_with(how: str, response) -> bytes:
    if how == "data":
        return response.data
    if how == "stream":
        return b"".join(response.stream(1000))
    out = b""
    while block := response.read(3000):
        out += block
    return out


@pytest.mark.parametrize("how", ["data", "stream", "read"])
def test_streamed_get_cut_mid_body_is_read_again_whole_and_once(scripted, client, sleeps, how, caplog):
    scripted.drop_in_body(FRAME[:30_000], content_type="image/png", length=len(FRAME))
    scripted.drop_in_body(FRAME[:10_000], content_type="image/png", length=len(FRAME))  # shorter than handed out
    scripted.reply(body=FRAME, content_type="image/png")
    with caplog.at_level(logging.WARNING, logger="cvat_api"):
        assert _read_with(how, _frame_response(client)) == FRAME
    assert [(r.method, r.path) for r in scripted.requests] == [("GET", "/api/tasks/1/data/")] * 3
    assert len(sleeps.delays) == 2
    assert any("broke off" in r.getMessage() and "retry 1/3" in r.getMessage() for r in caplog.records)


def test_streamed_get_repeated_answer_that_differs_raises(scripted, client, sleeps):
    scripted.drop_in_body(FRAME[:30_000], content_type="image/png", length=len(FRAME))
    scripted.reply(body=FRAME[:50_000], content_type="image/png")  # another length: not the same file
    response = _frame_response(client)
    got = b""
    with pytest.raises(TransportError, match="answered differently"):
        for block in response.stream(1000):
            got += block
    assert got == FRAME[: len(got)] and len(got) <= 30_000  # nothing of the other answer was handed out
    assert len(scripted.requests) == 2


def test_streamed_get_cut_every_time_gives_up_after_max_retries(scripted, client, sleeps):
    for _ in range(4):
        scripted.drop_in_body(FRAME[:1000], content_type="image/png", length=len(FRAME))
    with pytest.raises(TransportError):
        _frame_response(client).data  # noqa: B018
    assert len(scripted.requests) == 4  # the first answer and 3 repeats


def test_streamed_get_cut_bytes_making_progress_are_not_limited_by_max_retries(scripted, client, sleeps):
    for cut in range(10_000, 100_000, 10_000):  # 9 cuts, each further than the last
        scripted.drop_in_body(FRAME[:cut], content_type="image/png", length=len(FRAME))
    scripted.reply(body=FRAME, content_type="image/png")
    assert b"".join(_frame_response(client).stream(4096)) == FRAME
    assert len(scripted.requests) == 10


def test_streamed_post_cut_mid_body_is_not_sent_again(scripted, client, sleeps):
    scripted.drop_in_body(b'{"rq_id": "r', length=200)
    response = client.request("POST", "/api/tasks/backup", _parse_response=False)
    with pytest.raises(TransportError):
        response.data  # noqa: B018
    assert [r.method for r in scripted.requests] == ["POST"]


# --- Retry-After within a time budget -----------------------------------------------------------


def test_retry_after_is_waited_for_beyond_max_retries(scripted, make_client, tiny_retries, sleeps):
    """A throttling server ("expected available in 1 second") is waited for as it asks, however
    often, within the time budget; such waits do not use up max_retries."""
    client = make_client(retries=tiny_retries(max_retries=2))
    for _ in range(6):
        scripted.reply(429, json={"detail": "throttled"}, headers={"Retry-After": "1"})
    scripted.reply(json=ABOUT)
    assert client.server_api.retrieve_about()[0].version == "2.42.0"
    assert sleeps.delays == [1.0] * 6


def test_retry_after_beyond_the_time_budget_is_not_waited(scripted, make_client, tiny_retries, sleeps):
    client = make_client(retries=tiny_retries(retry_time_budget=5.0))
    scripted.reply(429, json={"detail": "throttled"}, headers={"Retry-After": "10"})
    with pytest.raises(TooManyRequestsException) as e:
        client.server_api.retrieve_about()
    assert e.value.retry_after == 10.0 and sleeps.delays == [] and len(scripted.requests) == 1


def test_one_verdict_for_every_layer():
    policy = cvat_api.RetryPolicy()
    assert policy.status_verdict(503) is cvat_api.Verdict.UNPROCESSED
    assert policy.status_verdict(502) is cvat_api.Verdict.AMBIGUOUS
    assert policy.status_verdict(500) is cvat_api.Verdict.FATAL
    with_500 = cvat_api.RetryPolicy(statuses=frozenset({500, 503}))
    assert with_500.status_verdict(500) is cvat_api.Verdict.AMBIGUOUS
    assert with_500.status_verdict(502) is cvat_api.Verdict.FATAL  # not listed: not retried anywhere
    assert policy.error_verdict(nothing_sent=True) is cvat_api.Verdict.UNPROCESSED
    assert policy.error_verdict(nothing_sent=False) is cvat_api.Verdict.AMBIGUOUS
