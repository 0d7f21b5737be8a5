"""Every pinned set against every pinned server: the seed workflows complete with nothing lost.

Each test runs once per server line (2.17, 2.42, 2.64): with the main (2.42) build here, and with the
2.17 and 2.64 builds through tests/versions/test_builds.py. Each build and server pair has its own
cassettes (`cassettes/test_cross_version/build-<line>/<test>[server-<line>].yaml`), recorded against a
real server of that line; live and record runs take the tests of the server given.
"""

from __future__ import annotations

import importlib
import io
import re
import zipfile
from pathlib import Path

import cvat_api
import pytest
from cvat_api.exceptions import UnsupportedOperationError
from cvat_sdk import Client, models
from cvat_sdk.core.proxies.tasks import ResourceType
from PIL import Image

BUILD_LINE = ".".join(cvat_api.SCHEMA_VERSION.split(".")[:2])
SERVER_LINES = ("2.17", "2.42", "2.64")
LABELS = [{"name": "car", "attributes": [{"name": "color", "mutable": False, "input_type": "text", "default_value": "red", "values": ["red"]}]}, {"name": "person"}]  # fmt: skip

pytestmark = [
    pytest.mark.server,
    pytest.mark.cassettes_per_build,
    pytest.mark.parametrize(
        "server_line",
        [pytest.param(line, marks=pytest.mark.server_version(line), id=f"server-{line}") for line in SERVER_LINES],
    ),
]


def _shapes(task: object) -> list[models.LabeledShapeRequest]:
    labels = {label.name: label.id for label in task.get_labels()}  # type: ignore[attr-defined]
    return [
        models.LabeledShapeRequest(type="rectangle", frame=0, label_id=labels["car"], points=[1, 2, 30, 40]),
        models.LabeledShapeRequest(type="polygon", frame=1, label_id=labels["person"], points=[5, 5, 20, 5, 20, 25]),
    ]


def test_version_mismatch_is_logged_once_and_the_client_works(cvat_server, server_line, caplog) -> None:
    with caplog.at_level("WARNING"), Client(cvat_server.url) as client:
        client.login(cvat_server.credentials)
        assert f"{client.server_version.major}.{client.server_version.minor}" == server_line
        assert client.users.retrieve_current_user().username == cvat_server.credentials[0]
        about = client.api_client.server_api.retrieve_about()[0]
        assert about.version.startswith(server_line)
    assert caplog.text.count("is not compatible with SDK version") == (server_line != BUILD_LINE)
    if server_line != BUILD_LINE:
        assert f"the set for cvat {server_line} fits it best" in caplog.text.lower()


def test_task_data_frames_annotations_export_import_backup(client, images, tmp_path, server_line) -> None:
    task = client.tasks.create_from_data({"name": "xv local", "labels": LABELS}, images[:3])
    created = [task.id]
    try:
        assert task.size == 3
        assert [f.name for f in task.get_frames_info()] == [p.name for p in images[:3]]
        # frames: the original quality is the uploaded image, pixel for pixel
        task.download_frames([0, 2], outdir=tmp_path / "frames", quality="original")
        for index in (0, 2):
            (saved,) = (tmp_path / "frames").glob(f"*{index:06d}*")
            with Image.open(saved) as got, Image.open(images[index]) as want:
                assert got.size == want.size and got.convert("RGB").tobytes() == want.convert("RGB").tobytes()
        # annotations: set, update, read back
        task.set_annotations(models.LabeledDataRequest(shapes=_shapes(task)))
        got = task.get_annotations()
        assert sorted((s.frame, str(s.type), s.points) for s in got.shapes) == [
            (0, "rectangle", [1.0, 2.0, 30.0, 40.0]),
            (1, "polygon", [5.0, 5.0, 20.0, 5.0, 20.0, 25.0]),
        ]
        first = next(s for s in got.shapes if s.frame == 0)
        task.update_annotations(
            models.PatchedLabeledDataRequest(
                shapes=[
                    models.LabeledShapeRequest(
                        id=first.id, type="rectangle", frame=0, label_id=first.label_id, points=[2, 3, 31, 41]
                    )
                ]  # fmt: skip
            ),
            action="update",
        )
        assert [s.points for s in task.get_annotations().shapes if s.frame == 0] == [[2.0, 3.0, 31.0, 41.0]]
        # export with images, and import into a new task: the same shapes arrive
        dataset = tmp_path / "dataset.zip"
        task.export_dataset("CVAT for images 1.1", dataset, include_images=True)
        with zipfile.ZipFile(dataset) as zf:
            assert sum(n.startswith("images/") and not n.endswith("/") for n in zf.namelist()) == 3
        copy = client.tasks.create_from_data({"name": "xv imported", "labels": LABELS}, images[:3])
        created.append(copy.id)
        copy.import_annotations("CVAT 1.1", dataset)
        assert len(copy.get_annotations().shapes) == 2
        # backup and restore
        backup = tmp_path / "backup.zip"
        task.download_backup(backup)
        restored = client.tasks.create_from_backup(backup)
        created.append(restored.id)
        assert restored.size == 3 and restored.name == task.name
        assert len(restored.get_annotations().shapes) == 2
        # jobs
        (job,) = task.get_jobs()
        assert (job.start_frame, job.stop_frame) == (0, 2)
        assert len(job.get_annotations().shapes) == 2
        job.update({"stage": "validation"})
        assert str(client.jobs.retrieve(job.id).stage) == "validation"
    finally:
        client.tasks.remove_by_ids(created)


def test_task_from_the_share(client, server_line) -> None:
    task = client.tasks.create_from_data(
        {"name": "xv share", "labels": LABELS},
        ["sdk-test/img_0.png", "sdk-test/img_1.png"],
        resource_type=ResourceType.SHARE,
    )
    try:
        assert task.size == 2
        assert sorted(f.name for f in task.get_frames_info()) == ["sdk-test/img_0.png", "sdk-test/img_1.png"]
        assert Image.open(io.BytesIO(task.get_frame(1, quality="original").read())).size == (64, 48)
    finally:
        task.remove()


def test_projects_and_organizations(client, images, server_line) -> None:
    org = client.organizations.create(models.OrganizationWriteRequest(slug="xv-org", name="Cross-version org"))
    try:
        with client.organization_context(org.slug):
            project = client.projects.create({"name": "xv project", "labels": LABELS})
            task = client.tasks.create_from_data({"name": "xv in project", "project_id": project.id}, images[:1])
            assert project.organization == org.id
            assert [t.id for t in project.get_tasks()] == [task.id]
            assert {label.name for label in project.get_labels()} == {"car", "person"}
        assert org.slug in {o.slug for o in client.organizations.list()}
    finally:
        org.remove()


def test_cli_task_and_project_commands(cvat_server, run, images, tmp_path, server_line) -> None:
    base = ["--server-host", cvat_server.url, "--auth", ":".join(cvat_server.credentials)]
    r = run(*base, "project", "create", "xv cli project", "--labels", '[{"name": "car"}]')
    assert r.code == 0, r.err
    project_id = int(r.out.strip())
    r = run(
        *base, "task", "create", "xv cli task", "local", str(images[0]), str(images[1]), "--project_id", str(project_id)
    )
    assert r.code == 0, r.err
    task_id = int(r.out.strip())
    try:
        assert str(task_id) in run(*base, "task", "ls").out.split()
        assert str(project_id) in run(*base, "project", "ls").out.split()
        r = run(*base, "task", "frames", str(task_id), "0", "1", "--outdir", str(tmp_path), "--quality", "original")
        assert r.code == 0, r.err
        assert len(list(Path(tmp_path).glob("task_*_frame_*"))) == 2
        out = tmp_path / "export.zip"
        r = run(*base, "task", "export-dataset", str(task_id), str(out), "--format", "CVAT for images 1.1")
        assert r.code == 0 and zipfile.is_zipfile(out), r.err
    finally:
        assert run(*base, "task", "delete", str(task_id)).code == 0
        assert run(*base, "project", "delete", str(project_id)).code == 0


def test_an_operation_the_server_lacks_is_refused_before_sending(client, server_line) -> None:
    """Every operation of this build whose schema is absent from the server's pinned line is refused
    with UnsupportedOperationError once the server's version is known; nothing is sent (in replay an
    unrecorded request would fail the test)."""
    assert client.api_client.server_version is not None and client.api_client.server_version.startswith(server_line)
    lacking = []
    for module, cls in cvat_api._generated.API_ATTRS.values():
        api_cls = getattr(importlib.import_module(f"cvat_api.apis.{module}"), cls)
        for op in api_cls._operations.values():
            if any(v.startswith(server_line + ".") for v in op.absent_in):
                lacking.append(op)
    for op in lacking:
        params = {name: 1 for name in _path_params(op.path)}
        with pytest.raises(UnsupportedOperationError, match=f"{op.id} .* is not available on this server"):
            client.api_client.call_operation(op, path_params=params, query_params={}, header_params={}, body=None)
    if server_line == BUILD_LINE:
        assert not lacking
    else:  # each pair of pinned lines differs by at least one operation
        assert lacking, f"no operation of build {BUILD_LINE} is marked absent on {server_line}"


def _path_params(path: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", path)
