"""The official low-level package path: `cvat_sdk.api_client` is cvat-api under its old name."""

from cvat_api import ApiClient, ApiResponse, Configuration, apis, exceptions, models
from cvat_api.exceptions import (
    ApiAttributeError,
    ApiException,
    ApiKeyError,
    ApiTypeError,
    ApiValueError,
    ForbiddenException,
    NotFoundException,
    OpenApiException,
    ServiceException,
    UnauthorizedException,
)

from ..version import VERSION as __version__
from ._aliases import submodule_getattr

__all__ = [
    "ApiAttributeError",
    "ApiClient",
    "ApiException",
    "ApiKeyError",
    "ApiResponse",
    "ApiTypeError",
    "ApiValueError",
    "Configuration",
    "ForbiddenException",
    "NotFoundException",
    "OpenApiException",
    "ServiceException",
    "UnauthorizedException",
    "__version__",
    "apis",
    "exceptions",
    "models",
]

# `api_client.model`, `.api`, `.rest`, ... as attributes, imported on first access (as in the official package)
__getattr__ = submodule_getattr(__name__)
