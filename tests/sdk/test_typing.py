"""mypy sees precise types on entities and repositories (fields generated from the schema)."""

from __future__ import annotations

import re
from pathlib import Path

from mypy import api

CASES = Path(__file__).parent / "typing_cases"


def _mypy(path: Path) -> tuple[str, int]:
    out, err, status = api.run(["--strict", "--no-incremental", "--follow-imports=silent", str(path)])
    return out + err, status


def test_correct_typed_usage_passes() -> None:
    out, status = _mypy(CASES / "good.py")
    assert status == 0, out


def test_wrong_typed_usage_is_caught() -> None:
    out, status = _mypy(CASES / "bad.py")
    assert status == 1
    lines = {int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line}
    text = (CASES / "bad.py").read_text().splitlines()
    expected = {i + 1 for i, line in enumerate(text) if "# E" in line}
    assert expected <= lines, out


def test_first_lines_users_write_have_no_any() -> None:
    out, status = _mypy(CASES / "reveal.py")
    assert status == 0, out
    revealed = [line for line in out.splitlines() if "Revealed type is" in line]
    expected = (CASES / "reveal.py").read_text().count("reveal_type(")
    assert len(revealed) == expected, out
    source = (CASES / "reveal.py").read_text().splitlines()

    def allowed(line: str, revealed_type: str) -> bool:
        number = int(line.split(":")[1])
        return (
            "JSON asked for" in source[number - 1]
            and revealed_type == '"builtins.list[builtins.dict[builtins.str, Any]]"'
        )

    vague = [
        line
        for line in revealed
        if re.search(r"\bAny\b", t := line.split("Revealed type is ", 1)[1]) and not allowed(line, t)
    ]
    assert not vague, "\n".join(vague)
