"""`cvat_sdk.api_client.api`: the official package of API modules; `api.tasks_api` is
`cvat_api.apis.tasks_api` (the same module)."""

from .._aliases import install, submodule_getattr

install(__name__, "cvat_api.apis")
__getattr__ = submodule_getattr(__name__)
