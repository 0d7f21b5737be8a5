"""Typed usage that must type-check: entity fields and repository results have precise types."""

from __future__ import annotations

import datetime

import cvat_sdk.auto_annotation as cvataa
import PIL.Image
from cvat_sdk import Client, models
from cvat_sdk.core.proxies.jobs import Job
from cvat_sdk.core.proxies.tasks import Task


def use(client: Client) -> None:
    task: Task = client.tasks.retrieve(1)
    size: int = task.size
    name: str = task.name
    project: int | None = task.project_id
    created: datetime.datetime = task.created_date
    owner: models.BasicUser | None = task.owner
    jobs: list[Job] = task.get_jobs()
    stage: models.JobStage = jobs[0].stage
    tasks: list[Task] = client.tasks.list()
    meta: models.DataMetaRead = task.get_meta()
    about, _ = client.api_client.server_api.retrieve_about()
    version: str | None = about.version if about else None
    print(size, name, project, created, owner, stage, tasks, meta, version)


class BoxesOnly:
    """A detection function whose `detect` promises only shapes: it fits the protocol as it is."""

    spec = cvataa.DetectionFunctionSpec(labels=[cvataa.label_spec("car", 0)])

    def detect(
        self, context: cvataa.DetectionFunctionContext, image: PIL.Image.Image
    ) -> list[models.LabeledShapeRequest]:
        return [cvataa.rectangle(0, [0, 0, image.width, image.height])]


def annotate(client: Client) -> None:
    cvataa.annotate_task(client, 1, BoxesOnly())
