"""`cvat-cli task auto-annotate` (and the deprecated `auto-annotate`): a local function on a real server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cvat_cli.__main__ import main

from tests.conftest import REPO_ROOT
from tests.ml.conftest import labels_by_name

FUNCTION_FILE = REPO_ROOT / "tests" / "ml" / "functions_for_tests.py"


@pytest.fixture
def cli(cvat_server: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """`cli(*args)`: cvat-cli in-process, logged in to the test server; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))  # the CLI's dataset cache
    if cvat_server.mode == "record":
        monkeypatch.setenv("CVAT_MAX_PARALLEL_TRANSFERS", "1")
    user, password = cvat_server.credentials

    def run(*args: Any) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--server-host", cvat_server.url, "--auth", f"{user}:{password}", *map(str, args)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.mark.server
def test_auto_annotate_with_a_function_file_and_parameters(cli, images, make_task) -> None:
    task = make_task("cli-aa", images[:2])
    code, out, err = cli(
        "task",
        "auto-annotate",
        task.id,
        "--function-file",
        FUNCTION_FILE,
        "-p",
        "size=int:7",
        "--allow-unmatched-labels",
    )
    assert (code, out) == (0, ""), err
    labels = labels_by_name(task)
    cars = [s for s in task.get_annotations().shapes if s.label_id == labels["car"].id]
    assert sorted(s.frame for s in cars) == [0, 1]
    size_id = next(a.id for a in labels["car"].attributes if a.name == "size")
    assert {a.value for s in cars for a in s.attributes if a.spec_id == size_id} == {"7"}

    code, out, err = cli(
        "auto-annotate", task.id, "--function-module", "tests.ml.functions_for_tests", "--allow-unmatched-labels",
        "--clear-existing", "--conf-threshold", "0.25",
    )  # fmt: skip
    assert code == 0, err
    assert 'This command is deprecated. Use "task auto-annotate" instead.' in err
    assert len(task.get_annotations().shapes) == 4


@pytest.mark.server
def test_auto_annotate_reports_a_label_mismatch(cli, images, make_task) -> None:
    task = make_task("cli-aa-mismatch", images[:1])
    code, out, err = cli("task", "auto-annotate", task.id, "--function-file", FUNCTION_FILE)
    assert code == 1 and "label 'dog' is not in dataset" in err


def test_function_loading_errors_need_no_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def run(*args: Any) -> tuple[int, str]:
        capsys.readouterr()
        code = main(
            ["--server-host", "http://127.0.0.1:9", "--auth", "u:p", "task", "auto-annotate", "1", *map(str, args)]
        )
        return code, capsys.readouterr().err

    code, err = run("--function-file", FUNCTION_FILE, "--conf-threshold", "2")
    assert code == 2 and "must be between 0 and 1" in err
    code, err = run("--function-file", FUNCTION_FILE, "--conf-threshold", "x")
    assert code == 2 and "must be a number" in err
    for bad, message in [("size", "parameter value not specified"), ("size=7", "parameter type not specified"),
                         ("size=list:1", "unsupported parameter type 'list'")]:  # fmt: skip
        code, err = run("--function-file", FUNCTION_FILE, "-p", bad)
        assert code == 2 and message in err
    code, err = run("--function-file", FUNCTION_FILE, "--function-module", "x")
    assert code == 2 and "not allowed with argument" in err

    no_spec = tmp_path / "no_spec.py"
    no_spec.write_text("def detect(context, image):\n    return []\n")
    code, err = run("--function-file", no_spec)
    assert code == 1 and "function has no 'spec' attribute" in err
    code, err = run("--function-file", no_spec, "-p", "a=int:1")
    assert code == 1 and "function takes no parameters" in err
    code, err = run("--function-file", tmp_path / "missing.py")
    assert code == 1 and "function file not found" in err
