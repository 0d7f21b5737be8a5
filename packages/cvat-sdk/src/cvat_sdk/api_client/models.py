"""`cvat_sdk.api_client.models`: the cvat-api models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import cvat_api.models as _models

if TYPE_CHECKING:
    from cvat_api.models import *  # noqa: F403

__all__ = list(_models.__all__)


def __getattr__(name: str) -> Any:
    return getattr(_models, name)
