"""Argument value types: argparse `type=` functions with clear messages for bad values."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

_TRUE = frozenset({"true", "t", "yes", "y", "on", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "off", "0"})


def parse_bool(text: str) -> bool:
    """true/yes/on/1 or false/no/off/0 (any case), as the official CLI's --with-images accepts."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"expected a boolean (true/false, yes/no, on/off, 1/0), got {text!r}")


def parse_auth(text: str) -> tuple[str, str | None]:
    """`USER[:PASS]` -> (user, password or None when not given)."""
    user, sep, password = text.partition(":")
    if not user:
        raise argparse.ArgumentTypeError("expected USER or USER:PASS, with a non-empty user name")
    return user, (password if sep and password else None)


def parse_labels(text: str) -> list[dict[str, Any]]:
    """A JSON list of label specifications, given inline or as the path of a JSON file."""
    if os.path.isfile(text):
        try:
            with open(text, encoding="utf-8") as f:
                source = f.read()
        except OSError as e:
            raise argparse.ArgumentTypeError(f"cannot read the labels file {text!r}: {e.strerror}") from None
        where = f"the labels file {text!r}"
    else:
        source, where = text, "the value"
    try:
        labels = json.loads(source)
    except ValueError as e:
        hint = "" if where != "the value" else " (and no file has this name)"
        raise argparse.ArgumentTypeError(f"{where} is not valid JSON{hint}: {e}") from None
    if not isinstance(labels, list) or not all(isinstance(label, dict) for label in labels):
        raise argparse.ArgumentTypeError(f'{where} must be a JSON list of label objects, e.g. \'[{{"name": "car"}}]\'')
    return labels


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("expected a number >= 1, got 0")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text}")
    return value
