"""Exceptions, by the official package's names: the low-level ones and the SDK's own."""

from cvat_api.exceptions import (
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
)

from .core.exceptions import CvatSdkException

__all__ = [
    "ApiAttributeError",
    "ApiException",
    "ApiKeyError",
    "ApiTypeError",
    "ApiValueError",
    "BadRequestException",
    "ConflictException",
    "CvatSdkException",
    "ForbiddenException",
    "NotFoundException",
    "OpenApiException",
    "RequestTimeoutError",
    "ServiceException",
    "TooManyRequestsException",
    "TransportError",
    "UnauthorizedException",
]
