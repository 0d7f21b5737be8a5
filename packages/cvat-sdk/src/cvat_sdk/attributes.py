"""Attribute helpers: value validators per input type, `values` for number attributes, value lists."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from cvat_api import models

__all__ = ["attribute_vals_from_dict", "attribute_value_validator", "number_attribute_values"]


class AttributeSpec(Protocol):
    """What a validator needs of an attribute (AttributeRequest, Attribute, ...)."""

    @property
    def input_type(self) -> object: ...

    @property
    def values(self) -> Sequence[str]: ...


def _checkbox(values: Sequence[str]) -> Callable[[str], bool]:
    return lambda value: value in ("true", "false")


def _number(values: Sequence[str]) -> Callable[[str], bool]:
    if len(values) != 3:
        raise ValueError(f"wrong number of values: expected 3, got {len(values)}")
    try:
        low, high, step = (int(v) for v in values)
    except (TypeError, ValueError) as e:
        raise ValueError("values could not be converted to integers") from e
    try:
        number_attribute_values(low, high, step)
    except ValueError as e:
        raise ValueError(f"invalid values: {e}") from e

    def valid(value: str) -> bool:
        try:
            number = int(value)
        except (TypeError, ValueError):
            return False
        return low <= number <= high and (number - low) % step == 0

    return valid


def _select(values: Sequence[str]) -> Callable[[str], bool]:
    if len(values) == 0:
        raise ValueError("empty list of allowed values")
    allowed = frozenset(values)
    return lambda value: value in allowed


def _text(values: Sequence[str]) -> Callable[[str], bool]:
    return lambda value: True


_VALIDATORS: dict[str, Callable[[Sequence[str]], Callable[[str], bool]]] = {
    "checkbox": _checkbox,
    "number": _number,
    "radio": _select,
    "select": _select,
    "text": _text,
}


def attribute_value_validator(spec: AttributeSpec) -> Callable[[str], bool]:
    """A predicate telling whether a value (a string) suits an attribute with this spec.

    checkbox: "true" or "false"; number: an integer in [min, max] on the step grid of
    `values` = [min, max, step]; radio and select: one of `values`; text: anything.
    Raises ValueError when `values` do not fit the input type (or the type is unknown).
    """
    input_type = str(getattr(spec.input_type, "value", spec.input_type))
    try:
        factory = _VALIDATORS[input_type]
    except KeyError:
        raise ValueError(f"unknown attribute input type {input_type!r}") from None
    return factory(list(spec.values))


def number_attribute_values(min_value: int, max_value: int, /, step: int = 1) -> list[str]:
    """The `values` of a number attribute: [str(min), str(max), str(step)], checked for consistency."""
    if min_value > max_value:
        raise ValueError("min_value must be less than or equal to max_value")
    if step <= 0:
        raise ValueError("step must be positive")
    if (max_value - min_value) % step != 0:
        raise ValueError("step must be a divisor of max_value - min_value")
    return [str(min_value), str(max_value), str(step)]


def _value_text(value: str | int | bool) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return str(int(value))
    raise TypeError(f"unexpected attribute value {value!r} of type {type(value).__name__}; expected str, int or bool")


def attribute_vals_from_dict(id_to_value: Mapping[int, str | int | bool], /) -> list[models.AttributeValRequest]:
    """AttributeValRequest objects from {attribute id: value}; True/False become "true"/"false",
    integers their decimal text (the forms checkbox and number attributes take)."""
    from cvat_api import models

    return [models.AttributeValRequest(spec_id=k, value=_value_text(v)) for k, v in id_to_value.items()]
