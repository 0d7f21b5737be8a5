"""What callers of the official 2.17 packages rely on, with the 2.17 build against a CVAT 2.17.0
server: the 2.17 CLI's commands (no resource level) and its `cvat_cli.cli.CLI`, and auto-annotation
specs checked when the function runs. Run through tests/versions/test_builds.py; other builds skip.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from types import SimpleNamespace

import cvat_api
import cvat_sdk.auto_annotation as cvataa
import pytest
from cvat_cli import cli as cli_module
from cvat_sdk import models

from tests.cli.conftest import created_id

BUILD_LINE = ".".join(cvat_api.SCHEMA_VERSION.split(".")[:2])
LABELS = [{"name": "car"}, {"name": "person"}]

pytestmark = [
    pytest.mark.server,
    pytest.mark.server_version("2.17"),
    pytest.mark.skipif(BUILD_LINE != "2.17", reason="the 2.17 build's behaviour: run by tests/versions/test_builds.py"),
]


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per session opened through `cvat_cli.cli.CLI` (True: it was given credentials)."""
    opened: list[bool] = []
    original = cli_module.CLI.__init__

    def recording(self: cli_module.CLI, client: object, credentials: tuple[str, str] | None) -> None:
        opened.append(credentials is not None)
        original(self, client, credentials)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_module.CLI, "__init__", recording)
    return opened


def test_the_217_cli_commands(cli, run, client, cvat_server, images, tmp_path: Path, sessions: list[bool]) -> None:
    period = ("--completion_verification_period", "0.01")
    task_id = created_id(cli("create", "cli 2.17", "LOCAL", *images[:3], "--labels", json.dumps(LABELS), *period))
    restored_id = None
    try:
        assert str(task_id) in cli("ls").out.split()
        assert task_id in [t["id"] for t in json.loads(cli("ls", "--json").out)]
        # the 2.17 tests give the port apart from the host
        host, port = cvat_server.url.rsplit(":", 1)
        user, password = cvat_server.credentials
        split = run(f"--auth={user}:{password}", f"--server-host={host}", f"--server-port={port}", "ls")
        assert split.code == 0 and str(task_id) in split.out.split()

        outdir = tmp_path / "frames"
        assert cli("frames", task_id, "0", "2", "--outdir", outdir, "--quality", "original").code == 0
        assert sorted(p.name for p in outdir.iterdir()) == [f"task_{task_id}_frame_00000{i}.png" for i in (0, 2)]

        dataset = tmp_path / "dataset.zip"
        dumped = cli("dump", task_id, dataset, "--format", "CVAT for images 1.1", "--with-images", "no", *period)
        assert dumped.code == 0, dumped.err
        with zipfile.ZipFile(dataset) as zf:
            assert "annotations.xml" in zf.namelist()
        assert cli("upload", task_id, dataset, "--format", "CVAT 1.1").code == 0
        annotated = cli(
            "auto-annotate", task_id, "--function-module", "tests.ml.functions_for_tests", "-p", "size=int:4",
            "--allow-unmatched-labels", "--clear-existing",
        )  # fmt: skip
        assert annotated.code == 0, annotated.err
        shapes = client.tasks.retrieve(task_id).get_annotations().shapes
        assert len(shapes) == 3 and {str(s.source) for s in shapes} == {"auto"}  # a car box per frame

        backup = tmp_path / "backup.zip"
        assert cli("export", task_id, backup, *period).code == 0
        restored_id = created_id(cli("import", backup, *period))
        assert restored_id != task_id

        assert cli("delete", task_id, restored_id).code == 0
        left = cli("task", "ls").out.split()  # the newer syntax, beside the old
        assert str(task_id) not in left and str(restored_id) not in left
    finally:
        leftovers = [i for i in (task_id, restored_id) if i is not None]
        run("--server-host", cvat_server.url, "--auth", ":".join(cvat_server.credentials), "task", "delete", *leftovers)
    # every 2.17 command opened its session through cvat_cli.cli.CLI, with the credentials; the
    # newer `task ...` commands did not
    assert sessions == [True] * 11


def test_the_217_cli_class(client, images, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = cli_module.CLI(client, None)  # the client is logged in already
    session.tasks_create(
        "cli class 2.17", LABELS, [str(p) for p in images[:2]],
        resource_type="local", status_check_period=0.01, image_quality=80, bug_tracker="http://bugs/1",
    )  # fmt: skip
    out = capsys.readouterr().out
    assert out.startswith("Created task id ")
    task = client.tasks.retrieve(int(out.split()[-1]))
    try:
        assert task.size == 2 and task.bug_tracker == "http://bugs/1"
        session.tasks_list()
        assert str(task.id) in capsys.readouterr().out.split()
        session.tasks_frames(task.id, [1], outdir=str(tmp_path))
        assert (tmp_path / f"task_{task.id}_frame_000001.png").is_file()
        session.tasks_dump(task.id, "CVAT for images 1.1", str(tmp_path / "dataset.zip"), status_check_period=0.01)
        session.tasks_upload(task.id, "CVAT 1.1", str(tmp_path / "dataset.zip"), status_check_period=0.01)
        session.tasks_export(task.id, str(tmp_path / "backup.zip"), status_check_period=0.01)
        before = {t.id for t in client.tasks.list()}
        session.tasks_import(str(tmp_path / "backup.zip"), status_check_period=0.01)
        (restored,) = {t.id for t in client.tasks.list()} - before
        session.tasks_delete([task.id, restored])
        assert not {task.id, restored} & {t.id for t in client.tasks.list()}
    finally:
        client.tasks.remove_by_ids([task.id])


def test_a_function_spec_is_checked_when_the_function_runs(client, images) -> None:
    spec = cvataa.DetectionFunctionSpec(labels=[models.PatchedLabelRequest(name="car")])  # no error yet, as in 2.17
    task = client.tasks.create_from_data({"name": "spec check 2.17", "labels": LABELS}, images[:1])
    try:
        function = SimpleNamespace(spec=spec, detect=lambda context, image: [])
        with pytest.raises(cvataa.BadFunctionError, match="label 'car' has no ID"):
            cvataa.annotate_task(client, task.id, function)  # type: ignore[arg-type]
        assert not task.get_annotations().shapes
    finally:
        task.remove()
