"""cvat-sdk: a typed, fast Python SDK for CVAT, compatible with the official cvat-sdk 2.42.

    from cvat_sdk import make_client
    with make_client("http://localhost:8080", credentials=("user", "password")) as client:
        task = client.tasks.retrieve(1)

Importing is cheap: the client, models and HTTP stack load on first use.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from .version import VERSION as __version__

# A library leaves output to the application: without its logging set up, nothing is printed
# (not even through Python's last-resort handler). Turn it up with logging.basicConfig(level=logging.INFO).
logging.getLogger("cvat_sdk").addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from . import models as models
    from .core.client import Client as Client
    from .core.client import Config as Config
    from .core.client import make_client as make_client

_LAZY = {"Client": "cvat_sdk.core.client", "Config": "cvat_sdk.core.client", "make_client": "cvat_sdk.core.client"}

__all__ = ["Client", "Config", "__version__", "make_client", "models"]


def __getattr__(name: str) -> Any:
    if name == "models":
        return importlib.import_module("cvat_sdk.models")
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(globals()))
