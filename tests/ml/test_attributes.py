"""cvat_sdk.attributes: validators for every input type, number values, value lists (no server)."""

from __future__ import annotations

import pytest
from cvat_sdk import models
from cvat_sdk.attributes import attribute_vals_from_dict, attribute_value_validator, number_attribute_values


def spec(input_type: str, values: list[str]) -> models.AttributeRequest:
    return models.AttributeRequest(name="a", mutable=False, input_type=input_type, values=values)


def test_checkbox() -> None:
    valid = attribute_value_validator(spec("checkbox", []))
    assert valid("true") and valid("false")
    assert not valid("True") and not valid("1") and not valid("")


def test_number() -> None:
    valid = attribute_value_validator(spec("number", ["-4", "8", "3"]))
    assert [v for v in range(-6, 11) if valid(str(v))] == [-4, -1, 2, 5, 8]
    assert not valid("x") and not valid("2.0") and not valid("")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["1", "2"], "wrong number of values: expected 3, got 2"),
        (["a", "2", "1"], "values could not be converted to integers"),
        (["5", "1", "1"], "invalid values: min_value must be less than or equal to max_value"),
        (["0", "4", "0"], "invalid values: step must be positive"),
        (["0", "5", "2"], "invalid values: step must be a divisor of max_value - min_value"),
    ],
)
def test_number_with_inconsistent_values(values: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        attribute_value_validator(spec("number", values))


@pytest.mark.parametrize("input_type", ["radio", "select"])
def test_radio_and_select(input_type: str) -> None:
    valid = attribute_value_validator(spec(input_type, ["a", "b"]))
    assert valid("a") and valid("b") and not valid("c")
    with pytest.raises(ValueError, match="empty list of allowed values"):
        attribute_value_validator(spec(input_type, []))


def test_text_and_server_models() -> None:
    assert attribute_value_validator(spec("text", ["anything"]))("whatever")
    server_attr = models.Attribute.from_dict(
        {"id": 1, "name": "n", "mutable": True, "input_type": "number", "values": ["0", "2", "1"], "default_value": "0"}
    )
    assert attribute_value_validator(server_attr)("2")


def test_unknown_input_type() -> None:
    with pytest.raises(ValueError, match="unknown attribute input type 'slider'"):
        attribute_value_validator(spec("slider", []))


def test_number_attribute_values() -> None:
    assert number_attribute_values(0, 10) == ["0", "10", "1"]
    assert number_attribute_values(-5, 5, 5) == ["-5", "5", "5"]
    with pytest.raises(ValueError, match="min_value must be less than or equal to max_value"):
        number_attribute_values(2, 1)
    with pytest.raises(ValueError, match="step must be positive"):
        number_attribute_values(0, 1, 0)
    with pytest.raises(ValueError, match="step must be a divisor"):
        number_attribute_values(0, 5, 2)


def test_attribute_vals_from_dict() -> None:
    vals = attribute_vals_from_dict({1: True, 2: False, 3: 7, 4: "x"})
    assert [(v.spec_id, v.value) for v in vals] == [(1, "true"), (2, "false"), (3, "7"), (4, "x")]
    assert all(isinstance(v, models.AttributeValRequest) for v in vals)
    with pytest.raises(TypeError, match="unexpected attribute value 1.5"):
        attribute_vals_from_dict({1: 1.5})  # type: ignore[dict-item]
