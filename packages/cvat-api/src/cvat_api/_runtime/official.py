"""The class-level names that the official generator gives every model and enum (`attribute_map`,
`allowed_values`, `openapi_types`, `_from_openapi_data`, ...), computed on first use from what the
generated class already holds, so that generated modules stay as they are and import stays cheap."""

from __future__ import annotations

import datetime
import enum
import typing
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from .errors import ApiTypeError

T = TypeVar("T")
_NO_VALUE = object()
# What the official generator accepts as an additional property of any model.
ANY_VALUE_TYPES = (bool, datetime.date, datetime.datetime, dict, float, int, list, str, type(None))


class class_value(Generic[T]):  # noqa: N801 - used as a decorator, like property
    """A read-only class attribute computed once per class."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute = compute
        self.__doc__ = compute.__doc__
        self.values: dict[type, T] = {}

    def __get__(self, obj: object, cls: type) -> T:
        try:
            return self.values[cls]
        except KeyError:
            value = self.values[cls] = self.compute(cls)
            return value


def _public_kwargs(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    # keyword names starting with "_" are the official generator's options (_check_type, ...)
    return {k: v for k, v in kwargs.items() if not k.startswith("_")}


class _LazyModels(Mapping[str, Any]):
    """Names of `cvat_api.models` (loaded on lookup), for evaluating annotations."""

    def __getitem__(self, name: str) -> Any:
        from .. import models

        try:
            return getattr(models, name)
        except AttributeError:
            raise KeyError(name) from None

    def __iter__(self) -> typing.Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class _Facade:
    """What the official models and enums both have, and that is empty here."""

    __slots__ = ()
    discriminator = None

    @class_value
    def validations(cls: Any) -> dict[tuple[str, ...], dict[str, Any]]:
        """Length and range limits of fields: not kept here (the server checks them)."""
        return {}

    @class_value
    def read_only_vars(cls: Any) -> set[str]:
        """Fields only the server sets: not kept here (the server ignores them in requests)."""
        return set()


class ModelFacade(_Facade):
    """What the official `ModelNormal` has beyond mapping access (mixed into `Model`)."""

    __slots__ = ()
    _wire_to_attr: typing.ClassVar[dict[str, str]]
    _attr_names: typing.ClassVar[tuple[str, ...]]
    additional_properties_type = ANY_VALUE_TYPES

    @class_value
    def attribute_map(cls: Any) -> dict[str, str]:
        """Python name -> JSON name of each field."""
        wire = {attr: key for key, attr in cls._wire_to_attr.items()}
        return {attr: wire.get(attr, attr) for attr in cls._attr_names}

    @class_value
    def allowed_values(cls: Any) -> dict[tuple[str, ...], dict[str, Any]]:
        """Enumerated values of fields: none here (enum-typed fields use the enum classes)."""
        return {}

    @class_value
    def openapi_types(cls: Any) -> dict[str, tuple[Any, ...]]:
        """Python name -> (type,) of each field, from the class's annotations."""
        try:
            hints = typing.get_type_hints(cls, localns=_LazyModels())  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - best effort: a name this build cannot resolve
            hints = {}
        return {attr: (hints.get(attr, object),) for attr in cls._attr_names}

    @classmethod
    def _from_openapi_data(cls: Any, *args: Any, **kwargs: Any) -> Any:
        """A model from server data: required fields by position or name, the rest by JSON or
        Python name (the official generator's constructor for deserialized data)."""
        required = _required_params(cls)
        if len(args) > len(required):
            raise ApiTypeError(f"{cls.__name__}: {len(args)} positional arguments, at most {len(required)} taken")
        data = dict(zip(required, args, strict=False))
        wire = cls.attribute_map  # type: ignore[attr-defined]
        for key, value in _public_kwargs(kwargs).items():
            data[wire.get(key, key)] = value
        return cls.from_dict(data)  # type: ignore[attr-defined]

    def _reject_positional(self, args: tuple[Any, ...]) -> None:
        raise ApiTypeError(
            f"{type(self).__name__}: {len(args)} positional argument(s) too many; give optional fields by keyword"
        )

    def to_str(self) -> str:
        """The JSON form, pretty-printed."""
        import pprint

        return pprint.pformat(self.to_dict())  # type: ignore[attr-defined]


def _required_params(cls: type) -> list[str]:
    """JSON names of the constructor's positional (required) fields."""
    import inspect

    wire = cls.attribute_map  # type: ignore[attr-defined]
    params = inspect.signature(cls).parameters.values()
    return [wire.get(p.name, p.name) for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]


class ApiEnumMeta(enum.EnumMeta):
    """Enum classes whose construction without a value raises ApiTypeError (as the official's)."""

    def __call__(cls, value: Any = _NO_VALUE, *args: Any, **kwargs: Any) -> Any:
        if value is _NO_VALUE:
            raise ApiTypeError(f"{cls.__name__}: a value is required")
        return super().__call__(value, *args, **kwargs)


class EnumFacade(_Facade):
    """What the official `ModelSimple` enums have beyond their value (mixed into the enum bases)."""

    __slots__ = ()
    additional_properties_type = None
    value: Any

    @class_value
    def allowed_values(cls: Any) -> dict[tuple[str, ...], dict[str, Any]]:
        """{("value",): {VALUE: value}} for the values this build knows (keys in capitals)."""
        return {("value",): {str(m.value).upper().replace(" ", "_"): m.value for m in cls.__members__.values()}}

    @class_value
    def attribute_map(cls: Any) -> dict[str, str]:
        return {}

    @class_value
    def openapi_types(cls: Any) -> dict[str, tuple[Any, ...]]:
        members = list(cls.__members__.values())
        return {"value": (type(members[0].value) if members else str,)}

    @classmethod
    def _from_openapi_data(cls: Any, *args: Any, **kwargs: Any) -> Any:
        """The member for a server value (given by position or as `value=`)."""
        value = args[0] if args else kwargs.get("value", _NO_VALUE)
        return cls(value)

    def get(self, name: str, default: Any = None) -> Any:
        """`value` for "value", else `default` (the official simple models' mapping access)."""
        return self.value if name == "value" else default

    def to_str(self) -> str:
        return str(self.value)
