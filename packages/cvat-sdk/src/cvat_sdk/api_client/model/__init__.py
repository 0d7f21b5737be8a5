"""`cvat_sdk.api_client.model`: the official package of model modules; `model.file_info` is
`cvat_api.models.file_info` (the same module, so `model.file_info.FileInfo is models.FileInfo`)."""

from .._aliases import install, submodule_getattr

install(__name__, "cvat_api.models")
__getattr__ = submodule_getattr(__name__)
