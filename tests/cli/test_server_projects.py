"""Project commands against a real CVAT server (cassette replay unless live)."""

from __future__ import annotations

import json
import zipfile

import pytest

from tests.cli.conftest import LABELS, created_id

pytestmark = pytest.mark.server


def by(field: str, value: object) -> str:
    return json.dumps({"==": [{"var": field}, value]})


def test_project_lifecycle(cli, images, tmp_path) -> None:
    r = cli("project", "create", "cli-project", "--labels", LABELS, "--bug_tracker", "https://bugs.example.com/p")
    project_id = created_id(r)
    assert f"Created project ID: {project_id} NAME: cli-project" in r.err
    created = [project_id]
    try:
        r = cli("project", "ls", "--json", "--filter", by("id", project_id))
        [project] = json.loads(r.out)
        assert project["name"] == "cli-project" and project["bug_tracker"] == "https://bugs.example.com/p"
        r = cli("project", "ls", "--search", "cli-project")
        assert str(project_id) in r.out.split()
        r = cli("project", "ls", "--table", "--filter", by("id", project_id))
        assert r.out.splitlines()[0].split() == ["ID", "NAME", "STATUS", "OWNER", "DIMENSION"]

        r = cli("task", "create", "cli-project-task", "local", *images[:2], "--project_id", project_id)
        task_id = created_id(r)
        r = cli("task", "ls", "--json", "--filter", by("project_id", project_id))
        assert [(t["id"], t["project_id"]) for t in json.loads(r.out)] == [(task_id, project_id)]
        r = cli("task", "create", "cli-bad", "local", images[0], "--project_id", project_id, "--labels", LABELS)
        assert r.code == 1 and "--labels cannot be used with --project_id" in r.err

        dataset = tmp_path / "project.zip"
        r = cli(
            "project", "export-dataset", project_id, dataset, "--with-images", "true", "--format", "CVAT for images 1.1"
        )
        assert r.code == 0 and r.out == "", r.err
        with zipfile.ZipFile(dataset) as z:
            assert "annotations.xml" in z.namelist()

        r = cli("project", "create", "cli-project-from-dataset", "--labels", LABELS, "--dataset_path", dataset)
        from_dataset_id = created_id(r)
        created.append(from_dataset_id)
        r = cli("task", "ls", "--json", "--filter", by("project_id", from_dataset_id))
        assert [t["size"] for t in json.loads(r.out)] == [2]

        r = cli("project", "import-dataset", from_dataset_id, dataset, "--format", "CVAT 1.1")
        assert r.code == 0, r.err
        r = cli("task", "ls", "--json", "--filter", by("project_id", from_dataset_id))
        assert len(json.loads(r.out)) == 2  # the import added the dataset's task again

        backup = tmp_path / "project-backup.zip"
        r = cli("project", "backup", project_id, backup)
        assert r.code == 0 and zipfile.is_zipfile(backup), r.err
        r = cli("project", "create-from-backup", backup)
        restored_id = created_id(r)
        created.append(restored_id)
        r = cli("project", "ls", "--json", "--filter", by("id", restored_id))
        assert [p["name"] for p in json.loads(r.out)] == ["cli-project"]
    finally:
        r = cli("project", "delete", *created)
    assert r.code == 0 and all(f"Project #{i} deleted" in r.err for i in created)
    r = cli("project", "ls", "--filter", by("id", project_id))
    assert r.out == ""
