"""`cvat_sdk.api_client.api`: the official package of API modules; `api.tasks_api` is
`cvat_api.apis.tasks_api` (the same module)."""

from .._aliases import install

install(__name__, "cvat_api.apis")
