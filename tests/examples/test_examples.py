"""The runnable examples in examples/ against a real CVAT server (cassette replay unless live).

Every file in examples/ has a test here named after it (`test_<stem>`): Python examples are
imported from their files and their `main(client, ...)` run; the CLI recipes are run line by
line through cvat-cli's entry point. The `__main__` blocks are checked for their argument and
environment handling without a server.
"""

from __future__ import annotations

import json
import math
import re
import runpy
import shlex
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cvat_api.exceptions import NotFoundException
from cvat_cli.__main__ import main as cli_main

from tests.examples.conftest import EXAMPLES, SQUARE_LABELS, example_files, load_example

EXPECTED_BOXES = {  # the white square of each test image, as (left, top, right, bottom)
    "img_0.png": [8.0, 8.0, 31.0, 31.0],
    "img_1.png": [12.0, 8.0, 35.0, 31.0],
    "img_2.png": [16.0, 8.0, 39.0, 31.0],
    "img_3.png": [20.0, 8.0, 43.0, 31.0],
    "img_4.png": [24.0, 8.0, 47.0, 31.0],
}
# Arguments each Python example's command line accepts (nothing is read or sent with them here).
SAMPLE_ARGV = {
    "connection.py": [],
    "create_tasks_in_bulk.py": ["images"],
    "pull_frames_and_annotations.py": ["7", "out"],
    "upload_pre_annotations.py": ["7", "predictions.json"],
    "export_and_import_datasets.py": ["7", "out"],
    "manage_projects_and_jobs.py": ["someone", "img_0.png"],
    "train_with_pytorch.py": ["7", "--epochs", "2"],
    "auto_annotate.py": ["7", "--threshold", "200"],
}


def labels_of(task: Any) -> dict[str, int]:
    return {label.name: label.id for label in task.get_labels()}


def annotate(task: Any) -> None:
    """A box on frame 0 and a tag on frame 1."""
    labels = labels_of(task)
    task.update_annotations(
        {
            "shapes": [{"type": "rectangle", "frame": 0, "label_id": labels["square"], "points": [8, 8, 31, 31]}],
            "tags": [{"frame": 1, "label_id": labels["background"]}],
        },
        action="create",
    )


def gone(repo: Any, obj_id: int) -> bool:
    try:
        repo.retrieve(obj_id)
    except NotFoundException:
        return True
    return False


# --- the Python examples ------------------------------------------------------------------------
@pytest.mark.server
def test_connection(cvat_server, monkeypatch) -> None:
    user, password = cvat_server.credentials
    for name, value in [("CVAT_SERVER", cvat_server.url), ("CVAT_USER", user), ("CVAT_PASSWORD", password)]:
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CVAT_ORG", cvat_server.org)
    example = load_example("connection.py")
    with example.client_from_env() as client:
        assert client.organization_slug == cvat_server.org
        assert example.main(client) == user


@pytest.mark.server
def test_create_tasks_in_bulk(client, images) -> None:
    example = load_example("create_tasks_in_bulk.py")
    assert example.images_in(images[0].parent) == images
    project = example.main(client, images, images_per_task=2)
    try:
        tasks = sorted(project.get_tasks(), key=lambda task: task.id)
        assert [(task.name, task.size) for task in tasks] == [
            ("img_0..img_1", 2),
            ("img_2..img_3", 2),
            ("img_4..img_4", 1),
        ]
        assert [[Path(f.name).name for f in task.get_frames_info()] for task in tasks] == [
            ["img_0.png", "img_1.png"],
            ["img_2.png", "img_3.png"],
            ["img_4.png"],
        ]
        assert sorted(label.name for label in tasks[0].get_labels()) == ["background", "square"]
    finally:
        project.remove()


@pytest.mark.server
def test_pull_frames_and_annotations(make_task, images, tmp_path) -> None:
    task = make_task("pull", images[:3], labels=SQUARE_LABELS)
    annotate(task)
    written = load_example("pull_frames_and_annotations.py").main(task._client, task.id, tmp_path / "out")

    expected = {
        "img_0.png": [{"label": "square", "type": "rectangle", "points": [8.0, 8.0, 31.0, 31.0]}],
        "img_1.png": [{"label": "background", "type": "tag"}],
        "img_2.png": [],
    }
    assert written == expected
    assert json.loads((tmp_path / "out" / "annotations.json").read_text()) == expected
    frames = sorted((tmp_path / "out" / "frames").iterdir())
    assert [f.name for f in frames] == ["frame_000000.png", "frame_000001.png", "frame_000002.png"]
    assert [f.read_bytes() for f in frames] == [image.read_bytes() for image in images[:3]]


@pytest.mark.server
def test_upload_pre_annotations(make_task, images) -> None:
    task = make_task("pre-annotations", images[:3], labels=SQUARE_LABELS)
    example = load_example("upload_pre_annotations.py")
    predictions = {
        "img_2.png": [{"label": "square", "type": "rectangle", "points": [16, 8, 39, 31]}],
        "img_0.png": [
            {"label": "square", "type": "rectangle", "points": [8, 8, 31, 31]},
            {"label": "background", "type": "tag"},
        ],
    }
    assert example.main(task._client, task.id, predictions) == 3

    annotations = task.get_annotations()
    labels = labels_of(task)
    assert sorted((s.frame, s.label_id, str(s.type), list(s.points), str(s.source)) for s in annotations.shapes) == [
        (0, labels["square"], "rectangle", [8.0, 8.0, 31.0, 31.0], "auto"),
        (2, labels["square"], "rectangle", [16.0, 8.0, 39.0, 31.0], "auto"),
    ]
    assert [(t.frame, t.label_id, str(t.source)) for t in annotations.tags] == [(0, labels["background"], "auto")]
    with pytest.raises(KeyError, match="img_9.png"):  # an image not in the task: nothing is sent
        example.main(task._client, task.id, {"img_9.png": []})


@pytest.mark.server
def test_export_and_import_datasets(make_task, images, tmp_path) -> None:
    task = make_task("export", images[:3], labels=SQUARE_LABELS)
    annotate(task)
    client = task._client
    result = load_example("export_and_import_datasets.py").main(client, task.id, tmp_path / "out")
    try:
        with zipfile.ZipFile(result.annotations_zip) as z:
            assert z.namelist() == ["annotations.xml"]
            xml = z.read("annotations.xml").decode()
        assert '<box label="square"' in xml and 'xtl="8.00" ytl="8.00" xbr="31.00" ybr="31.00"' in xml
        with zipfile.ZipFile(result.dataset_zip) as z:
            names = set(z.namelist())
            coco = json.loads(z.read("annotations/instances_default.json"))
        assert {f"images/default/img_{i}.png" for i in range(3)} <= names
        assert [a["bbox"] for a in coco["annotations"]] == [[8.0, 8.0, 23.0, 23.0]]

        # The annotations came back into the task from the export.
        back = task.get_annotations()
        assert [(str(s.type), list(s.points)) for s in back.shapes] == [("rectangle", [8.0, 8.0, 31.0, 31.0])]
        assert [t.frame for t in back.tags] == [1]

        # The project made from the COCO dataset has a task with the images and the box.
        [imported] = result.project.get_tasks()
        assert imported.size == 3
        assert [list(s.points) for s in imported.get_annotations().shapes] == [[8.0, 8.0, 31.0, 31.0]]
    finally:
        result.project.remove()


@pytest.mark.server
def test_manage_projects_and_jobs(client, images, cvat_server) -> None:
    assignee = cvat_server.credentials2[0]
    jobs = load_example("manage_projects_and_jobs.py").main(client, images, assignee, frames_per_job=2)

    assert [(j.frames, j.assignee, j.stage, j.state) for j in jobs] == [
        ((0, 1), assignee, "annotation", "new"),
        ((2, 3), None, "annotation", "new"),
        ((4, 4), None, "acceptance", "completed"),
    ]
    assert all(gone(client.jobs, job.id) for job in jobs)  # the project and all in it were deleted


@pytest.mark.server
def test_auto_annotate(make_task, images) -> None:
    task = make_task("auto-annotate", images[:4], labels=SQUARE_LABELS)
    annotate(task)  # replaced by the function's shapes
    assert load_example("auto_annotate.py").main(task._client, task.id) == 4

    annotations = task.get_annotations()
    names = [Path(f.name).name for f in task.get_frames_info()]
    square = labels_of(task)["square"]
    assert sorted((names[s.frame], s.label_id, list(s.points), str(s.source)) for s in annotations.shapes) == [
        (name, square, EXPECTED_BOXES[name], "auto") for name in names
    ]
    assert annotations.tags == []


def test_auto_annotate_function_offline() -> None:
    """The detector on its own: threshold and images without a bright area."""
    from PIL import Image

    example = load_example("auto_annotate.py")
    image = Image.new("RGB", (10, 8), (100, 100, 100))
    assert example.create().detect(None, image) == []
    assert [list(s.points) for s in example.create(threshold=50).detect(None, image)] == [[0, 0, 10, 8]]


@pytest.mark.server
def test_train_with_pytorch(make_task, images) -> None:
    pytest.importorskip("torch", reason="the PyTorch example needs torch and torchvision (cvat-sdk[pytorch])")
    task = make_task("train", images[:4], labels=[{"name": "left", "type": "tag"}, {"name": "right", "type": "tag"}])
    labels = labels_of(task)
    task.update_annotations(  # the square is in the left or the right half of the image
        {"tags": [{"frame": f, "label_id": labels["left" if f < 2 else "right"]} for f in range(4)]}, action="create"
    )
    losses = load_example("train_with_pytorch.py").main(task._client, task.id, epochs=3)

    assert len(losses) == 3 * 2  # 4 samples in batches of 2, 3 epochs
    assert all(math.isfinite(loss) for loss in losses)
    assert losses[-1] < losses[0]  # it learned something


# --- the CLI recipes ----------------------------------------------------------------------------
POSITIONAL = re.compile(r'^"\$\{(\d+):\?[^}]*\}"$')
CAPTURE = re.compile(r"^\$\((cvat-cli .*)\)$")
VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


@dataclass
class Step:
    """One cvat-cli line of the script: its arguments (variables not yet expanded), and the
    variable its output is assigned to."""

    line: str
    args: list[str]
    assign_to: str | None = None


def parse_script(path: Path, positional: list[str]) -> tuple[dict[str, str], list[Step]]:
    """The variables set from the script's arguments, and its cvat-cli steps. Only what the
    recipes use is understood; any other line fails the test."""
    variables: dict[str, str] = {}
    steps: list[Step] = []
    text = path.read_text().replace("\\\n", " ")
    for line in (raw.strip() for raw in text.splitlines()):
        if not line or line.startswith("#") or line == "set -euo pipefail":
            continue
        name, _, value = line.partition("=") if re.match(r"^[A-Z_]+=", line) else ("", "", line)
        if name and (m := POSITIONAL.match(value)):
            variables[name] = positional[int(m.group(1)) - 1]
        elif name and (m := CAPTURE.match(value)):
            steps.append(Step(line, shlex.split(m.group(1))[1:], name))
        elif not name and line.startswith("cvat-cli "):
            steps.append(Step(line, shlex.split(line)[1:]))
        else:
            pytest.fail(f"{path.name}: the test does not understand this line: {line}")
    return variables, steps


def expand(args: list[str], variables: dict[str, str]) -> list[str]:
    out: list[str] = []
    for arg in args:
        arg = VARIABLE.sub(lambda m: variables[m.group(1)], arg)
        matches = sorted(str(p) for p in Path("/").glob(arg.lstrip("/"))) if "*" in arg else [arg]
        assert matches, f"nothing matches {arg}"
        out.extend(matches)
    return out


@pytest.mark.server
def test_cli_recipes(client, cvat_server, images, tmp_path, monkeypatch, capsys) -> None:
    user, password = cvat_server.credentials
    for name, value in [("CVAT_SERVER", cvat_server.url), ("CVAT_USER", user), ("CVAT_PASSWORD", password)]:
        monkeypatch.setenv(name, value)
    if cvat_server.mode == "record":
        monkeypatch.setenv("CVAT_MAX_PARALLEL_TRANSFERS", "1")  # vcrpy loses requests of other threads
    monkeypatch.chdir(EXAMPLES.parent)  # the script is run from the repository root
    out = tmp_path / "out"
    out.mkdir()

    variables, steps = parse_script(EXAMPLES / "cli_recipes.sh", [str(images[0].parent), str(out)])
    printed: dict[str, str] = {}

    def run(step: Step) -> None:
        capsys.readouterr()
        code = cli_main(expand(step.args, variables))
        captured = capsys.readouterr()
        assert code == 0, f"{step.line}\nexited {code}: {captured.err}"
        printed[" ".join(step.args[:2])] = captured.out
        if step.assign_to:
            variables[step.assign_to] = captured.out.strip()

    cleanup = [step for step in steps if "delete" in step.args]
    assert len(cleanup) == 2 and steps[-2:] == cleanup
    for step in steps[:-2]:
        run(step)

    project_id, task_id, restored_id = (int(variables[n]) for n in ("PROJECT_ID", "TASK_ID", "RESTORED_ID"))
    task = client.tasks.retrieve(task_id)
    assert (task.project_id, task.size, len(task.get_jobs())) == (project_id, 5, 3)
    assert len(printed["job ls"].splitlines()) == 1 + 3  # a header and the three jobs
    for frame in (0, 1):
        saved = out / f"task_{task_id}_frame_{frame:06d}.png"
        assert saved.read_bytes() == images[frame].read_bytes()
    # auto-annotate's boxes went out in the export, and came back in with the import
    with zipfile.ZipFile(out / "annotations.zip") as z:
        assert z.read("annotations.xml").decode().count('<box label="square" source="auto"') == 5
    assert sorted(list(s.points) for s in task.get_annotations().shapes) == sorted(EXPECTED_BOXES.values())
    restored = client.tasks.retrieve(restored_id)
    assert restored.size == 5 and len(restored.get_annotations().shapes) == 5

    for step in cleanup:
        run(step)
    assert gone(client.projects, project_id) and gone(client.tasks, task_id) and gone(client.tasks, restored_id)


def test_cli_recipes_is_valid_bash() -> None:
    subprocess.run(["bash", "-n", str(EXAMPLES / "cli_recipes.sh")], check=True)


# --- what every example must have ---------------------------------------------------------------
def test_every_example_has_a_test() -> None:
    tests = {name for name in globals() if name.startswith("test_")}
    files = [p.name for p in example_files()]
    assert [f for f in files if f"test_{Path(f).stem}" not in tests] == []
    assert sorted(f for f in files if f.endswith(".py")) == sorted(SAMPLE_ARGV)


def test_readme_lists_every_example() -> None:
    readme = (EXAMPLES / "README.md").read_text()
    files = [p.name for p in example_files()]
    assert [f for f in files if f"`{f}`" not in readme] == []


def run_as_script(file_name: str, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> SystemExit:
    """Run the example's `__main__` block with these arguments; the SystemExit it ends with."""
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.setattr(sys, "argv", [file_name, *argv])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(str(EXAMPLES / file_name), run_name="__main__")
    return exit_info.value


@pytest.mark.parametrize("file_name", sorted(SAMPLE_ARGV))
def test_command_line_needs_arguments_and_server(file_name, monkeypatch, capsys) -> None:
    if file_name == "train_with_pytorch.py":
        pytest.importorskip("torch", reason="the PyTorch example needs torch and torchvision (cvat-sdk[pytorch])")
    if SAMPLE_ARGV[file_name]:
        assert run_as_script(file_name, [], monkeypatch).code == 2  # argparse: arguments missing
        assert "the following arguments are required" in capsys.readouterr().err
    # Good arguments: the next thing missing is the server's address.
    error = run_as_script(file_name, SAMPLE_ARGV[file_name], monkeypatch)
    assert "Set CVAT_SERVER" in str(error.code)


def test_connection_settings_from_env(monkeypatch) -> None:
    connection = load_example("connection.py")
    monkeypatch.setenv("CVAT_SERVER", "http://localhost:1")
    with pytest.raises(SystemExit, match="Set CVAT_USER and CVAT_PASSWORD, or CVAT_ACCESS_TOKEN"):
        connection.client_from_env()
    monkeypatch.setenv("CVAT_USER", "someone")
    with pytest.raises(SystemExit, match="CVAT_USER is set to 'someone' but CVAT_PASSWORD is not"):
        connection.client_from_env()
