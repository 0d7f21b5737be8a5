"""Import aliases: `cvat_sdk.api_client.model.<name>` is the module `cvat_api.models.<name>` itself,
and `cvat_sdk.api_client.api.<tag>_api` is `cvat_api.apis.<tag>_api` (one module object under two
names, so classes are identical whichever path imported them)."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType


class ModuleAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves `<alias>.<name>` to the already existing module `<target>.<name>`."""

    def __init__(self, alias: str, target: str) -> None:
        self.alias = alias
        self.target = target

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        prefix = self.alias + "."
        if not fullname.startswith(prefix) or "." in fullname[len(prefix) :]:
            return None
        if importlib.util.find_spec(self._real_name(fullname)) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self._real_name(spec.name))

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the real module was imported by `create_module`."""

    def _real_name(self, fullname: str) -> str:
        return self.target + fullname[len(self.alias) :]


def install(alias: str, target: str) -> None:
    """Make `alias.<name>` import `target.<name>` (once per alias)."""
    if not any(isinstance(f, ModuleAliasFinder) and f.alias == alias for f in sys.meta_path):
        sys.meta_path.append(ModuleAliasFinder(alias, target))


def submodule_getattr(package: str) -> Callable[[str], ModuleType]:
    """A module `__getattr__` that imports `package.<name>` on first access (`model.label` works
    without `import cvat_sdk.api_client.model.label`, as in the official package)."""

    def __getattr__(name: str) -> ModuleType:
        if name.startswith("__"):
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        try:
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{package}.{name}":
                raise
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None

    return __getattr__
