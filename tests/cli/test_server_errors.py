"""Error paths, organizations and --debug against a real CVAT server (cassette replay unless live)."""

from __future__ import annotations

import re

import pytest

from tests.cli.conftest import LABELS, created_id

pytestmark = pytest.mark.server

MISSING_ID = "999999999"


def test_wrong_password_is_one_line_and_exit_1(cvat_server, run) -> None:
    user, _ = cvat_server.credentials
    r = run("--server-host", cvat_server.url, "--auth", f"{user}:wrong-password", "task", "ls")
    assert r.code == 1 and r.out == ""
    [line] = r.err_lines
    assert (
        f"CRITICAL: login as '{user}' at {cvat_server.url} failed: Unable to log in with provided credentials." in line
    )
    assert "Traceback" not in r.err and "wrong-password" not in r.err


def test_unknown_ids(cli, tmp_path) -> None:
    for args in (
        ("task", "frames", MISSING_ID, "0"),
        ("task", "export-dataset", MISSING_ID, tmp_path / "out.zip"),
        ("project", "backup", MISSING_ID, tmp_path / "out.zip"),
        ("job", "frames", MISSING_ID, "0"),
    ):
        r = cli(*args)
        assert r.code == 1, args
        [line] = r.err_lines
        assert line.endswith(
            f"{args[0]} {MISSING_ID} not found (or not visible to this user in this organization context)"
        )
    assert not list(tmp_path.iterdir())
    r = cli("task", "delete", MISSING_ID)  # as in the official CLI: ids that do not exist are skipped
    assert r.code == 0 and f"Task #{MISSING_ID} not found" in r.err


def test_remote_data_that_the_server_cannot_fetch(cli) -> None:
    r = cli(
        "task",
        "create",
        "cli-task-bad-remote",
        "remote",
        "http://127.0.0.1:1/nothing.png",
        "--labels",
        '[{"name": "a"}]',
    )
    line = r.err_lines[-1]
    created = re.search(r"task (\d+) was created", line)
    if created:  # clean up before checking the rest
        assert cli("task", "delete", created.group(1)).code == 0
    assert r.code == 1 and r.out == "" and created, r.err
    assert re.search(r"was created, but its data upload failed: .*remove it with: cvat-cli task delete \d+\)$", line), (
        line
    )


def test_organization_context(cvat_server, cli) -> None:
    r = cli("--org", cvat_server.org, "task", "ls", "--json", "--search", "cli-")
    assert r.code == 0 and r.out.startswith("[")
    r = cli("--organization", "", "project", "ls", "--search", "cli-")
    assert r.code == 0
    r = cli("--org", "no-such-org-cli", "task", "ls")
    assert r.code == 1 and len(r.err_lines) == 1


def test_debug_logs_requests_but_no_secrets(cvat_server, cli) -> None:
    r = cli("--debug", "task", "ls", "--search", "cli-none")
    assert r.code == 0
    assert re.search(r"DEBUG: HTTP POST \S+/api/auth/login -> 200", r.err)
    assert re.search(r"DEBUG: HTTP GET \S+/api/tasks\?\S*search=cli-none\S* -> 200", r.err)
    _, password = cvat_server.credentials
    for secret in (password, "sessionid", "csrftoken", "X-CSRFToken", "Cookie"):
        assert secret not in r.err


def test_function_commands_on_a_server_without_the_functions_api(cli, tmp_path) -> None:
    function = tmp_path / "function.py"
    function.write_text("class spec:\n    supported_shape_types = {'rectangle'}\n")
    r = cli("function", "create-native", "cli-function", "--function-file", function)
    assert r.code == 1 and r.out == ""
    [line] = r.err_lines
    assert line.endswith(
        "the server has no functions API (POST /api/functions answered 404): native functions need a CVAT server that supports them (CVAT Enterprise)"
    )
    r = cli("function", "delete", "1")
    assert r.code == 0 and "WARNING: Function #1 not found" in r.err


def test_export_logs_each_server_status_and_a_bad_format_lists_the_server_formats(cli, images, tmp_path) -> None:
    task_id = created_id(cli("task", "create", "cli-formats", "local", *images[:2], "--labels", LABELS))
    try:
        # stderr is not a terminal here: no progress bar, so the server's statuses are logged instead
        out = tmp_path / "dataset.zip"
        r = cli("task", "export-dataset", task_id, out, "--format", "COCO 1.0")
        assert r.code == 0, r.err
        assert re.search(rf"INFO: Dataset of task {task_id} status: (queued|started|finished)", r.err), r.err
        assert f"INFO: Dataset for task {task_id} has been downloaded to {out}" in r.err

        r = cli("task", "export-dataset", task_id, tmp_path / "bad.zip", "--format", "COCO 9.9")
        assert r.code == 1 and not (tmp_path / "bad.zip").exists()
        [line] = [x for x in r.err_lines if "CRITICAL" in x]
        assert "unknown export format 'COCO 9.9': did you mean 'COCO 1.0'? this server's export formats are " in line
        assert "'CVAT for images 1.1'" in line and "'YOLO 1.1'" in line

        r = cli("task", "import-dataset", task_id, out, "--format", "COCO 9.9")
        assert r.code == 1
        [line] = [x for x in r.err_lines if "CRITICAL" in x]
        assert "unknown import format 'COCO 9.9': did you mean 'COCO 1.0'? this server's import formats are " in line
    finally:
        assert cli("task", "delete", task_id).code == 0
