"""Credentials stay with the server: against a scripted server and a second listener on another
origin that records what it receives (another port of 127.0.0.1, the closest other origin), the
SDK sends no credential and no data to another origin: not to a `result_url`, a redirect, a TUS
`Location` or a 307 of a POST. Given `http://` for a server that redirects to HTTPS, nothing secret
goes over plain HTTP. A login behind a 301/308 works; 429 with Retry-After is waited for at
login and at scheme detection.
"""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

import cvat_api
import cvat_api._runtime.retry as retry_module
import pytest
from cvat_api.exceptions import CrossOriginError
from cvat_sdk import Client, Config
from cvat_sdk.core.transfers import FileUploader

from tests.fakeserver import RecordedRequest, Reply, ScriptedServer

trustme = pytest.importorskip("trustme")  # a dev dependency (pyproject.toml)

ABOUT = {"name": "CVAT", "description": "", "version": "2.42.0", "logo_url": "", "subtitle": ""}
PASSWORD = "pa55-Secret!"
SESSION, CSRF, KEY = "sessionsecret0123456789", "csrfsecret0123456789", "0123456789abcdef0123456789abcdef"
CREDENTIAL_HEADERS = ("Authorization", "Cookie", "X-CSRFToken", "Origin")
TASK = {
    "id": 1,
    "name": "t",
    "size": 1,
    "mode": "annotation",
    "jobs": {"count": 1, "completed": 0, "validation": 0},
    "labels": {"count": 1},
    "updated_date": "2026-01-01T00:00:00Z",
}


@pytest.fixture(autouse=True)
def no_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(retry_module, "sleep", waits.append)
    return waits


@pytest.fixture
def other(scripted_factory) -> ScriptedServer:
    """The recorder on another origin: answers everything with 200 and a body."""
    server = scripted_factory()
    server.always(body=b"data from elsewhere", content_type="application/zip")
    return server


def _login_replies(server: ScriptedServer, *, cookies: bool) -> None:
    server.reply(json=ABOUT)
    headers = [("Set-Cookie", f"csrftoken={CSRF}; Path=/"), ("Set-Cookie", f"sessionid={SESSION}; Path=/")]
    server.reply(json={"key": KEY}, headers=headers if cookies else [])


def _logged_in(server: ScriptedServer, *, cookies: bool = True) -> Client:
    _login_replies(server, cookies=cookies)
    client = Client(server.url)  # asks the version first, as the official does
    client.login(("alice", PASSWORD))
    return client


def _export_replies(server: ScriptedServer, result_url: str) -> None:
    server.reply(json=TASK)
    server.reply(202, json={"rq_id": "rq1"})
    operation = {"type": "export:dataset", "target": "task", "task_id": 1, "format": "CVAT for images 1.1"}
    server.reply(
        json={
            "id": "rq1",
            "status": "finished",
            "message": "",
            "operation": operation,
            "created_date": "2026-01-01T00:00:00Z",
            "result_url": result_url,
        }
    )


def _credentials_in(request: RecordedRequest) -> list[str]:
    found = [name for name in CREDENTIAL_HEADERS if request.header(name)]
    text = bytes(request.body) + str(request.headers).encode()
    found += [secret for secret in (PASSWORD, SESSION, CSRF, KEY) if secret.encode() in text]
    return found


@pytest.mark.parametrize("cookies", [True, False], ids=["session", "token"])
def test_a_result_url_on_another_origin_is_refused(scripted, other, tmp_path: Path, cookies: bool) -> None:
    client = _logged_in(scripted, cookies=cookies)
    _export_replies(scripted, f"{other.url}/api/tasks/1/dataset/download?rq_id=rq1")
    task = client.tasks.retrieve(1)
    with pytest.raises(CrossOriginError, match="another origin") as e:
        task.export_dataset("CVAT for images 1.1", tmp_path / "out.zip")
    assert other.url.removeprefix("http://") in str(e.value)
    assert other.requests == [] and not (tmp_path / "out.zip").exists()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("cookies", [True, False], ids=["session", "token"])
def test_a_download_redirected_to_another_origin_gets_no_credential(
    scripted, other, tmp_path: Path, status: int, cookies: bool
) -> None:
    """A signed storage link, say: followed (a GET has no body), without any credential."""
    client = _logged_in(scripted, cookies=cookies)
    _export_replies(scripted, f"{scripted.url}/api/tasks/1/dataset/download?rq_id=rq1")
    scripted.reply(status, headers={"Location": f"{other.url}/bucket/export.zip?sig=abc"})
    path = client.tasks.retrieve(1).export_dataset("CVAT for images 1.1", tmp_path / "out.zip")
    assert path.read_bytes() == b"data from elsewhere"
    (request,) = other.requests
    assert request.method == "GET" and _credentials_in(request) == []
    scripted.reply(json=TASK)  # and the server's own requests still carry them
    client.tasks.retrieve(1)
    assert _credentials_in(scripted.requests[-1])


def test_cookies_set_by_another_origin_never_reach_the_server(scripted, other, tmp_path: Path) -> None:
    client = _logged_in(scripted)
    _export_replies(scripted, f"{scripted.url}/api/tasks/1/dataset/download?rq_id=rq1")
    scripted.reply(302, headers={"Location": f"{other.url}/export.zip"})
    other.default = Reply(200, [("Set-Cookie", "sessionid=planted; Path=/")], b"zip")
    client.tasks.retrieve(1).export_dataset("CVAT for images 1.1", tmp_path / "out.zip")
    scripted.reply(json=TASK)
    client.tasks.retrieve(1)
    assert scripted.requests[-1].cookies == {"csrftoken": CSRF, "sessionid": SESSION}


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_post_redirected_to_another_origin_is_refused(scripted, other, tmp_path: Path, status: int) -> None:
    client = _logged_in(scripted)
    scripted.reply(json=TASK)
    scripted.reply(status, headers={"Location": f"{other.url}/api/tasks/1/dataset/export"})
    task = client.tasks.retrieve(1)
    with pytest.raises(CrossOriginError, match=f"answered {status} to another origin"):
        task.export_dataset("CVAT for images 1.1", tmp_path / "out.zip")
    assert other.requests == []


def test_a_tus_location_on_another_origin_is_refused(scripted, other, tmp_path: Path) -> None:
    path = tmp_path / "backup.zip"
    path.write_bytes(b"file bytes" * 100)
    scripted.reply(202)  # Upload-Start
    scripted.reply(201, headers={"Location": f"{other.url}/api/tasks/backup/1_x", "Upload-Filename": "b.zip"})
    config = cvat_api.Configuration(host=scripted.url, api_key={"tokenAuth": KEY})
    with cvat_api.ApiClient(config) as api_client, pytest.raises(CrossOriginError, match="another origin"):
        FileUploader(api_client).upload_file("/api/tasks/backup/", path)
    assert other.requests == []


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_login_behind_a_redirect_on_the_same_origin(scripted, status: int) -> None:
    scripted.reply(json=ABOUT)
    scripted.reply(status, headers={"Location": "/api/auth/login/"})
    scripted.reply(
        json={"key": KEY}, headers=[("Set-Cookie", f"sessionid={SESSION}"), ("Set-Cookie", f"csrftoken={CSRF}")]
    )
    client = Client(scripted.url)
    client.login(("alice", PASSWORD))
    first, second = scripted.requests[1:]
    assert second.method == "POST" and second.path == "/api/auth/login/"
    assert second.json() == first.json() == {"username": "alice", "password": PASSWORD}
    assert client.has_credentials()


def test_login_waits_for_429_retry_after(scripted, no_waits: list[float]) -> None:
    """CVAT throttles logins: 429 "expected available in 2 seconds", five times in a row."""
    scripted.reply(json=ABOUT)
    for _ in range(5):
        scripted.reply(
            429,
            json={"detail": "Request was throttled. Expected available in 2 seconds."},
            headers={"Retry-After": "2"},
        )
    scripted.reply(
        json={"key": KEY}, headers=[("Set-Cookie", f"sessionid={SESSION}"), ("Set-Cookie", f"csrftoken={CSRF}")]
    )
    client = Client(scripted.url)
    client.login(("alice", PASSWORD))
    assert client.has_credentials() and no_waits == [2.0] * 5


def test_scheme_detection_waits_for_429_retry_after(scripted) -> None:
    scripted.reply(429, json={"detail": "throttled"}, headers={"Retry-After": "1"})
    scripted.always(json=ABOUT)
    client = Client(f"127.0.0.1:{scripted.port}")  # no scheme: https is tried, then http
    assert client.api_map.host == scripted.url
    assert [r.path for r in scripted.requests][-2:] == ["/api/server/about", "/api/server/about"]


# --- HTTP to HTTPS ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def https_and_http(ca, scripted_factory) -> tuple[ScriptedServer, ScriptedServer]:
    """A server on HTTPS, and its plain-HTTP port that redirects every request there (301)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    https = scripted_factory(ssl_context=context)
    http = scripted_factory()
    http.default = lambda request: Reply(301, [("Location", f"{https.url}{request.target}")])
    return https, http


def test_http_is_upgraded_to_https_before_the_password(https_and_http, ca_file, caplog) -> None:
    https, http = https_and_http
    _login_replies(https, cookies=True)
    https.always(json=TASK)
    with caplog.at_level(logging.WARNING):
        client = Client(http.url, config=Config(ssl_ca_cert=ca_file, https_check=True), check_server_version=False)
        client.login(("alice", PASSWORD))
        client.tasks.retrieve(1)
    assert [r.path for r in http.requests] == ["/api/server/about"]  # asked once, anonymously
    assert _credentials_in(http.requests[0]) == []
    assert client.api_map.host == https.url and client.api_client.configuration.host == https.url
    assert [r.path for r in https.requests] == ["/api/server/about", "/api/auth/login", "/api/tasks/1"]
    assert caplog.text.count("redirects") == 1 and https.url in caplog.text


def test_http_is_upgraded_to_https_before_the_token(https_and_http, ca_file) -> None:
    https, http = https_and_http
    https.always(json=ABOUT)
    client = Client(
        http.url, config=Config(ssl_ca_cert=ca_file, https_check=True), access_token="tokensecret0123456789"
    )
    client.get_server_version()
    assert [_credentials_in(r) for r in http.requests] == [[]]
    assert client.api_map.host == https.url
    assert https.requests[-1].header("Authorization") == "Bearer tokensecret0123456789"


def test_a_loopback_server_is_not_asked_anonymously_first(scripted) -> None:
    """On localhost nothing leaves the machine: the token goes with the first request, as the official
    client sends it (CVAT's own CLI test checks every request carries it)."""
    scripted.always(json=ABOUT)
    Client(scripted.url, access_token="tokensecret0123456789")
    assert scripted.requests and all(
        r.header("Authorization") == "Bearer tokensecret0123456789" for r in scripted.requests
    )
