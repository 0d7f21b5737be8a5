"""The public surface of the installed `cvat_sdk`/`cvat_cli`, as a flat listing (stdlib only, so that
it runs in a venv holding nothing but the official packages).

Each entry maps a dotted path (`cvat_sdk.api_client.model.label.Label.allowed_values`) to what a
caller sees there: its kind, a signature for callables, a value for plain data, the bases of an
exception class, the fields an interface class declares, the keyword arguments an API operation
accepts. `describe()` gives the same description for one path of the running packages, so that the
listing of the official packages can be compared path by path with ours.
"""

from __future__ import annotations

import builtins
import enum
import importlib
import inspect
import pkgutil
import sys
import types
from typing import Any

ROOTS = ("cvat_sdk", "cvat_cli")
PROJECTS = ("cvat_sdk", "cvat_cli", "cvat_api")
# Private names that callers of the official package use all the same.
PRIVATE_KEPT = frozenset({"_from_openapi_data", "__version__"})
OFFLINE_HOST = "http://127.0.0.1:9"  # the discard port: nothing listens, nothing is sent anywhere


def is_public(name: str) -> bool:
    return not name.startswith("_") or name in PRIVATE_KEPT


def _project(obj: Any) -> str | None:
    module = obj.__name__ if isinstance(obj, types.ModuleType) else getattr(obj, "__module__", None)
    if not isinstance(module, str):
        return None
    top = module.split(".")[0]
    return top if top in PROJECTS else None


def plain(value: Any, depth: int = 0) -> Any:
    """A JSON form of plain data (dict keys as their repr if not strings), or None if not plain."""
    if value is None or isinstance(value, (bool, int, float, str)) and not isinstance(value, enum.Enum):
        return value
    if depth > 6:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v, depth + 1) for v in value]
        if any(i is None and v is not None for i, v in zip(items, value, strict=True)):
            return None
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if type(value) is dict:
        out = {}
        for k, v in value.items():
            pv = plain(v, depth + 1)
            if pv is None and v is not None:
                return None
            out[k if isinstance(k, str) else repr(k)] = pv
        return out
    return None


def signature(fn: Any) -> list[list[Any]] | None:
    """Parameters as [name, kind, has_default, default (if plain)]; None if not inspectable."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    params = []
    for p in sig.parameters.values():
        has_default = p.default is not inspect.Parameter.empty
        params.append([p.name, p.kind.name, has_default, plain(p.default) if has_default else None])
    return params


def class_kind(cls: type) -> str:
    if issubclass(cls, BaseException):
        return "exception"
    if issubclass(cls, enum.Enum):
        return "enum"
    return "class"


def describe_value(value: Any, *, owner: type | None = None, name: str = "") -> dict[str, Any]:
    """The description of a module attribute (owner None) or a class member."""
    if owner is not None:
        static = inspect.getattr_static(owner, name)
        if isinstance(static, staticmethod):
            return {"kind": "staticmethod", "sig": signature(value)}
        if isinstance(static, classmethod):
            return {"kind": "classmethod", "sig": signature(value)}
        if isinstance(static, types.FunctionType):
            return {"kind": "method", "sig": signature(static)}
        if isinstance(static, property):
            return {"kind": "property"}
    if isinstance(value, types.ModuleType):
        return {"kind": "module"}
    if isinstance(value, type):
        out: dict[str, Any] = {"kind": class_kind(value)}
        if out["kind"] == "exception":
            out["bases"] = sorted(
                _path_of(b) for b in value.__mro__[1:] if b.__module__ != "builtins" or b is not object
            )
        return out
    if callable(value) and isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return {"kind": "function", "sig": signature(value)}
    out = {"kind": "data", "type": type(value).__name__}
    pv = plain(value)
    if pv is not None or value is None:
        out["value"] = pv
    return out


def _path_of(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _annotations(cls: type) -> list[str]:
    names: set[str] = set()
    for klass in cls.__mro__:
        names.update(k for k in vars(klass).get("__annotations__", {}) if is_public(k))
    return sorted(names)


def _operation_params(api_cls: type) -> dict[str, list[str]]:
    """Official API classes: the keyword arguments each operation accepts (from its endpoint)."""
    from cvat_sdk.api_client import ApiClient, Configuration  # type: ignore[attr-defined,unused-ignore]

    try:
        instance = api_cls(ApiClient(Configuration(host=OFFLINE_HOST)))
    except Exception:  # noqa: BLE001 - not an official-style API class
        return {}
    out = {}
    for name, value in vars(instance).items():
        params_map = getattr(value, "params_map", None) if name.endswith("_endpoint") else None
        if isinstance(params_map, dict):
            out[name[: -len("_endpoint")]] = sorted(params_map.get("all", []))
    return out


def walk() -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Every public path under ROOTS, and the modules that could not be imported (with why)."""
    listing: dict[str, dict[str, Any]] = {}
    broken: dict[str, str] = {}
    for root in ROOTS:
        package = importlib.import_module(root)
        names = [root] + [
            m.name
            for m in pkgutil.walk_packages(package.__path__, root + ".", onerror=lambda n: None)
            if all(is_public(part) or part == "__main__" for part in m.name.split("."))
        ]
        for modname in sorted(names):
            if modname.endswith(".__main__"):
                continue
            try:
                module = importlib.import_module(modname)
            except Exception as e:  # noqa: BLE001 - optional dependencies (torch, numpy) may be absent
                broken[modname] = f"{type(e).__name__}: {e}"
                continue
            listing[modname] = {"kind": "module"}
            _walk_module(module, modname, listing)
    return listing, broken


def _walk_module(module: types.ModuleType, modname: str, listing: dict[str, dict[str, Any]]) -> None:
    is_package = hasattr(module, "__path__")
    exported = set(getattr(module, "__all__", ()))
    for name, value in sorted(vars(module).items()):
        if not is_public(name) or name == "TYPE_CHECKING":
            continue
        path = f"{modname}.{name}"
        if isinstance(value, types.ModuleType):
            if value.__name__ == path:
                listing[path] = {"kind": "module"}
            continue
        project = _project(value)
        defined_here = getattr(value, "__module__", None) == modname
        if isinstance(value, (type, types.FunctionType)) or callable(value):
            if project is None or not (defined_here or is_package or name in exported):
                continue
        elif name not in exported and plain(value) is None:
            continue
        entry = describe_value(value)
        if isinstance(value, type) and not defined_here:
            entry["alias_of"] = _path_of(value)
        listing[path] = entry
        if isinstance(value, type) and defined_here:
            _walk_class(value, path, listing)


def _walk_class(cls: type, path: str, listing: dict[str, dict[str, Any]]) -> None:
    fields = [n for n in vars(cls).get("__annotations__", {}) if is_public(n)]
    if fields:
        listing[path]["fields"] = sorted(fields)
    if cls.__name__.endswith("Api") and _project(cls) == "cvat_sdk":
        listing[path]["operations"] = _operation_params(cls)
    for name in sorted(vars(cls)):
        if not (is_public(name) or name == "__init__"):
            continue
        if name == "__init__" and not isinstance(vars(cls)[name], types.FunctionType):
            continue
        try:
            value = getattr(cls, name)
        except Exception as e:  # noqa: BLE001
            listing[f"{path}.{name}"] = {"kind": "error", "error": type(e).__name__}
            continue
        if isinstance(value, enum.Enum) and isinstance(cls, enum.EnumMeta):
            listing[f"{path}.{name}"] = {"kind": "member", "value": plain(value.value)}
            continue
        listing[f"{path}.{name}"] = describe_value(value, owner=cls, name=name)


def resolve(path: str) -> tuple[Any, type | None, str]:
    """The object at a dotted path of the running packages: (object, owning class or None, last name).

    Raises LookupError naming the first part that is missing."""
    parts = path.split(".")
    if parts[0] == "builtins":
        return getattr(builtins, parts[1]), None, parts[1]
    obj: Any = importlib.import_module(parts[0])
    owner: type | None = None
    for i, part in enumerate(parts[1:], start=1):
        prefix = ".".join(parts[:i])
        if isinstance(obj, types.ModuleType):
            try:
                nxt = getattr(obj, part)
            except AttributeError:
                try:
                    nxt = importlib.import_module(f"{prefix}.{part}")
                except ImportError:
                    raise LookupError(f"{prefix} has no {part!r}") from None
                if not hasattr(obj, part):
                    # importable, but not an attribute of its package until imported
                    raise LookupError(f"{prefix}.{part} is not an attribute of {prefix}") from None
            owner = None
        else:
            try:
                nxt = getattr(obj, part)
            except Exception:  # noqa: BLE001 - any failure to read is "missing" to a caller
                raise LookupError(f"{prefix} has no {part!r}") from None
            owner = obj if isinstance(obj, type) else None
        obj = nxt
    return obj, owner, parts[-1]


def describe(path: str) -> dict[str, Any]:
    """The description of one path of the running packages, as `walk()` would list it."""
    obj, owner, name = resolve(path)
    if isinstance(owner, enum.EnumMeta) and isinstance(obj, enum.Enum):
        return {"kind": "member", "value": plain(obj.value)}
    entry = describe_value(obj, owner=owner, name=name)
    if isinstance(obj, type):
        entry["fields"] = _annotations(obj)
        entry["path"] = _path_of(obj)
    return entry


if __name__ == "__main__":  # pragma: no cover - used through tools/surface/main.py
    sys.exit("run tools/surface/main.py")
