"""Without a CVAT server: settings precedence, authentication, bad input and error messages, --debug
and secrets, using a scripted local HTTP server (tests/fakeserver.py) where requests are needed."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import types
from pathlib import Path

import pytest
from cvat_cli.__main__ import console_main, main
from cvat_cli._internal.common import ConnectionSettings, resolve_connection
from cvat_cli._internal.errors import CliError, describe
from cvat_cli._internal.output import field, format_table
from cvat_cli._internal.parser import build_parser

ABOUT = {"name": "CVAT", "description": "", "version": "2.42.0", "logo_url": "", "subtitle": ""}
EMPTY_PAGE = {"count": 0, "next": None, "previous": None, "results": []}
TASKS = {"count": 2, "next": None, "previous": None, "results": [{"id": 7, "name": "a b"}, {"id": 9, "name": "c"}]}
SESSION_SECRET = "s3ss10nS3cretValue0123456789"
CSRF_SECRET = "csrfS3cretValue0123456789abcd"
TOKEN_KEY_SECRET = "0123456789abcdef0123456789abcdef01234567"
PASSWORD_SECRET = "pa55w0rd-Secret!"


def login_reply(scripted) -> None:
    scripted.reply(
        json={"key": TOKEN_KEY_SECRET},
        headers=[
            ("Set-Cookie", f"csrftoken={CSRF_SECRET}; Path=/"),
            ("Set-Cookie", f"sessionid={SESSION_SECRET}; Path=/; HttpOnly"),
        ],
    )


def settings_for(argv: list[str], environ: dict[str, str]) -> ConnectionSettings:
    return resolve_connection(build_parser().parse_args([*argv, "task", "ls"]), environ)


# --- precedence: flags > environment > defaults ---------------------------------------------------
def test_defaults(monkeypatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "osuser")
    s = settings_for([], {})
    assert (s.url, s.user, s.password, s.access_token, s.organization, s.verify_ssl) == (
        "http://localhost",
        "osuser",
        None,
        None,
        None,
        True,
    )


def test_server_flag_beats_environment() -> None:
    assert settings_for([], {"CVAT_SERVER": "https://env.example.com/"}).url == "https://env.example.com"
    s = settings_for(["--server-host", "https://flag.example.com"], {"CVAT_SERVER": "https://env.example.com"})
    assert s.url == "https://flag.example.com"
    assert settings_for(["--server-host", "http://h", "--server-port", "8080"], {}).url == "http://h:8080"
    assert settings_for(["--insecure"], {}).verify_ssl is False


def test_credentials_precedence() -> None:
    env = {"CVAT_ACCESS_TOKEN": "env-token", "PASS": "env-pass"}
    s = settings_for([], env)
    assert (s.user, s.access_token) == (None, "env-token")  # the env token beats the default user
    s = settings_for(["--access-token", "flag-token"], env)
    assert (s.user, s.access_token) == (None, "flag-token")
    s = settings_for(["--auth", "alice"], env)
    assert (s.user, s.password, s.access_token) == ("alice", "env-pass", None)  # --auth beats the env token
    s = settings_for(["--auth", "alice:flag-pass"], env)
    assert (s.user, s.password) == ("alice", "flag-pass")
    assert settings_for(["--auth", "alice"], {}).password is None  # asked at login
    assert "flag-pass" not in repr(settings_for(["--auth", "alice:flag-pass"], {}))
    assert "flag-token" not in repr(settings_for(["--access-token", "flag-token"], {}))


def test_the_sdk_variables_user_password_and_org() -> None:
    env = {"CVAT_USER": "env-user", "CVAT_PASSWORD": "env-pw", "PASS": "official-pw", "CVAT_ORG": "env-org"}
    s = settings_for([], env)
    assert (s.user, s.password, s.access_token, s.organization) == ("env-user", "env-pw", None, "env-org")
    s = settings_for(["--auth", "alice", "--org", ""], env)  # the command line wins, "" included
    assert (s.user, s.password, s.organization) == ("alice", "env-pw", "")
    assert settings_for([], {"CVAT_USER": "env-user", "PASS": "official-pw"}).password == "official-pw"
    assert settings_for([], {"CVAT_ACCESS_TOKEN": "tok", "CVAT_USER": "env-user"}).user is None  # the token first


def test_auth_and_access_token_together_is_a_usage_error(run) -> None:
    r = run("--auth", "a:b", "--access-token", "t", "task", "ls")
    assert r.code == 2 and "not allowed with argument" in r.err


def test_bad_parallel_transfers_setting(monkeypatch, run) -> None:
    with pytest.raises(CliError, match="CVAT_MAX_PARALLEL_TRANSFERS"):
        settings_for([], {"CVAT_MAX_PARALLEL_TRANSFERS": "zero"})
    assert settings_for([], {"CVAT_MAX_PARALLEL_TRANSFERS": "2"}).max_parallel_transfers == 2
    monkeypatch.setenv("CVAT_MAX_PARALLEL_TRANSFERS", "0")
    r = run("task", "ls")
    assert r.code == 1 and r.err_lines[-1].endswith("CVAT_MAX_PARALLEL_TRANSFERS must be a whole number >= 1, not '0'")


# --- authentication against a scripted server ------------------------------------------------------
def test_access_token_from_the_environment_and_server_from_cvat_server(scripted, monkeypatch, run) -> None:
    monkeypatch.setenv("CVAT_SERVER", scripted.url)
    monkeypatch.setenv("CVAT_ACCESS_TOKEN", "tok-from-env")
    scripted.reply(json=ABOUT)
    scripted.reply(json=TASKS)
    r = run("task", "ls")
    assert (r.code, r.out) == (0, "7\n9\n"), r.err
    about, tasks = scripted.requests
    assert about.path == "/api/server/about" and tasks.path == "/api/tasks"
    assert tasks.header("Authorization") == "Bearer tok-from-env" and not tasks.cookies
    assert tasks.query["page_size"] == ["all"]


def test_access_token_flag_and_organization(scripted, run) -> None:
    scripted.reply(json=ABOUT)
    scripted.reply(json=EMPTY_PAGE)
    r = run("--server-host", scripted.url, "--access-token", "tok", "--org", "team", "project", "ls", "--json")
    assert (r.code, r.out) == (0, "[]\n"), r.err
    request = scripted.requests[-1]
    assert request.header("Authorization") == "Bearer tok" and request.header("X-Organization") == "team"


def test_password_login_then_session(scripted, run) -> None:
    login_reply(scripted)
    scripted.reply(json=ABOUT)  # the version (on a loopback host no HTTPS check comes first)
    scripted.reply(json=TASKS)
    r = run("--server-host", scripted.url, "--auth", f"alice:{PASSWORD_SECRET}", "--org", "", "ls", "--table")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["ID  NAME  STATUS  SIZE  PROJECT  OWNER", "7   a b", "9   c"]
    login, _, tasks = scripted.requests
    assert login.path == "/api/auth/login" and login.json() == {"username": "alice", "password": PASSWORD_SECRET}
    assert tasks.cookies["sessionid"] == SESSION_SECRET and tasks.header("X-Organization") == ""
    assert 'This command is deprecated. Use "task ls" instead.' in r.err


def test_password_from_pass_or_a_prompt(scripted, monkeypatch, run) -> None:
    monkeypatch.setenv("PASS", "from-env")
    login_reply(scripted)
    scripted.reply(json=ABOUT)  # the version (on a loopback host no HTTPS check comes first)
    scripted.reply(json=EMPTY_PAGE)
    assert run("--server-host", scripted.url, "--auth", "bob", "task", "ls").code == 0
    assert scripted.requests[0].json()["password"] == "from-env"

    monkeypatch.delenv("PASS")
    prompts: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or "typed")
    login_reply(scripted)
    scripted.reply(json=ABOUT)  # the version (on a loopback host no HTTPS check comes first)
    scripted.reply(json=EMPTY_PAGE)
    assert run("--server-host", scripted.url, "--auth", "bob", "task", "ls").code == 0
    assert prompts == [f"Password for bob at {scripted.url}: "]
    assert scripted.requests[3].json()["password"] == "typed"


def test_no_password_available(scripted, monkeypatch, run) -> None:
    def no_input(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr(getpass, "getpass", no_input)
    r = run("--server-host", scripted.url, "--auth", "bob", "task", "ls")
    assert r.code == 1 and not scripted.requests
    [line] = r.err_lines
    assert line.endswith("no password for bob: give --auth USER:PASS, set the CVAT_PASSWORD (or PASS) environment variable, "
                         "or use an access token (CVAT_ACCESS_TOKEN)")  # fmt: skip


@pytest.mark.parametrize(
    ("version", "status", "body", "expected"),
    [
        ("2.64.0", 401, {"detail": "Invalid token."}, "authentication failed: GET /api/tasks?page=1&page_size=all (401 Unauthorized): Invalid token. (check --auth, --access-token or CVAT_ACCESS_TOKEN)"),
        ("2.42.0", 401, {"detail": "Invalid token."}, "the server at {url} (CVAT 2.42.0) has no personal access tokens (they came with CVAT 2.48); log in with --auth USER[:PASS] instead"),
        ("2.42.0", 403, {"detail": "You do not have permission."}, "permission denied: GET /api/tasks?page=1&page_size=all (403 Forbidden): You do not have permission."),
        ("2.42.0", 500, None, "the server failed: GET /api/tasks?page=1&page_size=all (500 Internal Server Error)"),
        ("2.42.0", 400, {"search": ["bad value"]}, "the server rejected the request: GET /api/tasks?page=1&page_size=all (400 Bad Request): search: bad value"),
    ],
)  # fmt: skip
def test_server_errors_are_one_line_exit_1(scripted, run, version, status, body, expected) -> None:
    scripted.reply(json={**ABOUT, "version": version})
    if body is None:
        scripted.always(status, body="<html>error page</html>", content_type="text/html")
    else:
        scripted.reply(status, json=body)
    r = run("--server-host", scripted.url, "--access-token", "tok", "task", "ls")
    assert r.code == 1 and r.out == ""
    [line] = [line for line in r.err_lines if "CRITICAL" in line]  # (a version warning may come first)
    assert line.split(" CRITICAL: ", 1)[1] == expected.format(url=scripted.url)


def test_wrong_credentials(scripted, run) -> None:
    scripted.reply(400, json={"non_field_errors": ["Unable to log in with provided credentials."]})
    r = run("--server-host", scripted.url, "--auth", f"alice:{PASSWORD_SECRET}", "task", "ls")
    assert r.code == 1
    [line] = r.err_lines
    assert line.endswith(f"login as 'alice' at {scripted.url} failed: Unable to log in with provided credentials.")


def test_unreachable_server_is_one_line(free_port, run) -> None:
    r = run("--server-host", f"http://127.0.0.1:{free_port}", "--auth", "a:b", "task", "ls")
    assert r.code == 1 and r.out == ""
    [line] = r.err_lines  # no retry warnings: nothing ever answered
    assert f"CRITICAL: cannot reach the server: POST http://127.0.0.1:{free_port}/api/auth/login:" in line
    assert "Connection refused" in line and "Traceback" not in r.err


def test_no_server_at_a_schemeless_address(free_port, run) -> None:
    r = run("--server-host", f"127.0.0.1:{free_port}", "--access-token", "t", "task", "ls")
    assert r.code == 1
    [line] = r.err_lines
    assert "Failed to detect host schema automatically" in line


# --- bad local input fails before any network access ---------------------------------------------
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["task", "create", "t", "local", "{tmp}/missing.png", "--labels", "[]"], "1 file(s) not found (or not regular files): {tmp}/missing.png"),
        (["task", "create", "t", "local", "{tmp}", "--labels", "[]"], "1 file(s) not found (or not regular files): {tmp}"),
        (["task", "create", "t", "local", "{img}", "--annotation_path", "{tmp}/a.xml"], "annotation file not found: {tmp}/a.xml"),
        (["task", "create", "t", "local", "{img}", "--project_id", "1", "--labels", '[{"name": "a"}]'], "--labels cannot be used with --project_id: tasks in a project use the project's labels"),
        (["task", "import-dataset", "1", "{tmp}/a.zip"], "annotation file not found: {tmp}/a.zip"),
        (["task", "create-from-backup", "{tmp}/b.zip"], "backup file not found: {tmp}/b.zip"),
        (["task", "export-dataset", "1", "{tmp}/no/dir/out.zip"], "the output directory does not exist: {tmp}/no/dir"),
        (["task", "backup", "1", "{img}"], "{img} already exists (use --overwrite to replace it)"),
        (["project", "create", "p", "--dataset_path", "{tmp}/d.zip"], "dataset file not found: {tmp}/d.zip"),
        (["project", "import-dataset", "1", "{tmp}/d.zip"], "dataset file not found: {tmp}/d.zip"),
        (["project", "create-from-backup", "{tmp}/b.zip"], "backup file not found: {tmp}/b.zip"),
        (["job", "import-dataset", "1", "{tmp}/a.xml"], "annotation file not found: {tmp}/a.xml"),
        (["job", "export-dataset", "1", "{img}"], "{img} already exists (use --overwrite to replace it)"),
    ],
)  # fmt: skip
def test_bad_local_input(free_port, run, tmp_path, argv, message) -> None:
    image = tmp_path / "img.png"
    image.write_bytes(b"not really an image")

    def fill(text: str) -> str:
        return text.replace("{tmp}", str(tmp_path)).replace("{img}", str(image))

    r = run("--server-host", f"http://127.0.0.1:{free_port}", "--auth", "a:b", *map(fill, argv))
    assert r.code == 1 and r.out == ""
    [line] = r.err_lines  # a connection attempt would have said "cannot reach the server"
    assert line.endswith("CRITICAL: " + fill(message)), line


def test_labels_given_as_a_file_or_inline(tmp_path) -> None:
    good = tmp_path / "labels.json"
    good.write_text('[{"name": "car", "color": "#ff0000"}]')
    parser = build_parser()
    assert parser.parse_args(["project", "create", "p", "--labels", str(good)]).labels == [
        {"name": "car", "color": "#ff0000"}
    ]
    assert parser.parse_args(["project", "create", "p", "--labels", '[{"name": "x"}]']).labels == [{"name": "x"}]


@pytest.mark.parametrize(
    ("content", "inline", "message"),
    [
        ("[{oops", False, "the labels file '{path}' is not valid JSON: Expecting property name"),
        ('{"name": "car"}', False, "the labels file '{path}' must be a JSON list of label objects"),
        (None, True, "the value is not valid JSON (and no file has this name): "),
    ],
)
def test_bad_labels_are_usage_errors(run, tmp_path, content, inline, message) -> None:
    path = tmp_path / "labels.json"
    if content is not None:
        path.write_text(content)
    value = "not json" if inline else str(path)
    r = run("task", "create", "t", "local", "a.png", "--labels", value)
    assert r.code == 2 and r.out == ""
    assert "argument --labels: " + message.format(path=path) in r.err


# --- --debug, --quiet, and secrets ----------------------------------------------------------------
def test_debug_shows_requests_and_never_secrets(scripted, run, tmp_path) -> None:
    login_reply(scripted)
    scripted.reply(json=ABOUT)  # the version (on a loopback host no HTTPS check comes first)
    scripted.reply(404, json={"detail": "Not found."})  # GET /api/tasks/5
    r = run(
        "--debug",
        "--server-host",
        scripted.url,
        "--auth",
        f"alice:{PASSWORD_SECRET}",
        "task",
        "backup",
        "5",
        tmp_path / "b.zip",
    )
    assert r.code == 1
    login_reply(scripted)
    scripted.reply(json=ABOUT)  # the version (on a loopback host no HTTPS check comes first)
    scripted.reply(204)  # DELETE: sends the CSRF header and the session cookie
    r2 = run("--debug", "--server-host", scripted.url, "--auth", f"alice:{PASSWORD_SECRET}", "task", "delete", "5")
    assert r2.code == 0, r2.err
    assert scripted.requests[-1].header("X-CSRFToken") == CSRF_SECRET  # it was sent...
    output = r.out + r.err + r2.out + r2.err
    assert f"DEBUG: HTTP POST {scripted.url}/api/auth/login -> 200 OK" in output  # ...and requests are logged...
    assert f"DEBUG: HTTP DELETE {scripted.url}/api/tasks/5 -> 204" in output
    assert "task 5 not found" in r.err and "Traceback" not in r.err  # a CliError needs no traceback
    for secret in (SESSION_SECRET, CSRF_SECRET, TOKEN_KEY_SECRET, PASSWORD_SECRET):  # ...but never a secret
        assert secret not in output


@pytest.mark.parametrize("debug", [False, True])
def test_unexpected_errors(monkeypatch, capsys, debug) -> None:
    from cvat_cli._internal import commands_tasks

    def boom(ctx, args) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(commands_tasks, "_ls", boom)
    argv = [*(["--debug"] if debug else []), "task", "ls"]
    with pytest.raises(ZeroDivisionError):  # from Python, main() raises it, as the official main() does
        main(argv)
    monkeypatch.setattr(sys, "argv", ["cvat-cli", *argv])
    with pytest.raises(SystemExit) as exited:  # the cvat-cli command exits 1 after one line
        console_main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.count("CRITICAL: unexpected error: ZeroDivisionError: boom (run with --debug to see the traceback)") == 2
    assert ("Traceback (most recent call last)" in err) is debug


def test_interrupted(monkeypatch, capsys) -> None:
    from cvat_cli._internal import commands_tasks

    def interrupted(ctx, args) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(commands_tasks, "_ls", interrupted)
    assert main(["task", "ls"]) == 130
    assert "CRITICAL: interrupted" in capsys.readouterr().err


def test_quiet_hides_info_and_logging_is_restored(scripted, run) -> None:
    for _ in range(2):
        scripted.reply(json=ABOUT)
        scripted.reply(204)
    before = [
        (n, logging.getLogger(n).handlers[:], logging.getLogger(n).propagate)
        for n in ("cvat_cli", "cvat_sdk", "cvat_api")
    ]
    r = run("--server-host", scripted.url, "--access-token", "t", "task", "delete", "3")
    assert "Task #3 deleted" in r.err
    r = run("-q", "--server-host", scripted.url, "--access-token", "t", "task", "delete", "3")
    assert r.code == 0 and r.err == "" and r.out == ""
    after = [
        (n, logging.getLogger(n).handlers[:], logging.getLogger(n).propagate)
        for n in ("cvat_cli", "cvat_sdk", "cvat_api")
    ]
    assert before == after


def test_retries_are_explained_once_the_server_answered(scripted, run) -> None:
    scripted.reply(json=ABOUT)
    scripted.reply(503, json={"detail": "busy"}, headers={"Retry-After": "0"})
    scripted.reply(json=EMPTY_PAGE)
    r = run("--server-host", scripted.url, "--access-token", "t", "task", "ls")
    assert r.code == 0
    assert "WARNING: GET /api/tasks answered 503; retry 1 as asked by Retry-After" in r.err


# --- function commands ----------------------------------------------------------------------------
def test_function_delete(scripted, run) -> None:
    scripted.reply(json=ABOUT)
    scripted.reply(204)
    scripted.reply(404, json={"detail": "Not found."})
    r = run("--server-host", scripted.url, "--access-token", "t", "function", "delete", "4", "5")
    assert r.code == 0 and "Function #4 deleted" in r.err and "WARNING: Function #5 not found" in r.err
    assert [(q.method, q.path) for q in scripted.requests[1:]] == [
        ("DELETE", "/api/functions/4"),
        ("DELETE", "/api/functions/5"),
    ]
    scripted.reply(json=ABOUT)
    scripted.reply(500, body="oops")
    r = run("--server-host", scripted.url, "--access-token", "t", "function", "delete", "6")
    assert r.code == 1 and r.err_lines[-1].endswith("could not delete function(s) 6")


def test_run_agent_loads_the_function_before_connecting(run) -> None:
    r = run("--server-host", "http://127.0.0.1:9", "function", "run-agent", "1", "--function-file", "f.py", "--burst")
    assert r.code == 1
    [line] = r.err_lines
    assert line.endswith("CRITICAL: function file not found: f.py")  # not "cannot reach the server"


DETECTOR = """
from cvat_sdk import models

class Spec:
    def __init__(self, labels):
        self.labels = labels

def create(threshold: float = 0.5, prefix: str = ""):
    class Function:
        spec = Spec([
            models.PatchedLabelRequest(name=prefix + "car", id=0, type="rectangle", attributes=[
                models.AttributeRequest(name="color", mutable=False, input_type="select", values=["red", "blue"], default_value="red"),
            ]),
            models.PatchedLabelRequest(name=prefix + "person", id=1),
            models.PatchedLabelRequest(name="body", id=2, type="skeleton", sublabels=[
                models.SublabelRequest(name="head", id=0, type="points"),
            ]),
        ])
    assert threshold == 0.25
    return Function()
"""
TRACKER = """
class spec:
    supported_shape_types = frozenset({"rectangle", "polygon"})
"""


def test_function_create_native(scripted, run, tmp_path) -> None:
    detector = tmp_path / "detector.py"
    detector.write_text(DETECTOR)
    scripted.reply(json=ABOUT)
    scripted.reply(201, json={"id": 12, "name": "my detector"})
    r = run("--server-host", scripted.url, "--access-token", "t", "function", "create-native", "my detector",
            "--function-file", detector, "-p", "threshold=float:0.25", "-p", "prefix=str:x-")  # fmt: skip
    assert (r.code, r.out) == (0, "12\n"), r.err
    assert "Created function #12: my detector" in r.err
    request = scripted.requests[-1]
    assert (request.method, request.path) == ("POST", "/api/functions")
    assert request.json() == {
        "provider": "native",
        "name": "my detector",
        "kind": "detector",
        "labels_v2": [
            {
                "name": "x-car",
                "type": "rectangle",
                "attributes": [{"name": "color", "input_type": "select", "values": ["red", "blue"]}],
            },
            {"name": "x-person", "attributes": []},
            {
                "name": "body",
                "type": "skeleton",
                "attributes": [],
                "sublabels": [{"name": "head", "type": "points", "attributes": []}],
            },
        ],
    }

    tracker = tmp_path / "tracker.py"
    tracker.write_text(TRACKER)
    scripted.reply(json=ABOUT)
    scripted.reply(201, json={"id": 13})
    r = run(
        "--server-host",
        scripted.url,
        "--access-token",
        "t",
        "function",
        "create-native",
        "t",
        "--function-file",
        tracker,
    )
    assert (r.code, r.out) == (0, "13\n"), r.err
    assert scripted.requests[-1].json() == {
        "provider": "native",
        "name": "t",
        "kind": "tracker",
        "supported_shape_types": ["polygon", "rectangle"],
    }


@pytest.mark.parametrize(
    ("source", "params", "message"),
    [
        ("raise RuntimeError('broken')", [], "cannot load the function '{path}': RuntimeError: broken"),
        ("x = 1", [], "function has no 'spec' attribute"),
        ("spec = None", ["-p", "a=int:1"], "function takes no parameters"),
        ("def create(): pass", ["-p", "a=int:1"], "the function does not take these parameters (a): "),
        ("spec = 42", [], "the function's spec is neither a detection nor a tracking spec: int"),
        (None, [], "function file not found: {path}"),
    ],
)
def test_function_create_native_bad_functions(free_port, run, tmp_path, source, params, message) -> None:
    path = tmp_path / "function.py"
    if source is not None:
        path.write_text(source)
    r = run("--server-host", f"http://127.0.0.1:{free_port}", "--access-token", "t",
            "function", "create-native", "f", "--function-file", path, *params)  # fmt: skip
    assert r.code == 1  # found before any connection attempt
    [line] = r.err_lines
    assert message.format(path=path) in line


def test_function_module_is_imported(run) -> None:
    r = run("function", "create-native", "f", "--function-module", "no_such_module_for_cvat_cli")
    assert r.code == 1
    assert "cannot load the function 'no_such_module_for_cvat_cli': ModuleNotFoundError" in r.err


# --- pieces ---------------------------------------------------------------------------------------
def test_describe_collapses_to_one_line() -> None:
    message, code = describe(CliError("two\nlines", exit_code=3))
    assert (message, code) == ("two lines", 3)
    assert describe(FileNotFoundError(2, "No such file or directory", "x.zip")) == (
        "No such file or directory: x.zip",
        1,
    )


def test_server_tracebacks_are_cut_to_the_error() -> None:
    from cvat_sdk.core.exceptions import BackgroundRequestException

    failure = 'Traceback (most recent call last):\n  File "x.py", line 1, in f\n    g()\nValueError: bad data\n'
    assert describe(BackgroundRequestException(failure)) == (
        "the server could not complete the operation: ValueError: bad data",
        1,
    )


def test_table_format() -> None:
    items = [
        {"id": 1, "name": "a\nb", "owner": {"username": "admin"}, "ok": True},
        {"id": 22, "name": None, "ok": False},
    ]
    table = format_table(items, [field("id"), field("name"), field("owner"), field("ok")])
    assert table.splitlines() == ["ID  NAME  OWNER  OK", "1   a b   admin  yes", "22               no"]


def test_completion_hook_uses_argcomplete_when_asked(monkeypatch, run) -> None:
    seen: list[argparse.ArgumentParser] = []
    fake = types.ModuleType("argcomplete")
    fake.autocomplete = seen.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "argcomplete", fake)
    run("--version")
    assert not seen  # only when the shell asks (argcomplete sets _ARGCOMPLETE)
    monkeypatch.setenv("_ARGCOMPLETE", "1")
    run("--version")
    assert len(seen) == 1 and seen[0].prog == "cvat-cli"
    text = Path(sys.modules["cvat_cli.__main__"].__file__).read_text(encoding="utf-8")[:1024]
    assert "PYTHON_ARGCOMPLETE_OK" in text  # argcomplete's marker for the console script


def test_an_output_folder_is_made_and_kept_for_the_servers_file_name(tmp_path) -> None:
    from cvat_cli._internal.resources import require_output_file

    target = tmp_path / "save_dir"
    assert require_output_file(str(target) + "/", overwrite=False) == target and target.is_dir()
    assert require_output_file(str(target), overwrite=False) == target  # an existing folder, too


def test_the_default_credentials_come_from_default_auth_factory(monkeypatch) -> None:
    """With no --auth or token, the official `default_auth_factory` decides; its password prompt runs at login."""
    from cvat_cli._internal import common

    monkeypatch.setattr(getpass, "getuser", lambda: "osuser")
    monkeypatch.setattr(getpass, "getpass", lambda prompt: "typed-secret")
    s = settings_for([], {})
    assert (s.user, s.password) == ("osuser", None) and s.ask is not None
    assert s.ask("http://h").password == "typed-secret"
    assert common.default_auth_factory({"CVAT_ACCESS_TOKEN": "tok"})("http://h").token == "tok"
    assert common.default_auth_factory({"PASS": "p"})("http://h").password == "p"
