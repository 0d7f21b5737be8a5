"""Client behaviour that needs no CVAT server: scheme deduction, versions, auth, org context, polling."""

from __future__ import annotations

import itertools
import logging
import subprocess
import sys
import time

import pytest
from cvat_sdk import Client, Config, make_client, models
from cvat_sdk.core import polling
from cvat_sdk.core.client import is_supported_server
from cvat_sdk.core.exceptions import (
    BackgroundRequestException,
    BackgroundRequestTimeoutError,
    IncompatibleVersionException,
    InvalidHostException,
    LoginError,
)
from cvat_sdk.core.progress import ProgressReporter
from packaging.version import Version

ABOUT = {"name": "CVAT", "description": "", "version": "2.42.0", "logo_url": "", "subtitle": ""}


def _about(version: str = "2.42.0") -> dict:
    return {**ABOUT, "version": version}


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(polling, "sleep", slept.append)
    return slept


@pytest.mark.parametrize(
    ("version", "supported"),
    [
        ("2.41.9", False),
        ("2.42.0", True),
        ("2.42.7", True),
        ("2.42.0.post3", True),
        ("2.43.0rc1", False),  # pre-releases are not releases of 2.43 (PEP 440 ~=), as in the official SDK
        ("2.42.1.dev3", True),
        ("1!2.42.0", False),
        ("2.43.12", True),
        ("2.44.0", False),
        ("2.44.0rc1", False),
        ("3.42.0", False),
    ],
)
def test_supported_server_versions(version: str, supported: bool) -> None:
    assert is_supported_server(Version(version), Client.SUPPORTED_SERVER_VERSIONS) is supported


def test_scheme_is_deduced_https_first_then_http(scripted, caplog) -> None:
    scripted.always(json=_about())
    host = f"127.0.0.1:{scripted.port}/"  # no scheme, trailing slash
    with caplog.at_level(logging.WARNING):
        client = Client(host)
    assert client.api_map.host == f"http://127.0.0.1:{scripted.port}"
    assert "HTTPS" in caplog.text
    assert all(r.path == "/api/server/about" for r in scripted.requests)


def test_a_401_on_the_probe_counts_as_found(scripted) -> None:
    scripted.always(401, json={"detail": "auth"})
    client = Client(f"127.0.0.1:{scripted.port}", check_server_version=False)
    assert client.api_map.host.startswith("http://")


def test_no_server_and_bad_schemes_raise_invalid_host(free_port) -> None:
    with pytest.raises(InvalidHostException, match="Failed to detect host schema automatically"):
        Client(f"127.0.0.1:{free_port}")
    with pytest.raises(InvalidHostException, match="ftp"):
        Client("ftp://example.com")
    with pytest.raises(InvalidHostException, match="no host"):
        Client("http://")


def test_explicit_scheme_skips_detection_and_keeps_port(scripted) -> None:
    scripted.reply(json=_about())
    client = Client(f"HTTP://127.0.0.1:{scripted.port}//")
    assert client.api_map.host == f"http://127.0.0.1:{scripted.port}"
    assert len(scripted.requests) == 1  # only the version check


def test_unsupported_server_warns_or_raises(scripted, caplog) -> None:
    scripted.always(json=_about("2.50.1"))
    with caplog.at_level(logging.WARNING):
        Client(scripted.url)
    assert "2.50.1" in caplog.text and "not compatible" in caplog.text
    with pytest.raises(IncompatibleVersionException, match="2.50.1"):
        Client(scripted.url, config=Config(allow_unsupported_server=False))


def test_organization_context_restores_even_on_errors(scripted) -> None:
    scripted.always(json=_about())
    client = Client(scripted.url)
    assert client.organization_slug is None
    client.organization_slug = ""
    with pytest.raises(RuntimeError), client.organization_context("team"):
        assert client.organization_slug == "team"
        raise RuntimeError("boom")
    assert client.organization_slug == ""
    with client.organization_context(None):
        assert client.organization_slug is None
    scripted.reply(json={"count": 0, "next": None, "previous": None, "results": []})
    client.api_client.users_api.list()
    assert scripted.requests[-1].header("X-Organization") == ""


def _request(status: str, progress: float | None = None, message: str = "") -> dict:
    return {
        "status": status,
        "message": message,
        "id": "rq-1",
        "progress": progress,
        "created_date": "2026-01-01T00:00:00Z",
        "operation": {"type": "export:dataset", "target": "task"},
        "result_url": "http://x/result" if status == "finished" else None,
    }


class _Recorder(ProgressReporter):
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def start2(self, total, *, desc=None, **kwargs) -> None:
        self.events.append(("start", total))

    def advance(self, delta) -> None:
        self.events.append(("advance", delta))

    def finish(self) -> None:
        self.events.append(("finish",))


def test_wait_for_completion_polls_fast_then_backs_off(scripted, _no_sleep) -> None:
    scripted.reply(json=_about())
    client = Client(scripted.url, config=Config(status_check_period=2))
    for status, progress in [("queued", None), ("started", 0.1), ("started", 0.5), ("started", 0.9), ("finished", 1.0)]:
        scripted.reply(json=_request(status, progress))
    pbar = _Recorder()
    request, response = client.wait_for_completion("rq-1", pbar=pbar)
    assert str(request.status) == "finished" and response.status == 200
    assert _no_sleep[0] == pytest.approx(0.1) and _no_sleep == sorted(_no_sleep) and max(_no_sleep) <= 2
    assert pbar.events[0] == ("start", 100) and pbar.events[-1] == ("finish",)
    assert sum(e[1] for e in pbar.events if e[0] == "advance") == 100


def test_wait_for_completion_logs_each_change_of_status_at_info(scripted, _no_sleep, caplog, monkeypatch) -> None:
    scripted.reply(json=_about())
    client = Client(scripted.url)
    for status, progress in [("queued", None), ("started", 0.1), ("started", 0.5), ("finished", 1.0)]:
        scripted.reply(json=_request(status, progress))
    with caplog.at_level(logging.DEBUG, logger="cvat_sdk"):
        client.wait_for_completion("rq-1", log_prefix="Dataset of task 7")
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if "status:" in r.getMessage()]
    assert [level for level, _ in lines] == ["INFO", "INFO", "DEBUG", "INFO"]  # the repeat of "started" is DEBUG
    assert lines[0][1] == "Dataset of task 7 status: queued (message=)"

    # a status that lasts is logged at INFO again every STATUS_REPEAT seconds
    clock = iter([0.0, 1.0, polling.STATUS_REPEAT + 1.0])
    monkeypatch.setattr(polling.time, "monotonic", lambda: next(clock))
    log = polling.StatusLog()
    assert [log.notable("started", "") for _ in range(3)] == [True, False, True]


def test_the_packages_print_nothing_unless_logging_is_set_up() -> None:
    """A NullHandler on each package's logger: no bare lines through Python's last-resort handler."""
    code = (
        "import logging, cvat_sdk, cvat_api, cvat_cli\n"
        "for name in ('cvat_sdk.core.client', 'cvat_api', 'cvat_cli'):\n"
        "    logging.getLogger(name).warning('unseen')\n"
        "logging.basicConfig(level=logging.INFO)\n"
        "logging.getLogger('cvat_sdk.core.client').warning('seen')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "unseen" not in proc.stderr and "WARNING:cvat_sdk.core.client:seen" in proc.stderr


@pytest.mark.parametrize("period", [5.0, 1.0, 0.05])
def test_polls_see_a_finished_request_soon_and_long_waits_poll_rarely(period: float) -> None:
    schedule = list(itertools.islice(polling.delays(period), 2000))
    times = list(itertools.accumulate(schedule))
    assert schedule[0] == min(0.1, period) and max(schedule) == period
    for finished_at in (0.05, 0.7, 3.2, 12.0, 60.0):  # the poll that sees it comes at most ~20 % late
        seen_at = next(t for t in times if t >= finished_at)
        late = min(period, max(0.1, 0.2 * finished_at))
        assert seen_at - finished_at <= late + 1e-9, (finished_at, seen_at)
    if period == 5.0:
        assert sum(1 for t in times if t <= 60) < 40  # a one-minute export polls fewer than 40 times


def test_wait_for_completion_raises_the_servers_message(scripted) -> None:
    scripted.reply(json=_about())
    client = Client(scripted.url)
    scripted.reply(json=_request("failed", message="Unsupported format"))
    with pytest.raises(BackgroundRequestException, match="Unsupported format"):
        client.wait_for_completion("rq-1")


def test_wait_for_completion_times_out(scripted) -> None:
    scripted.reply(json=_about())
    client = Client(scripted.url, config=Config(status_check_period=1))
    scripted.always(json=_request("started", 0.2))
    with pytest.raises(BackgroundRequestTimeoutError) as info:
        client.wait_for_completion("rq-1", timeout=3)
    assert info.value.rq_id == "rq-1" and isinstance(info.value, TimeoutError)


def test_wait_for_completion_timeout_counts_the_time_spent_polling(scripted) -> None:
    scripted.reply(json=_about())
    client = Client(scripted.url, config=Config(status_check_period=1))
    scripted.always(json=_request("started", 0.2), stall=0.5)  # each poll takes 0.5 s to answer
    started = time.monotonic()
    with pytest.raises(BackgroundRequestTimeoutError):
        client.wait_for_completion("rq-1", timeout=1.0)
    elapsed = time.monotonic() - started
    # wall clock: poll (0.5) + sleep (0.1) + poll (0.5) > 1 s, so it gives up after the second poll;
    # counting only the sleeps, it would poll 5 times (about 3.4 s)
    assert elapsed < 1.8, elapsed
    assert len(scripted.requests) - 1 <= 2


def _login_reply(scripted, *, cookies: bool, key: str | None) -> None:
    headers = []
    if cookies:
        headers = [("Set-Cookie", "csrftoken=c1; Path=/"), ("Set-Cookie", "sessionid=s1; Path=/; HttpOnly")]
    scripted.reply(json={"key": key} if key else {}, headers=headers)


def test_login_uses_session_cookies_with_csrf(scripted) -> None:
    scripted.reply(json=_about())
    client = Client(scripted.url)
    _login_reply(scripted, cookies=True, key="k" * 40)
    client.login(("user", "pw"))
    assert client.has_credentials()
    scripted.reply(json={"detail": "ok"})
    client.logout()
    logout = scripted.requests[-1]
    assert logout.path == "/api/auth/logout" and logout.header("X-CSRFToken") == "c1"
    assert logout.header("Origin") == scripted.url and "Authorization" not in logout.headers
    assert not client.has_credentials()


def test_login_falls_back_to_the_token_when_cookies_are_dropped(scripted, caplog) -> None:
    scripted.reply(json=_about())
    client = Client(scripted.url)
    _login_reply(scripted, cookies=False, key="abc123")
    with caplog.at_level(logging.WARNING):
        client.login(("user", "pw"))
    assert "token" in caplog.text
    scripted.reply(json={"count": 0, "next": None, "previous": None, "results": []})
    client.api_client.tasks_api.list()
    assert scripted.requests[-1].header("Authorization") == "Token abc123"


def test_login_without_cookies_or_token_is_a_clear_error(scripted) -> None:
    scripted.reply(json=_about())
    client = Client(scripted.url)
    _login_reply(scripted, cookies=False, key=None)
    with pytest.raises(LoginError, match="neither session cookies nor a token"):
        client.login(("user", "pw"))


def test_access_token_from_argument_or_environment_is_sent_as_bearer(scripted, monkeypatch) -> None:
    scripted.always(json=_about())
    monkeypatch.setenv("CVAT_ACCESS_TOKEN", "env-token")
    client = make_client(scripted.url)
    assert client.has_credentials()
    client.get_server_version()
    assert scripted.requests[-1].header("Authorization") == "Bearer env-token"
    client = make_client("127.0.0.1", port=scripted.port, access_token="arg-token")
    client.get_server_version()
    assert scripted.requests[-1].header("Authorization") == "Bearer arg-token"


def test_make_client_takes_server_user_password_and_org_from_the_environment(scripted, monkeypatch) -> None:
    scripted.reply(json=_about())
    _login_reply(scripted, cookies=True, key="k")
    for name, value in [("CVAT_SERVER", scripted.url), ("CVAT_USER", "env-user"), ("CVAT_PASSWORD", "env-pw")]:
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CVAT_ORG", "env-org")
    client = make_client()
    login = scripted.requests[-1]
    assert (login.path, login.json()) == ("/api/auth/login", {"username": "env-user", "password": "env-pw"})
    assert client.organization_slug == "env-org"
    scripted.reply(json={"count": 0, "next": None, "previous": None, "results": []})
    client.api_client.tasks_api.list()
    assert scripted.requests[-1].header("X-Organization") == "env-org"


def test_make_client_arguments_win_over_the_environment(scripted, monkeypatch) -> None:
    scripted.reply(json=_about())
    _login_reply(scripted, cookies=True, key="k")
    monkeypatch.setenv("CVAT_SERVER", "http://127.0.0.1:1")  # nothing listens there
    monkeypatch.setenv("CVAT_USER", "env-user")
    monkeypatch.setenv("CVAT_PASSWORD", "env-pw")
    make_client(scripted.url, credentials=("arg-user", "arg-pw"))
    assert scripted.requests[-1].json() == {"username": "arg-user", "password": "arg-pw"}


def test_make_client_names_the_missing_setting(monkeypatch) -> None:
    with pytest.raises(ValueError, match="no server given: pass host=, or set CVAT_SERVER"):
        make_client()
    monkeypatch.setenv("CVAT_SERVER", "http://127.0.0.1:1")
    monkeypatch.setenv("CVAT_USER", "someone")
    with pytest.raises(ValueError, match="CVAT_USER is set to 'someone' but CVAT_PASSWORD is not"):
        make_client()  # before any request (nothing listens at that address)


def test_basic_credentials_are_never_sent_per_request(scripted) -> None:
    scripted.reply(json=_about())
    _login_reply(scripted, cookies=True, key="k")
    client = make_client(scripted.url, credentials=("user", "secret-pw"))
    scripted.reply(json={"count": 0, "next": None, "previous": None, "results": []})
    client.api_client.tasks_api.list()
    assert all("Basic" not in (r.header("Authorization") or "") for r in scripted.requests)


def _page(ids: list[int], next_url: str | None) -> dict:
    results = [
        {
            "url": "",
            "id": i,
            "name": f"t{i}",
            "jobs": {"count": 0, "completed": 0, "validation": 0},
            "labels": {"url": ""},
        }
        for i in ids
    ]
    return {"count": 5, "next": next_url, "previous": None, "results": results}


def test_list_asks_for_everything_at_once_and_passes_filters(scripted) -> None:
    scripted.reply(json=_about())
    client = Client(scripted.url)
    scripted.reply(json=_page([1, 2, 3], None))
    tasks = client.tasks.list(project_id=7, filter='{"==":[{"var":"status"},"annotation"]}', sort="-id")
    assert [t.id for t in tasks] == [1, 2, 3]
    q = scripted.requests[-1].query
    assert q["page_size"] == ["all"] and q["project_id"] == ["7"] and q["sort"] == ["-id"] and q["page"] == ["1"]
    scripted.reply(json=_page([1, 2], "next"))
    scripted.reply(json=_page([3], None))
    assert [t.id for t in client.tasks.iterate(page_size=2)] == [1, 2, 3]
    assert [r.query["page"] for r in scripted.requests[-2:]] == [["1"], ["2"]]
    scripted.reply(json=_page([4], None))
    raw = client.tasks.list(return_json=True)
    assert isinstance(raw, list) and raw[0]["id"] == 4


def test_entities_compare_by_id_and_print_sensibly(scripted) -> None:
    scripted.reply(json=_about())
    client = Client(scripted.url)
    scripted.reply(json=_page([1, 1, 2], None))
    a, b, c = client.tasks.list()
    assert a == b and a != c and len({a, b, c}) == 2
    assert repr(a) == "<Task: id=1>" and "'name': 't1'" in str(a)
    assert client.tasks is client.tasks


def test_closing_the_client_does_not_log_out(scripted) -> None:
    """On CVAT, logout deletes the user's API token, which other clients of the user may be using:
    leaving `with` (or `close()`) only closes the connection, as in the official SDK."""
    scripted.reply(json=_about())
    with Client(scripted.url) as client:
        _login_reply(scripted, cookies=True, key="k" * 40)
        client.login(("user", "pw"))
    client.close()
    assert [r.path for r in scripted.requests] == ["/api/server/about", "/api/auth/login"]


def test_version_warning_goes_to_the_clients_logger_also_when_raising(scripted) -> None:
    import io

    stream = io.StringIO()
    logger = logging.getLogger("test.version")
    logger.addHandler(logging.StreamHandler(stream))
    scripted.always(json=_about("0"))
    with pytest.raises(IncompatibleVersionException):
        Client(scripted.url, logger=logger, config=Config(allow_unsupported_server=False))
    assert "Server version '0' is not compatible with SDK version" in stream.getvalue()
    client = Client(scripted.url, logger=logger, check_server_version=False)
    with pytest.raises(IncompatibleVersionException):
        client.check_server_version(fail_if_unsupported=True)


def test_an_entity_field_the_server_did_not_send_says_why() -> None:
    """A task without data has no size: the AttributeError names model, object, field and reason."""
    from cvat_api.exceptions import OmittedFieldError
    from cvat_sdk.core.proxies.tasks import Task

    model = models.TaskRead.from_dict(
        {"id": 9, "jobs": {"count": 0, "completed": 0, "validation": 0}, "labels": {"url": "u"}, "new_field": 1}
    )
    task = Task(None, model)  # type: ignore[arg-type]
    with pytest.raises(OmittedFieldError, match=r"TaskRead #9 has no 'size': the server did not send it"):
        task.size  # noqa: B018
    assert task.new_field == 1  # a field this build does not know is still readable
    with pytest.raises(AttributeError, match="'Task' object has no attribute 'nope'"):
        task.nope  # noqa: B018
