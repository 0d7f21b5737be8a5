"""Every model and enum of the CVAT API by its schema name (the cvat-api models, not a copy).

from cvat_sdk.models import TaskWriteRequest
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import cvat_api.models as _models

if TYPE_CHECKING:
    from cvat_api.models import *  # noqa: F403

__all__ = list(_models.__all__)


def __getattr__(name: str) -> Any:
    return getattr(_models, name)


def __dir__() -> list[str]:
    return __all__
