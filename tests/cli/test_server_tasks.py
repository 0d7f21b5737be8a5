"""Task and job commands against a real CVAT server (cassette replay unless live)."""

from __future__ import annotations

import json
import zipfile

import pytest

from tests.cli.conftest import LABELS, created_id

pytestmark = pytest.mark.server

ANNOTATIONS_XML = """<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <image id="0" name="img_0.png" width="64" height="48">
    <box label="car" occluded="0" source="manual" xtl="1" ytl="2" xbr="20" ybr="30" z_order="0">
      <attribute name="color">blue</attribute>
    </box>
  </image>
  <image id="1" name="img_1.png" width="64" height="48">
    <tag label="person" source="manual"></tag>
  </image>
</annotations>
"""


def by_id(task_id: int) -> str:
    return json.dumps({"==": [{"var": "id"}, task_id]})


def test_create_list_frames_jobs_and_delete(cli, images, tmp_path, monkeypatch) -> None:
    labels_file = tmp_path / "labels.json"
    labels_file.write_text(LABELS)
    r = cli(
        "task", "create", "cli-task-create", "local", *images[:3],
        "--labels", labels_file,
        "--segment_size", "2",
        "--image_quality", "80",
        "--chunk_size", "2",
        "--bug", "https://bugs.example.com/1",
        "--sorting-method", "natural",
        "--completion_verification_period", "0.5",
    )  # fmt: skip
    task_id = created_id(r)
    assert f"Created task ID: {task_id} NAME: cli-task-create" in r.err
    try:
        r = cli("task", "ls", "--json", "--filter", by_id(task_id))
        assert r.code == 0, r.err
        [task] = json.loads(r.out)
        assert (task["name"], task["size"], task["segment_size"], task["image_quality"]) == (
            "cli-task-create",
            3,
            2,
            80,
        )
        assert task["bug_tracker"] == "https://bugs.example.com/1" and task["data_chunk_size"] == 2

        r = cli("task", "ls", "--search", "cli-task-create", "--sort=-id")
        assert r.code == 0 and str(task_id) in r.out.split()
        r = cli("task", "ls", "--table", "--filter", by_id(task_id))
        header, row = r.out.splitlines()
        assert header.split() == ["ID", "NAME", "STATUS", "SIZE", "PROJECT", "OWNER"]
        assert row.split()[:2] == [str(task_id), "cli-task-create"]

        monkeypatch.chdir(tmp_path)  # --outdir defaults to the current directory
        r = cli("task", "frames", task_id, "2", "0")
        assert r.code == 0, r.err
        assert r.out == ""
        for frame in (0, 2):
            saved = tmp_path / f"task_{task_id}_frame_{frame:06d}.png"
            assert saved.read_bytes() == images[frame].read_bytes()  # original quality: the uploaded bytes
        r = cli("task", "frames", task_id, "1", "--outdir", tmp_path / "compressed", "--quality", "compressed")
        assert r.code == 0, r.err
        assert [p.name for p in (tmp_path / "compressed").iterdir()] == [f"task_{task_id}_frame_000001.jpg"]
        r = cli("task", "frames", task_id, "0", "3")
        assert r.code == 1 and r.err_lines[-1].endswith(f"frame(s) 3 out of range: task {task_id} has 3 frame(s) (0-2)")
        assert len(r.err_lines) == 1

        r = cli("job", "ls", "--task-id", task_id, "--json")
        jobs = sorted(json.loads(r.out), key=lambda j: j["start_frame"])
        assert [(j["start_frame"], j["stop_frame"]) for j in jobs] == [(0, 1), (2, 2)]
        r = cli("job", "ls", "--task-id", task_id, "--table", "--sort", "id")
        assert r.out.splitlines()[0].split()[:3] == ["ID", "TASK", "TYPE"] and len(r.out.splitlines()) == 3
        r = cli("job", "frames", jobs[1]["id"], "2", "--outdir", tmp_path / "job")
        assert r.code == 0, r.err
        saved = tmp_path / "job" / f"job_{jobs[1]['id']}_frame_000002.png"
        assert saved.read_bytes() == images[2].read_bytes()
    finally:
        r = cli("task", "delete", task_id)
    assert r.code == 0 and f"Task #{task_id} deleted" in r.err
    r = cli("task", "ls", "--filter", by_id(task_id))
    assert r.code == 0 and r.out == ""


def test_annotations_export_import_backup_and_restore(cli, images, tmp_path) -> None:
    annotations = tmp_path / "annotations.xml"
    annotations.write_text(ANNOTATIONS_XML)
    r = cli(
        "task", "create", "cli-task-export", "local", *images[:2],
        "--labels", LABELS,
        "--annotation_path", annotations,
        "--annotation_format", "CVAT 1.1",
    )  # fmt: skip
    task_id = created_id(r)
    restored_id = None
    try:
        dataset = tmp_path / "dataset.zip"
        r = cli("task", "export-dataset", task_id, dataset)
        assert r.code == 0 and r.out == "", r.err
        with zipfile.ZipFile(dataset) as z:
            xml = z.read("annotations.xml").decode()
            assert not any(n.startswith("images/") for n in z.namelist())  # --with-images defaults to False
        assert '<box label="car"' in xml and 'xtl="1.00"' in xml and '<tag label="person"' in xml

        r = cli("task", "export-dataset", task_id, dataset)  # refused before any request
        assert r.code == 1 and len(r.err_lines) == 1 and "already exists (use --overwrite" in r.err
        r = cli(
            "task",
            "export-dataset",
            task_id,
            dataset,
            "--overwrite",
            "--with-images",
            "yes",
            "--format",
            "CVAT for images 1.1",
        )
        assert r.code == 0, r.err
        with zipfile.ZipFile(dataset) as z:
            assert sorted(n for n in z.namelist() if n.startswith("images/")) == [
                "images/img_0.png",
                "images/img_1.png",
            ]
        r = cli("task", "export-dataset", task_id, tmp_path / "x.zip", "--format", "No Such Format 9.9")
        assert r.code == 1 and len(r.err_lines) == 1 and "No Such Format" in r.err

        r = cli("task", "import-dataset", task_id, annotations, "--format", "CVAT 1.1")
        assert r.code == 0 and r.out == "", r.err

        r = cli("job", "ls", "--task-id", task_id, "--json")
        [job] = json.loads(r.out)
        job_dataset = tmp_path / "job.zip"
        r = cli("job", "export-dataset", job["id"], job_dataset, "--format", "CVAT for images 1.1")
        assert r.code == 0, r.err
        with zipfile.ZipFile(job_dataset) as z:
            assert '<box label="car"' in z.read("annotations.xml").decode()
        r = cli("job", "import-dataset", job["id"], annotations, "--format", "CVAT 1.1")
        assert r.code == 0, r.err

        backup = tmp_path / "backup.zip"
        r = cli("task", "backup", task_id, backup, "--completion_verification_period", "1")
        assert r.code == 0 and zipfile.is_zipfile(backup), r.err
        r = cli("task", "create-from-backup", backup)
        restored_id = created_id(r)
        assert restored_id != task_id
        r = cli("task", "ls", "--json", "--filter", by_id(restored_id))
        [restored] = json.loads(r.out)
        assert restored["name"] == "cli-task-export" and restored["size"] == 2
    finally:
        r = cli("task", "delete", task_id, *([restored_id] if restored_id else []))
        assert r.code == 0, r.err


def test_deprecated_top_level_aliases(cli, images, tmp_path) -> None:
    r = cli("create", "cli-task-aliases", "local", images[0], "--labels", '[{"name": "car"}]')
    task_id = created_id(r)
    assert 'This command is deprecated. Use "task create" instead.' in r.err
    try:
        r = cli("ls", "--json", "--filter", by_id(task_id))
        assert [t["id"] for t in json.loads(r.out)] == [task_id] and 'Use "task ls"' in r.err
        r = cli("frames", task_id, "0", "--outdir", tmp_path)
        assert (
            r.code == 0 and (tmp_path / f"task_{task_id}_frame_000000.png").is_file() and 'Use "task frames"' in r.err
        )
        r = cli("dump", task_id, tmp_path / "d.zip", "--format", "CVAT for images 1.1")
        assert r.code == 0 and zipfile.is_zipfile(tmp_path / "d.zip") and 'Use "task export-dataset"' in r.err
        r = cli("upload", task_id, tmp_path / "d.zip")
        assert r.code == 0 and 'Use "task import-dataset"' in r.err, r.err
        r = cli("export", task_id, tmp_path / "b.zip")
        assert r.code == 0 and zipfile.is_zipfile(tmp_path / "b.zip") and 'Use "task backup"' in r.err
        r = cli("import", tmp_path / "b.zip")
        restored_id = created_id(r)
        assert 'Use "task create-from-backup"' in r.err
    finally:
        r = cli("delete", task_id)
        assert r.code == 0 and 'Use "task delete"' in r.err
    r = cli("task", "delete", restored_id)
    assert r.code == 0
