"""The CLI as a separate process (`python -m cvat_cli`): exit codes and the streams it writes."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import CVAT_ENV


def cvat_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in CVAT_ENV}
    return subprocess.run(
        [sys.executable, "-m", "cvat_cli", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_version_and_help() -> None:
    p = cvat_cli("--version")
    assert (p.returncode, p.stdout, p.stderr) == (0, "2.42.0+typed\n", "")
    p = cvat_cli("task", "--help")
    assert p.returncode == 0 and p.stdout.startswith("usage: cvat-cli task [-h]") and "export-dataset" in p.stdout


def test_usage_error_exits_2() -> None:
    p = cvat_cli("task", "frames", "1")
    assert p.returncode == 2 and p.stdout == ""
    assert "cvat-cli task frames: error: the following arguments are required: frame_ids" in p.stderr


def test_missing_file_fails_before_connecting(tmp_path, free_port) -> None:
    missing = tmp_path / "missing.png"
    p = cvat_cli(
        "--server-host", f"http://127.0.0.1:{free_port}", "--auth", "u:p", "task", "create", "t", "local", str(missing)
    )
    assert p.returncode == 1 and p.stdout == ""
    [line] = p.stderr.splitlines()
    assert line.endswith(f"CRITICAL: 1 file(s) not found (or not regular files): {missing}")


def test_unreachable_server(free_port) -> None:
    p = cvat_cli("--server-host", f"http://127.0.0.1:{free_port}", "--auth", "u:p", "project", "ls")
    assert p.returncode == 1 and p.stdout == ""
    [line] = p.stderr.splitlines()
    assert "CRITICAL: cannot reach the server:" in line and "Connection refused" in line


PASSWORD = "pw-Secret-4711"  # noqa: S105 - test values, each unique so any leak is found
TOKEN = "tok-Secret-0815"  # noqa: S105
SESSION = "sess-Secret-1234"
CSRF = "csrf-Secret-5678"
SIGNATURE = "sig-Secret-9999"
ABOUT = {"name": "CVAT", "description": "d", "version": "2.42.0", "logo_url": "l", "subtitle": "s"}


def _echoing_server(scripted, *, login: bool) -> None:
    """Log in with session cookies (if `login`), then answer the listing with a redirect to a
    signed URL and an error whose message quotes every secret back (as a careless proxy might).
    On a loopback host no HTTPS check comes before the login; the server's version comes after it."""
    if login:
        scripted.reply(
            json={"key": TOKEN},
            headers=[
                ("Set-Cookie", f"csrftoken={CSRF}; Path=/"),
                ("Set-Cookie", f"sessionid={SESSION}; Path=/; HttpOnly"),
            ],
        )
    scripted.reply(json=ABOUT)
    scripted.reply(302, headers={"Location": f"/api/projects?X-Amz-Signature={SIGNATURE}&page_size=all&page=1"})
    echo = f"bad request: password={PASSWORD} token={TOKEN} Cookie: sessionid={SESSION}; csrftoken={CSRF}"
    scripted.reply(400, json={"detail": echo})


def test_debug_output_never_shows_a_secret(scripted) -> None:
    _echoing_server(scripted, login=True)
    p = cvat_cli("--debug", "--server-host", scripted.url, "--auth", f"admin:{PASSWORD}", "project", "ls")
    assert p.returncode == 1
    assert "(400 Bad Request): bad request: password=*** token=" in p.stderr  # the message is there...
    assert "HTTP GET" in p.stderr and "X-Amz-Signature=" in p.stderr  # ...and the --debug request log
    for secret in (PASSWORD, TOKEN, SESSION, CSRF, SIGNATURE):
        assert secret not in p.stderr + p.stdout, secret

    _echoing_server(scripted, login=False)
    p = cvat_cli("--debug", "--server-host", scripted.url, "--access-token", TOKEN, "project", "ls")
    assert p.returncode == 1 and "token=***" in p.stderr
    for secret in (TOKEN, SIGNATURE):  # the secrets of this run (it has no password or cookies)
        assert secret not in p.stderr + p.stdout, secret
