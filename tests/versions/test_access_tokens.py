"""Personal access tokens on a CVAT 2.64 server with the 2.64 build (run through
tests/versions/test_builds.py; the main build has no access-token API and skips these here)."""

from __future__ import annotations

import pytest
from cvat_sdk import Client, make_client
from cvat_sdk.core.client import AccessTokenCredentials, LoginError
from cvat_sdk.exceptions import ApiException

HAS_TOKENS = hasattr(__import__("cvat_api").apis.AuthApi, "create_access_tokens")

pytestmark = [
    pytest.mark.server,
    pytest.mark.server_version("2.64"),
    pytest.mark.skipif(not HAS_TOKENS, reason="needs a build with access tokens: run by tests/versions/test_builds.py"),
]


def test_create_use_list_and_revoke_a_token(client, cvat_server, monkeypatch) -> None:
    token = client.access_tokens.create({"name": "sdk test token", "expiry_date": None, "read_only": False})
    try:
        assert token.name == "sdk test token" and len(token.value) > 20 and not token.read_only
        assert "sdk test token" in {t.name for t in client.access_tokens.list()}
        with make_client(cvat_server.url, access_token=token.value) as by_argument:
            assert by_argument.access_tokens.current().id == token.id
            me, _ = by_argument.api_client.users_api.retrieve_self()
            assert me.username == cvat_server.credentials[0]
        monkeypatch.setenv("CVAT_ACCESS_TOKEN", token.value)
        with make_client(cvat_server.url) as by_environment:
            assert by_environment.access_tokens.current().id == token.id
        with Client(cvat_server.url) as by_credentials:
            by_credentials.login(AccessTokenCredentials(token.value))
            assert by_credentials.has_credentials()
    finally:
        token.remove()
    assert token.id not in {t.id for t in client.access_tokens.list()}
    with pytest.raises(LoginError, match="rejected the access token.*revoked"):
        make_client(cvat_server.url, access_token=token.value)


def test_a_read_only_token_cannot_write(client, cvat_server) -> None:
    token = client.access_tokens.create({"name": "sdk read-only token", "expiry_date": None, "read_only": True})
    try:
        with make_client(cvat_server.url, access_token=token.value) as reader:
            reader.tasks.list()
            with pytest.raises(ApiException) as e:
                reader.projects.create({"name": "never created"})
            assert e.value.status in (401, 403)
    finally:
        token.remove()


def test_cli_manages_tokens(cvat_server, run) -> None:
    base = ["--server-host", cvat_server.url]
    r = run(
        *base, "--auth", ":".join(cvat_server.credentials), "access-token", "create", "cli test token", "--read-only"
    )
    assert r.code == 0, r.err
    value = r.out.strip()
    assert value not in r.err  # shown once, on stdout, never in the log
    r = run(*base, "--access-token", value, "access-token", "ls", "--json")
    assert r.code == 0, r.err
    (mine,) = [t for t in __import__("json").loads(r.out) if t["name"] == "cli test token"]
    assert mine["read_only"] is True
    assert run(*base, "--access-token", value, "task", "ls").code == 0
    assert run(*base, "--auth", ":".join(cvat_server.credentials), "access-token", "revoke", str(mine["id"])).code == 0
    r = run(*base, "--access-token", value, "task", "ls")
    assert r.code == 1 and "Invalid token" in r.err
