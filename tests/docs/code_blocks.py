"""The fenced code blocks of the README files and of docs/, and what the tests do with each.

An HTML comment on the line before a block says it (``text`` blocks need none):

* `<!-- run -->`: run by tests/docs/test_code_blocks.py against a CVAT server (cassettes recorded on
  a real one), in a folder holding the files the blocks name;
* `<!-- run: with-task -->`: the same, with `client` and `task_id` (a new task) defined first;
* `<!-- run: offline -->`: Python run without a server;
* `<!-- run-by: <test file> -->`: run by that test (the install commands);
* `<!-- not-run: <reason> -->`: not run, and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO_ROOT

DOC_FILES = sorted(
    [
        REPO_ROOT / "README.md",
        REPO_ROOT / "examples" / "README.md",
        *(REPO_ROOT / "packages").glob("*/README.md"),
        *(REPO_ROOT / "docs").rglob("*.md"),
    ]
)
RUN_MODES = ("run", "run: with-task", "run: offline")
_OPENER = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n`]*$")
_MARKER = re.compile(r"^\s*<!--\s*(?P<kind>run-by|not-run|run)(?::\s*(?P<arg>.*?))?\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # of the opening fence, 1-based
    index: int  # the block's place in its file, from 1
    lang: str
    code: str
    marker: str | None  # "run", "run: with-task", "run: offline", "run-by" or "not-run"
    marker_arg: str  # the test file of run-by, the reason of not-run

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO_ROOT)}:{self.line}"

    @property
    def test_id(self) -> str:
        rel = self.path.relative_to(REPO_ROOT).with_suffix("")
        return re.sub(r"[^A-Za-z0-9]+", "-", str(rel)).strip("-") + f"-{self.index}"


def blocks_of(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = _OPENER.match(lines[i])
        if not m:
            i += 1
            continue
        indent, start = m.group("indent"), i
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        previous = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        marker = _MARKER.match(previous)
        kind, arg = (marker.group("kind"), marker.group("arg") or "") if marker else (None, "")
        if kind == "run" and arg:  # "run: with-task"
            kind, arg = f"run: {arg}", ""
        out.append(Block(path, start + 1, len(out) + 1, m.group("lang") or "", "\n".join(body) + "\n", kind, arg))
    return out


def all_blocks() -> list[Block]:
    return [block for path in DOC_FILES for block in blocks_of(path)]


def blocks_run_by(test_file: str) -> list[Block]:
    return [b for b in all_blocks() if b.marker == "run-by" and b.marker_arg == test_file]
