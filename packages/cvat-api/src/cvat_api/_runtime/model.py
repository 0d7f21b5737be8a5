"""Base classes and value helpers that generated models and enums build on."""

from __future__ import annotations

import copy
import datetime
import enum
import numbers
from collections.abc import Mapping
from typing import IO, Any, ClassVar, TypeVar, Union

from .._generated import SCHEMA_VERSION
from . import official
from .errors import ApiArgumentTypeError, ApiAttributeError, ApiFieldError, ApiValueError

T = TypeVar("T", bound="Model")

# A value accepted where the schema says binary: an open binary file (or any object with read()).
FileInput = Union[IO[bytes], bytes]


class UnsetType:
    """The type of UNSET: "not given", as opposed to None ("null")."""

    _instance: ClassVar[UnsetType | None] = None
    __slots__ = ()

    def __new__(cls) -> UnsetType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    def __reduce__(self) -> str:
        return "UNSET"


UNSET = UnsetType()


class MissingFieldError(ApiValueError):
    """A required field was absent from the data a model was built from."""

    def __init__(self, model: str, field: str) -> None:
        self.model = model
        self.field = field
        super().__init__(f"{model}: required field {field!r} is missing")

    def __str__(self) -> str:
        return str(self.args[0])


class OmittedFieldError(ApiAttributeError):
    """A field of a model that the server did not send was read.

    `model`, `field`, `object_id` (the object's id if known) and `omitted_by` (the pinned server
    versions whose schema lacks the field, for a field this build's schema requires; empty for an
    optional field). An AttributeError, as reading an unset field always was.
    """

    def __init__(
        self,
        model: str,
        field: str,
        object_id: Any = None,
        omitted_by: tuple[str, ...] = (),
        *,
        instance: Model | None = None,
    ) -> None:
        self.model = model
        self.field = field
        self._object_id = object_id
        self._omitted_by = omitted_by
        self._instance = instance  # the rest is read from it only when asked: to_dict() meets
        super().__init__(field)  # this error for every unset field, and must stay cheap

    @property
    def object_id(self) -> Any:
        if self._object_id is None and self._instance is not None and self.field != "id":
            return getattr(self._instance, "id", None)
        return self._object_id

    @property
    def omitted_by(self) -> tuple[str, ...]:
        if self._omitted_by or self._instance is None:
            return self._omitted_by
        cls = type(self._instance)
        wire = next((w for w, a in cls._wire_to_attr.items() if a == self.field), self.field)
        return cls._omitted_by.get(wire, ())

    def __str__(self) -> str:
        which = f"{self.model} #{self.object_id}" if self.object_id is not None else self.model
        if self.omitted_by:
            why = (
                f"CVAT {', '.join(self.omitted_by)} does not have it (the schema of this build, "
                f"CVAT {SCHEMA_VERSION}, requires it): the server is probably of such a version"
            )
        else:
            why = "it is optional in the schema, and the server leaves it out when this object has no value for it"
        return f"{which} has no {self.field!r}: the server did not send it; {why}"


class IModelData:
    """Base of the interface classes (`ILabel`, ...): the fields a model declares, for type hints."""

    __slots__ = ()


class Model(official.ModelFacade):
    """Base of every generated model: mapping-style access, equality, repr, copy by dict."""

    __slots__ = ()
    _wire_to_attr: ClassVar[dict[str, str]] = {}
    _attr_names: ClassVar[tuple[str, ...]] = ()
    # required fields (wire names) that servers of other pinned versions may leave out -> those versions
    _omitted_by: ClassVar[dict[str, tuple[str, ...]]] = {}
    additional_properties: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        """Called only when a field is unset: a clear error naming the model, object and field."""
        cls = type(self)
        if name in cls._attr_names:
            raise OmittedFieldError(cls.__name__, name, instance=self)
        raise ApiAttributeError(f"{cls.__name__!r} object has no attribute {name!r}")

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every generated model overrides it
        raise NotImplementedError

    @classmethod
    def from_dict(cls: type[T], src: Mapping[str, Any]) -> T:  # pragma: no cover - overridden
        raise NotImplementedError

    @classmethod
    def coerce(cls: type[T], value: T | Mapping[str, Any]) -> T:
        """The value itself if it is already this model, else a model built from the mapping."""
        if isinstance(value, cls):
            return value
        if isinstance(value, Mapping):
            return cls.from_dict(value)
        raise ApiArgumentTypeError(
            f"{cls.__name__}: expected a {cls.__name__} or a mapping, got {type(value).__name__}"
        )

    @staticmethod
    def _extra_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
        # Keyword names starting with "_" are the official generator's options (_check_type, ...): ignored.
        return {k: v for k, v in kwargs.items() if not k.startswith("_")}

    def _attr(self, key: str) -> str:
        return self._wire_to_attr.get(key, key)

    def __getitem__(self, key: str) -> Any:
        attr = self._attr(key)
        if attr in self._attr_names:
            try:
                return getattr(self, attr)
            except AttributeError:
                raise ApiFieldError(f"{type(self).__name__} has no value for {key!r}") from None
        try:
            return self.additional_properties[key]
        except KeyError:
            raise ApiFieldError(f"{type(self).__name__} has no attribute {key!r}") from None

    def __setitem__(self, key: str, value: Any) -> None:
        attr = self._attr(key)
        if attr in self._attr_names:
            setattr(self, attr, value)
        else:
            self.additional_properties[key] = value

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        attr = self._attr(key)
        if attr in self._attr_names:
            return hasattr(self, attr)
        return key in self.additional_properties

    def get(self, name: str, default: Any = None) -> Any:
        """The field's value, or `default` if it is unset."""
        try:
            return self[name]
        except KeyError:
            return default

    def keys(self) -> list[str]:
        """Wire names of the set fields and additional properties."""
        return list(self.to_dict().keys())

    def __eq__(self, other: object) -> bool:
        """Equal to a model of the same type, or to a mapping, with the same JSON fields
        (`org.contact == {"email": "..."}`)."""
        if type(other) is type(self):
            return bool(self.to_dict() == other.to_dict())  # type: ignore[attr-defined]
        if isinstance(other, Mapping):
            return bool(self.to_dict() == to_jsonable(other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        parts = []
        for attr in self._attr_names:
            try:
                parts.append(f"{attr}={getattr(self, attr)!r}")
            except AttributeError:
                continue
        parts += [f"{k}={v!r}" for k, v in self.additional_properties.items()]
        return f"{type(self).__name__}({', '.join(parts)})"

    def __copy__(self: T) -> T:
        return type(self).from_dict(self.to_dict())

    def __deepcopy__(self: T, memo: dict[int, Any]) -> T:
        return type(self).from_dict(copy.deepcopy(self.to_dict(), memo))


class ApiStrEnum(official.EnumFacade, str, enum.Enum, metaclass=official.ApiEnumMeta):
    """Base of generated string enums: compare equal to their values; unknown values are accepted."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            raise ApiArgumentTypeError(f"{cls.__name__}: expected a str value, got {type(value).__name__}")
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class ApiIntEnum(official.EnumFacade, int, enum.Enum, metaclass=official.ApiEnumMeta):
    """Base of generated integer enums; unknown values are accepted."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int):
            raise ApiArgumentTypeError(f"{cls.__name__}: expected an int value, got {type(value).__name__}")
        member = int.__new__(cls, value)
        member._name_ = f"V_{value}"
        member._value_ = value
        return member

    def __str__(self) -> str:
        return str(self.value)


# What a scalar field takes when a model is built: any real number for a float (numpy's too), any
# integer for an int.
_SCALAR_INPUTS: dict[type, tuple[type, ...]] = {
    str: (str,),
    int: (numbers.Integral,),
    float: (numbers.Real,),
    bool: (bool,),
}


def check_scalar(value: Any, kind: type, where: str) -> Any:
    """The value given for a scalar field, if it is of that type (else ApiArgumentTypeError, which
    is the official client's ApiTypeError)."""
    if type(value) is kind or isinstance(value, _SCALAR_INPUTS[kind]):
        return value
    raise ApiArgumentTypeError(f"{where}: expected {kind.__name__}, got {type(value).__name__}")


def parse_datetime(value: datetime.datetime | str) -> datetime.datetime:
    """ISO 8601 (as CVAT sends it, with a trailing Z) to an aware datetime; datetimes pass through."""
    if isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str):
        raise ApiArgumentTypeError(f"expected a datetime or ISO 8601 text, got {type(value).__name__}")
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return _parse_datetime_slow(value)


def _parse_datetime_slow(value: str) -> datetime.datetime:
    # Python 3.10's fromisoformat takes only 0, 3 or 6 fraction digits
    import re

    m = re.fullmatch(r"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?", value.strip(), re.I)
    if not m:
        raise ApiValueError(f"not an ISO 8601 date-time: {value!r}")
    base, frac, tz = m.groups()
    text = base + ("." + (frac + "000000")[:6] if frac else "")
    if tz:
        tz = "+00:00" if tz.upper() == "Z" else (tz if ":" in tz else tz[:3] + ":" + tz[3:])
        text += tz
    return datetime.datetime.fromisoformat(text)


def parse_date(value: datetime.date | str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def dump_temporal(value: Any) -> Any:
    """A datetime or date as ISO 8601 text (UTC shown as Z); anything else unchanged."""
    if isinstance(value, datetime.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def dump_model(value: Any) -> Any:
    """A model as its JSON dict; a plain mapping (already JSON-like) unchanged."""
    if isinstance(value, Model):
        return value.to_dict()
    return value


def json_default(value: Any) -> Any:
    """`json.dumps(default=...)`: models, mappings, enums, dates and sets as JSON data."""
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return dump_temporal(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def to_jsonable(value: Any) -> Any:
    """Any mix of models, mappings, sequences, enums and dates as plain JSON data."""
    if isinstance(value, Model):
        value = value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return dump_temporal(value)
    return value
