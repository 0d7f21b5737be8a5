"""Every exception cvat-api raises (the names of the official generator's exceptions module, and more)."""

from ._runtime.errors import (
    ApiAttributeError,
    ApiException,
    ApiKeyError,
    ApiTypeError,
    ApiValueError,
    BadRequestException,
    ConflictException,
    ForbiddenException,
    NotFoundException,
    OpenApiException,
    RequestTimeoutError,
    ServiceException,
    TooManyRequestsException,
    TransportError,
    UnauthorizedException,
    exception_for_status,
    exception_from_response,
)
from ._runtime.model import MissingFieldError

__all__ = [
    "ApiAttributeError",
    "ApiException",
    "ApiKeyError",
    "ApiTypeError",
    "ApiValueError",
    "BadRequestException",
    "ConflictException",
    "ForbiddenException",
    "MissingFieldError",
    "NotFoundException",
    "OpenApiException",
    "RequestTimeoutError",
    "ServiceException",
    "TooManyRequestsException",
    "TransportError",
    "UnauthorizedException",
    "exception_for_status",
    "exception_from_response",
]
