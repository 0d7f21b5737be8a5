"""Turning call arguments into an HTTP request: path, query string, JSON or multipart body."""

from __future__ import annotations

import datetime
import enum
import json
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .errors import ApiArgumentTypeError, ApiTypeError, ApiValueError
from .model import Model, dump_temporal, json_default, to_jsonable

JSON = "application/json"
MULTIPART = "multipart/form-data"


def expand_path(template: str, params: Mapping[str, Any], op_id: str, int_params: tuple[str, ...] = ()) -> str:
    values = {}
    for name, value in params.items():
        if value is None:
            raise ApiValueError(f"{op_id}: path parameter {name!r} must not be None")
        if name in int_params and not (
            isinstance(value, int) and not isinstance(value, bool) or isinstance(value, str) and value.isdecimal()
        ):
            raise ApiArgumentTypeError(f"{op_id}: path parameter {name!r} must be an integer, not {value!r}")
        values[name] = quote(str(scalar(value)), safe="")
    return template.format(**values)


def scalar(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return dump_temporal(value)
    return value


def query_pairs(params: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Query parameters with None dropped, enums and booleans as text, lists repeated."""
    pairs: list[tuple[str, Any]] = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((name, scalar(v)) for v in value)
        else:
            pairs.append((name, scalar(value)))
    return pairs


def header_values(params: Mapping[str, Any]) -> dict[str, str]:
    """Header parameters with None dropped and booleans as `true`/`false`."""
    return {name: str(scalar(value)) for name, value in params.items() if value is not None}


def is_file(value: Any) -> bool:
    return hasattr(value, "read") and callable(value.read)


def body_as_data(body: Any, op_id: str = "") -> Any:
    """A body given as a model or mapping, as JSON-like data (files left as they are)."""
    if isinstance(body, Model):
        return body.to_dict()
    if not isinstance(body, (Mapping, list, tuple, str, bytes)) and not is_file(body):
        raise ApiArgumentTypeError(f"{op_id}: the body must be a model or a mapping, not {type(body).__name__}")
    return body


def contains_file(data: Any) -> bool:
    if is_file(data):
        return True
    if isinstance(data, Mapping):
        return any(contains_file(v) for v in data.values())
    if isinstance(data, (list, tuple)):
        return any(contains_file(v) for v in data)
    return False


def choose_content_type(accepted: tuple[str, ...], data: Any, requested: str | None, op_id: str) -> str:
    """JSON unless the caller asked otherwise, the body holds files, or JSON is not accepted."""
    if requested:
        base = requested.split(";", 1)[0].strip()
        if accepted and base not in accepted:
            raise ApiValueError(f"{op_id}: content type {base!r} is not accepted (accepted: {', '.join(accepted)})")
        return base
    if contains_file(data):
        if MULTIPART not in accepted:
            raise ApiTypeError(f"{op_id}: the body holds files but the operation does not take multipart data")
        return MULTIPART
    if not accepted or JSON in accepted:
        return JSON
    return accepted[0]


def encode_json(data: Any) -> bytes:
    """JSON in one pass: models, enums and dates are converted as the encoder meets them."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, default=json_default).encode("utf-8")


def encode_multipart(data: Any, op_id: str) -> tuple[list[tuple[str, str]], list[tuple[str, tuple[str, Any]]]]:
    """Form fields and files for `requests`: lists as `name[i]`, nested objects as JSON text."""
    if not isinstance(data, Mapping):
        raise ApiTypeError(f"{op_id}: a multipart body must be a model or a mapping")
    fields: list[tuple[str, str]] = []
    files: list[tuple[str, tuple[str, Any]]] = []

    def add(name: str, value: Any) -> None:
        if value is None:
            return
        if is_file(value):
            files.append((name, (os.path.basename(str(getattr(value, "name", name))), value)))
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                add(f"{name}[{i}]", item)
        elif isinstance(value, (Mapping, Model)):
            fields.append((name, json.dumps(to_jsonable(value))))
        else:
            fields.append((name, str(scalar(value))))

    for key, value in data.items():
        add(str(key), value)
    return fields, files
