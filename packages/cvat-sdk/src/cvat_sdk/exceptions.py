"""Exceptions, by the official package's names: every cvat-api exception and the SDK's own base."""

from cvat_api.exceptions import *  # noqa: F403 - the same names, re-exported
from cvat_api.exceptions import __all__ as _api_names

from .core.exceptions import CvatSdkException

__all__ = [*_api_names, "CvatSdkException"]
