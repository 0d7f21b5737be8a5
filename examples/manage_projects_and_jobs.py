"""Organize work: a project, a task split into jobs, and the jobs handed out and tracked.

1. Create a project with labels, and a task in it whose images are split into jobs of
   `--frames-per-job` frames (CVAT makes one job per segment).
2. Assign the first job to a user, and move the last job on to the acceptance stage,
   marking it completed.
3. List the project's jobs with their frames, assignee, stage and state, as the server
   reports them.
4. Delete the project, which deletes its task and jobs too.

Run (see connection.py for the environment variables):

    python examples/manage_projects_and_jobs.py ASSIGNEE IMAGE [IMAGE ...]

ASSIGNEE is the user name of an existing user who can see the project (e.g. yourself, or
a member of the organization given in CVAT_ORG).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cvat_sdk import Client


@dataclass
class JobSummary:
    id: int
    frames: tuple[int, int]  # first and last frame number of the job in its task
    assignee: str | None
    stage: str
    state: str


def main(
    client: Client, images: Sequence[Path], assignee: str, *, frames_per_job: int = 2
) -> list[JobSummary]:
    """Create, assign and track jobs as described above; returns the jobs as listed before the
    cleanup."""
    project = client.projects.create({"name": "jobs example", "labels": [{"name": "square"}]})
    try:
        task = client.tasks.create_from_data(
            spec={
                "name": "jobs example task",
                "project_id": project.id,
                "segment_size": frames_per_job,
            },
            resources=images,
        )
        jobs = sorted(task.get_jobs(), key=lambda job: job.start_frame)
        print(f"Task {task.id} has {len(jobs)} jobs")

        # Users are found by user name; the job's assignee is set by the user's id.
        [user] = client.users.list(username=assignee)
        jobs[0].update({"assignee": user.id})
        jobs[-1].update({"stage": "acceptance", "state": "completed"})

        summaries = [
            JobSummary(
                id=job.id,
                frames=(job.start_frame, job.stop_frame),
                assignee=job.assignee.username if job.assignee else None,
                stage=str(job.stage),
                state=str(job.state),
            )
            for job in sorted(
                client.jobs.list(project_id=project.id), key=lambda job: job.start_frame
            )
        ]
        for summary in summaries:
            print(summary)
        return summaries
    finally:
        project.remove()


if __name__ == "__main__":
    from connection import client_from_env

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("assignee", help="user name to assign the first job to")
    parser.add_argument("images", type=Path, nargs="+", help="images for the task")
    parser.add_argument(
        "--frames-per-job", type=int, default=2, help="frames in each job (default: 2)"
    )
    args = parser.parse_args()

    with client_from_env() as client:
        main(client, args.images, args.assignee, frames_per_job=args.frames_per_job)
