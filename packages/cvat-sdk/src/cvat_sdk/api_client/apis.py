"""`cvat_sdk.api_client.apis`: the cvat-api API classes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import cvat_api.apis as _apis

if TYPE_CHECKING:
    from cvat_api.apis import *  # noqa: F403

__all__ = list(_apis.__all__)


def __getattr__(name: str) -> Any:
    return getattr(_apis, name)
