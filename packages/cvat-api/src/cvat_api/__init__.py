"""cvat-api: the generated low-level client of the CVAT REST API.

    from cvat_api import ApiClient, Configuration
    with ApiClient(Configuration(host="http://localhost:8080", access_token="...")) as client:
        about, _ = client.server_api.retrieve_about()

Importing the package is cheap: the HTTP stack, models (`cvat_api.models`) and API classes
(`cvat_api.apis`) load on first use.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from ._generated import OTHER_PINNED_SETS, SCHEMA_SHA256, SCHEMA_VERSION, SUPPORTED_SERVERS
from ._generated import PACKAGE_VERSION as __version__

# A library leaves output to the application: without its logging set up, nothing is printed
# (not even through Python's last-resort handler). Turn it up with logging.basicConfig(level=logging.INFO).
logging.getLogger("cvat_api").addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from . import apis as apis
    from . import exceptions as exceptions
    from . import models as models
    from ._runtime.api_client import ApiClient as ApiClient
    from ._runtime.configuration import Configuration as Configuration
    from ._runtime.model import UNSET as UNSET
    from ._runtime.model import Model as Model
    from ._runtime.model import UnsetType as UnsetType
    from ._runtime.operation import Operation as Operation
    from ._runtime.response import ApiResponse as ApiResponse
    from ._runtime.retry import RetryBudget as RetryBudget
    from ._runtime.retry import RetryPolicy as RetryPolicy
    from ._runtime.retry import Verdict as Verdict

_LAZY = {
    "ApiClient": "._runtime.api_client",
    "ApiResponse": "._runtime.response",
    "Configuration": "._runtime.configuration",
    "Model": "._runtime.model",
    "Operation": "._runtime.operation",
    "RetryBudget": "._runtime.retry",
    "RetryPolicy": "._runtime.retry",
    "Verdict": "._runtime.retry",
    "UNSET": "._runtime.model",
    "UnsetType": "._runtime.model",
}
_SUBMODULES = ("apis", "exceptions", "models")

__all__ = [
    "OTHER_PINNED_SETS",
    "SCHEMA_SHA256",
    "SCHEMA_VERSION",
    "SUPPORTED_SERVERS",
    "__version__",
    *_LAZY,
    *_SUBMODULES,
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(globals()))
