"""Module-level lazy attributes: a generated package imports a class's module on first access."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


def lazy_module_attrs(package: str, modules: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`, whose names live in the submodules `modules` maps to."""

    def __getattr__(name: str) -> Any:
        try:
            submodule = modules[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{package}.{submodule}"), name)
        setattr(sys.modules[package], name, value)  # later lookups are plain attribute hits
        return value

    def __dir__() -> list[str]:
        return sorted(set(modules) | set(vars(sys.modules[package])))

    return __getattr__, __dir__
