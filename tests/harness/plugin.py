"""pytest plugin: server-facing tests replay cassettes, or run live, or re-record.

Mode comes from CVAT_TEST_MODE (set by the Makefile): `replay` (default: cassettes only, network
blocked), `live` (CVAT_TEST_SERVER, no cassettes touched), `record` (re-record cassettes; a
cassette of a failed test is discarded). Secrets are scrubbed before anything is written.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import cvat_api
import pytest
import requests

from codegen.source import load_manifest

from . import conformance, matching, scrub

MODE = os.environ.get("CVAT_TEST_MODE", "replay")
REPLAY_HOST = "http://cvat-replay.test:8080"
REPLAY_USER = ("admin", "replay-password")
REPLAY_USER2 = ("user2", "replay-password")
REPLAY_ORG = "testorg"


@dataclass(frozen=True)
class ServerInfo:
    """Where the CVAT server for this run is, and who to log in as."""

    url: str
    credentials: tuple[str, str]
    credentials2: tuple[str, str]
    org: str
    mode: str

    @property
    def replaying(self) -> bool:
        return self.mode == "replay"


def _server_info() -> ServerInfo:
    if MODE == "replay":
        return ServerInfo(REPLAY_HOST, REPLAY_USER, REPLAY_USER2, REPLAY_ORG, MODE)
    url = os.environ.get("CVAT_TEST_SERVER")
    user, password = os.environ.get("CVAT_TEST_USER"), os.environ.get("CVAT_TEST_PASSWORD")
    if not (url and user and password):
        raise pytest.UsageError(
            f"CVAT_TEST_MODE={MODE} needs CVAT_TEST_SERVER, CVAT_TEST_USER and CVAT_TEST_PASSWORD (see docs/development.md, Testing)"
        )
    user2 = (os.environ.get("CVAT_TEST_USER2", "user2"), os.environ.get("CVAT_TEST_PASSWORD2", ""))
    return ServerInfo(url.rstrip("/"), (user, password), user2, os.environ.get("CVAT_TEST_ORG", "testorg"), MODE)


def pytest_configure(config: pytest.Config) -> None:
    if MODE not in ("replay", "live", "record"):
        raise pytest.UsageError(f"CVAT_TEST_MODE must be replay, live or record, not {MODE!r}")
    if MODE != "replay":
        _server_info()  # fail at once, with a clear message, when the server is not configured
    config.addinivalue_line("markers", "server: talks to a CVAT server (cassette replay unless live)")
    config.addinivalue_line(
        "markers",
        "server_version(line): recorded against a server of this major.minor line (default: the main "
        "schema's); live and record runs take the line from the server given and skip other tests",
    )
    config.addinivalue_line("markers", "cassettes_per_build: one set of cassettes per cvat-api build version")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    live_line = _live_server_line() if MODE != "replay" else None
    for item in items:
        if item.get_closest_marker("server"):
            item.add_marker(pytest.mark.vcr)
            item.add_marker(pytest.mark.block_network)
            wanted = server_line_of(item)
            if live_line is not None and live_line != wanted:
                item.add_marker(
                    pytest.mark.skip(reason=f"recorded against CVAT {wanted}; the server given is CVAT {live_line}")
                )


def _line(version: str) -> str:
    return ".".join(version.split(".")[:2])


# The build under test: the main one (the committed generated code), or another pinned version's
# (tests/versions/test_builds.py runs the suite with such a tree first on the import path).
BUILD_LINE = _line(cvat_api.SCHEMA_VERSION)
MAIN_BUILD = _line(load_manifest()["main"]) == BUILD_LINE


def server_line_of(item: pytest.Item) -> str:
    """The major.minor server line a server-facing test is recorded against (default: the build's)."""
    marker = item.get_closest_marker("server_version")
    if marker is not None:
        return str(marker.args[0])
    return BUILD_LINE


@functools.lru_cache(maxsize=1)
def _live_server_line() -> str:
    """The major.minor of the live server (its unauthenticated /api/server/about)."""
    url = _server_info().url + "/api/server/about"
    version = requests.get(url, timeout=10).json()["version"]
    return _line(version)


@pytest.fixture(scope="session")
def cvat_server() -> ServerInfo:
    return _server_info()


@pytest.fixture(scope="session")
def record_mode() -> str:
    return {"replay": "none", "live": "none", "record": "all"}[MODE]


@pytest.fixture(scope="session")
def disable_recording() -> bool:
    return MODE == "live"


@pytest.fixture
def allowed_hosts() -> list[str]:
    hosts = [r"127\.0\.0\.1", "localhost", r"::1"]
    if MODE != "replay":
        host = urlsplit(_server_info().url).hostname or ""
        hosts.append(host.replace(".", r"\."))
    return hosts


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    module = Path(str(request.node.fspath))
    final = module.parent / "cassettes" / module.stem
    if request.node.get_closest_marker("cassettes_per_build") or not MAIN_BUILD:
        final = final / f"build-{BUILD_LINE}"
    if MODE == "record":
        staging = tmp_path_factory.mktemp("cassettes-" + module.stem)
        request.config.stash.setdefault(_STAGING_KEY, {})[str(staging)] = final
        return str(staging)
    return str(final)


_STAGING_KEY = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    return {
        "match_on": ["method", "path", "query_strict", "upload_headers", "body_meaning"],
        "before_record_request": scrub.scrub_request,
        "before_record_response": scrub.scrub_response,
        "decode_compressed_response": True,
        "allow_playback_repeats": False,
        "after_load_interaction": _as_replay_server,
    }


def _as_replay_server(request: Any, response: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """In replay, the recorded server's URLs in an answer (result_url, TUS Location, redirects)
    name the replay host instead: they are the server's own, as they were when recorded."""
    if MODE != "replay":
        return request, response
    parts = urllib.parse.urlsplit(request.uri)
    recorded = f"{parts.scheme}://{parts.netloc}"
    body = response.get("body", {}).get("string")
    ctype = next((v[0] for k, v in response.get("headers", {}).items() if k.lower() == "content-type" and v), "")
    if "json" in ctype and isinstance(body, (str, bytes)) and len(body):  # files are left as they are
        old, new = (recorded, REPLAY_HOST) if isinstance(body, str) else (recorded.encode(), REPLAY_HOST.encode())
        if old in body:
            body = body.replace(old, new)  # type: ignore[arg-type]
            response["body"]["string"] = body
            size = len(body.encode() if isinstance(body, str) else body)
            for name in response.get("headers", {}):
                if name.lower() == "content-length":
                    response["headers"][name] = [str(size)]
    for name, values in response.get("headers", {}).items():
        if name.lower() == "location":
            response["headers"][name] = [v.replace(recorded, REPLAY_HOST) for v in values]
    return request, response


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("body_meaning", matching.body_matcher)
    vcr.register_matcher("upload_headers", matching.upload_headers_matcher)
    vcr.register_matcher("query_strict", matching.query_matcher)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_PASSED_KEY] = report.passed
    if report.when == "teardown" and MODE == "record" and item.get_closest_marker("server"):
        _keep_or_drop_cassette(item)


_PASSED_KEY = pytest.StashKey[bool]()


def _keep_or_drop_cassette(item: pytest.Item) -> None:
    """In record mode, move a passed test's cassette into the repo; a failed test's is dropped."""
    from pytest_recording.plugin import get_default_cassette_name

    staging_map = item.config.stash.get(_STAGING_KEY, {})
    name = get_default_cassette_name(getattr(item, "cls", None), item.name) + ".yaml"
    for staging, final in staging_map.items():
        src = Path(staging) / name
        if src.exists():
            if item.stash.get(_PASSED_KEY, False):
                text = src.read_text(encoding="utf-8")
                leaks = scrub.find_leaks(text)
                if leaks:
                    src.unlink()
                    raise AssertionError(f"refusing to keep cassette {name}: it holds secrets {leaks}")
                final.mkdir(parents=True, exist_ok=True)
                shutil.move(str(src), final / name)
            else:
                src.unlink()


@pytest.fixture(autouse=True)
def _instant_waits_in_replay(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Replayed polls and retries take no time (the recorded answers come in the recorded order)."""
    if MODE != "replay" or not request.node.get_closest_marker("server"):
        return
    import cvat_api._runtime.retry

    monkeypatch.setattr(cvat_api._runtime.retry, "sleep", lambda seconds: None)
    try:
        import cvat_sdk.core.polling
    except ImportError:
        return
    monkeypatch.setattr(cvat_sdk.core.polling, "sleep", lambda seconds: None)


@pytest.fixture(autouse=True)
def _checked_serial_sends(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """For server-facing tests: every JSON body sent is checked against the pinned schema, and with
    cassettes (replay, record) requests enter vcrpy one at a time.

    vcrpy briefly un-patches the connection classes whenever it opens a connection, so a connection
    another thread opens meanwhile escapes the cassette (lost when recording, sent to the network
    when replaying). The SDK's threads still run in parallel; only the sends are serialized.
    """
    if not request.node.get_closest_marker("server"):
        return
    original = requests.Session.send
    lock = threading.Lock() if MODE != "live" else contextlib.nullcontext()

    def send(self: requests.Session, prepared: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        conformance.check_request(
            prepared.method or "GET", prepared.url or "", prepared.headers.get("Content-Type"), prepared.body
        )
        with lock:
            return original(self, prepared, **kwargs)

    monkeypatch.setattr(requests.Session, "send", send)
