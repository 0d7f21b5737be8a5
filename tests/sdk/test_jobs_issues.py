"""Jobs, issues and comments against a real CVAT server."""

from __future__ import annotations

import pytest
from cvat_sdk import models
from cvat_sdk.core.proxies.issues import Comment, Issue
from cvat_sdk.core.proxies.jobs import Job
from PIL import Image

from tests.sdk.fixtures import TASK_SPEC

pytestmark = pytest.mark.server


def test_job_methods(client, images, tmp_path) -> None:
    task = client.tasks.create_from_data({**TASK_SPEC, "name": "jobs"}, images[:3])
    try:
        (job,) = task.get_jobs()
        assert isinstance(job, Job) and job.task_id == task.id
        assert client.jobs.retrieve(job.id) == job
        assert job.id in [j.id for j in client.jobs.list(task_id=task.id)]
        with Image.open(job.get_frame(0)) as im:  # default quality works (the official 2.42 fails here)
            assert im.size == (64, 48)
        assert job.get_preview().getvalue()[:2] == b"\xff\xd8"
        assert [f.name for f in job.get_frames_info()] == [p.name for p in images[:3]]
        job.update({"stage": "validation"})
        assert str(job.stage) == "validation"
        car = next(label for label in job.get_labels() if label.name == "car")
        job.set_annotations({"shapes": [{"type": "points", "frame": 2, "label_id": car.id, "points": [3, 3]}]})
        assert len(job.get_annotations().shapes) == 1 and len(task.get_annotations().shapes) == 1
        export = tmp_path / "job.zip"
        job.export_dataset("CVAT for images 1.1", export, include_images=False)
        job.remove_annotations()
        job.import_annotations("CVAT 1.1", export)
        assert len(job.get_annotations().shapes) == 1
        paths = job.download_frames([0, 1], outdir=tmp_path, quality="original")
        assert [p.read_bytes() for p in paths] == [images[0].read_bytes(), images[1].read_bytes()]
    finally:
        task.remove()


def test_issues_and_comments(client, images) -> None:
    task = client.tasks.create_from_data({**TASK_SPEC, "name": "issues"}, images[:1])
    try:
        (job,) = task.get_jobs()
        issue = client.issues.create(
            models.IssueWriteRequest(frame=0, position=[1.0, 1.0, 5.0, 5.0], job=job.id, message="wrong box")
        )
        assert isinstance(issue, Issue) and issue.job == job.id
        assert [i.id for i in job.get_issues()] == [issue.id]
        comments = issue.get_comments()
        assert [c.message for c in comments] == ["wrong box"]  # the first message becomes a comment
        comment = client.comments.create(models.CommentWriteRequest(issue=issue.id, message="fixed"))
        assert isinstance(comment, Comment)
        comment.update({"message": "fixed, thanks"})
        assert sorted(c.message for c in issue.get_comments()) == ["fixed, thanks", "wrong box"]
        issue.update({"resolved": True})
        assert issue.resolved is True
        comment.remove()
        issue.remove()
        assert not job.get_issues()
    finally:
        task.remove()
