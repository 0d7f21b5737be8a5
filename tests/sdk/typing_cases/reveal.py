"""The first lines users write (the seed, the README, the docs, the examples): every revealed type
must be precise; tests/sdk/test_typing.py fails on any `Any` among them."""

from __future__ import annotations

from cvat_sdk import Client, make_client, models
from cvat_sdk.core.proxies.tasks import ResourceType, Task
from typing_extensions import reveal_type


def first_script(client: Client) -> None:
    reveal_type(make_client("http://localhost:8080", credentials=("user", "password")))
    reveal_type(client.tasks.list())
    reveal_type(client.tasks.list(return_json=True))  # JSON asked for: dict[str, Any] allowed
    reveal_type(client.projects.list())
    reveal_type(client.jobs.list())
    reveal_type(client.users.list())
    reveal_type(client.organizations.list())
    reveal_type(client.issues.list())
    reveal_type(client.tasks.iterate())
    reveal_type(client.tasks.retrieve(1))
    reveal_type(client.tasks.retrieve(1).size)
    reveal_type(client.tasks.retrieve(1).get_jobs())
    reveal_type(client.tasks.retrieve(1).get_annotations())
    reveal_type(client.tasks.retrieve(1).get_meta())
    reveal_type(client.tasks.retrieve(1).get_labels())
    reveal_type(client.tasks.create_from_data({"name": "t"}, ["a.jpg"], resource_type=ResourceType.LOCAL))
    reveal_type(client.projects.retrieve(1).get_tasks())
    reveal_type(client.users.retrieve_current_user())
    reveal_type(client.api_client)
    reveal_type(client.api_client.tasks_api)
    reveal_type(client.api_client.tasks_api.retrieve(1))
    reveal_type(client.api_client.tasks_api.list())
    reveal_type(client.api_client.server_api.retrieve_about())
    reveal_type(client.api_client.jobs_api.retrieve_annotations(1))
    reveal_type(client.api_client.tasks_api.retrieve_data(1, _parse_response=False))
    reveal_type(client.server_version)


def entity_api(task: Task) -> None:
    reveal_type(task.api)
    reveal_type(task.api.retrieve(task.id))
    reveal_type(models.TaskWriteRequest(name="t"))
