"""Every code block of README.md, docs/ and the other READMEs runs, or says why not (see
tests/docs/code_blocks.py for the markers).

Server-facing blocks replay cassettes recorded on a real CVAT 2.42 server that also holds tasks
without data. They run as written, with the server and user in the CVAT_* environment variables
(the test server's: an `export CVAT_...=` line of a block is checked for known names, its values
are the test's), in a folder holding the files the blocks name: frames/0001.jpg and 0002.jpg,
labels.json. What a block makes on the server is removed after it.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from cvat_cli.__main__ import main as cli_main
from cvat_sdk.core import environment
from PIL import Image

from tests.conftest import REPO_ROOT
from tests.docs.code_blocks import RUN_MODES, Block, all_blocks

BLOCKS = all_blocks()
CODE_LANGS = {"python", "sh", "bash"}
LABELS = [{"name": "car"}, {"name": "person"}]
_ASSIGN = re.compile(r"^(?P<name>[A-Za-z_]\w*)=\$\(cvat-cli$")
_VARIABLE = re.compile(r"\$\{?([A-Za-z_]\w*)\}?")


def _runnable(mode: str) -> list[Any]:
    return [pytest.param(b, id=b.test_id) for b in BLOCKS if b.marker == mode]


def test_every_block_is_run_or_says_why_not() -> None:
    unmarked = [b.where for b in BLOCKS if b.lang not in ("", "text") and b.marker is None]
    assert unmarked == [], "code blocks without a run/not-run marker"
    untyped = [b.where for b in BLOCKS if b.lang == ""]
    assert untyped == [], "fenced blocks without a language (use ```text for plain text)"
    for b in BLOCKS:
        if b.marker == "not-run":
            assert len(b.marker_arg) > 15, f"{b.where}: say why the block is not run"
        if b.marker == "run-by":
            assert (REPO_ROOT / b.marker_arg).is_file(), f"{b.where}: no test {b.marker_arg}"
            text = (REPO_ROOT / b.marker_arg).read_text()
            assert "blocks_run_by(" in text, f"{b.where}: {b.marker_arg} does not run the blocks marked for it"
        if b.marker in RUN_MODES:
            assert b.lang in CODE_LANGS, f"{b.where}: cannot run a {b.lang!r} block"


def test_no_page_sends_users_to_the_package_index_unawares() -> None:
    """`pip install cvat-sdk` gets the official packages: a line that says so may show it."""
    for b in BLOCKS:
        for line in b.code.splitlines():
            if re.search(r"pip install\s+[\"']?cvat-(sdk|cli|api)\b", line):
                assert "official" in line, f"{b.where}: {line}"


# --- running the blocks ------------------------------------------------------------------------------
@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the files the blocks name, as the current directory."""
    work = tmp_path / "work"
    (work / "frames").mkdir(parents=True)
    for i, png in enumerate(sorted((REPO_ROOT / "tests" / "data" / "images").glob("img_*.png"))[:2], start=1):
        Image.open(png).convert("RGB").save(work / "frames" / f"{i:04d}.jpg", quality=90)
    (work / "labels.json").write_text(json.dumps(LABELS))
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return work


@pytest.fixture
def server_env(cvat_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CVAT_* variables of the test server and user; one transfer at a time when recording."""
    user, password = cvat_server.credentials
    for name, value in [
        (environment.SERVER, cvat_server.url),
        (environment.USER, user),
        (environment.PASSWORD, password),
    ]:
        monkeypatch.setenv(name, value)
    if cvat_server.mode == "record":
        import cvat_sdk.core.client

        monkeypatch.setenv("CVAT_MAX_PARALLEL_TRANSFERS", "1")
        config = cvat_sdk.core.client.Config
        monkeypatch.setattr(cvat_sdk.core.client, "Config", functools.partial(config, max_parallel_transfers=1))


def _ids(client: Any) -> dict[str, set[int]]:
    return {repo: {obj.id for obj in getattr(client, repo).list()} for repo in ("projects", "tasks")}


def _remove_new(client: Any, before: dict[str, set[int]]) -> None:
    after = _ids(client)
    for repo in ("projects", "tasks"):  # a project's tasks go with it
        new = sorted(after[repo] - before[repo])
        if new:
            getattr(client, repo).remove_by_ids(new)


def _run_python(block: Block, namespace: dict[str, Any]) -> None:
    exec(compile(block.code, block.where, "exec"), namespace)  # noqa: S102 - the documented code itself


def _run_shell(block: Block, capsys: pytest.CaptureFixture[str]) -> None:
    """The cvat-cli lines of a block, through the CLI's entry point; `export` of known CVAT_*
    names, `NAME=$(cvat-cli ...)` captures and `&&` are understood, any other line fails the test."""
    variables: dict[str, str] = {}
    for raw in block.code.replace("\\\n", " ").splitlines():
        words = shlex.split(raw, comments=True)
        if not words:
            continue
        if words[0] == "export":
            names = [w.partition("=")[0] for w in words[1:]]
            assert set(names) <= set(environment.NAMES), f"{block.where}: exports unknown variables {names}"
            continue
        for command in _split_and(words):
            assign_to = None
            if (m := _ASSIGN.match(command[0])) and command[-1].endswith(")"):  # NAME=$(cvat-cli ...)
                assign_to, command = m.group("name"), ["cvat-cli", *command[1:-1], command[-1][:-1]]
            assert command[0] == "cvat-cli", f"{block.where}: the test does not run {raw!r}"
            capsys.readouterr()
            code = cli_main(_expand(command[1:], variables))
            out, err = capsys.readouterr()
            assert code == 0, f"{block.where}: {shlex.join(command)} exited {code}: {err}"
            if assign_to:
                variables[assign_to] = out.strip()


def _split_and(words: list[str]) -> list[list[str]]:
    commands: list[list[str]] = [[]]
    for w in words:
        if w == "&&":
            commands.append([])
        else:
            commands[-1].append(w)
    return commands


def _expand(args: list[str], variables: dict[str, str]) -> list[str]:
    out: list[str] = []
    for arg in args:
        arg = _VARIABLE.sub(lambda m: variables[m.group(1)], arg)
        matches = sorted(str(p) for p in Path().glob(arg)) if "*" in arg else [arg]
        assert matches, f"nothing matches {arg}"
        out.extend(matches)
    return out


@pytest.mark.server
@pytest.mark.parametrize("block", _runnable("run"))
def test_block(block: Block, client: Any, workdir: Path, server_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    before = _ids(client)
    try:
        if block.lang == "python":
            _run_python(block, {"__name__": "__main__"})
        else:
            _run_shell(block, capsys)
    finally:
        _remove_new(client, before)


@pytest.mark.server
@pytest.mark.parametrize("block", _runnable("run: with-task"))
def test_block_with_a_task(
    block: Block, client: Any, workdir: Path, server_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert block.lang == "python", f"{block.where}: with-task blocks are Python"
    before = _ids(client)
    try:
        task = client.tasks.create_from_data(
            {"name": "docs task", "labels": LABELS}, resources=sorted(str(p) for p in (workdir / "frames").iterdir())
        )
        _run_python(block, {"__name__": "__main__", "client": client, "task_id": task.id})
    finally:
        _remove_new(client, before)


@pytest.mark.parametrize("block", _runnable("run: offline"))
def test_offline_block(block: Block, workdir: Path) -> None:
    _run_python(block, {"__name__": "__main__"})
