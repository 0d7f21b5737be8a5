"""The high-level API: Client, entities and repositories, transfers, progress.

`Client`, `Config` and `make_client` are here too (as in the official package), loaded on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cvat_api._runtime.lazy import lazy_module_attrs

from ..version import VERSION as __version__

if TYPE_CHECKING:
    from .client import Client as Client
    from .client import Config as Config
    from .client import make_client as make_client

__all__ = ["Client", "Config", "__version__", "make_client"]

__getattr__, __dir__ = lazy_module_attrs(__name__, {"Client": "client", "Config": "client", "make_client": "client"})
