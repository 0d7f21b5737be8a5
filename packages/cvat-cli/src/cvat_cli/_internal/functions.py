"""The description of a local auto-annotation function that `function create-native` sends.

(Loading functions, and their `--function-module/--function-file/-p` options, are shared with
`task auto-annotate` in `auto_annotate.py`.)"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import CliError


def native_function_request(name: str, spec: Any) -> dict[str, Any]:
    """The body of `POST /api/functions` for a native function with this spec.

    A detection spec (with `labels`) is a "detector" described by `labels_v2`; a tracking spec
    (with `supported_shape_types`) is a "tracker".
    """
    body: dict[str, Any] = {"provider": "native", "name": name}
    if hasattr(spec, "labels"):
        body["kind"] = "detector"
        body["labels_v2"] = [_label(label) for label in spec.labels]
    elif hasattr(spec, "supported_shape_types"):
        body["kind"] = "tracker"
        body["supported_shape_types"] = sorted(_plain(t) for t in spec.supported_shape_types)
    else:
        raise CliError(f"the function's spec is neither a detection nor a tracking spec: {type(spec).__name__}")
    return body


def _label(label: Any) -> dict[str, Any]:
    data = _as_dict(label)
    out: dict[str, Any] = {"name": data["name"], "attributes": [_attribute(a) for a in data.get("attributes") or []]}
    label_type = _plain(data.get("type") or "any")
    if label_type != "any":
        out["type"] = label_type
    if data.get("sublabels"):
        out["sublabels"] = [_label(s) for s in data["sublabels"]]
    return out


def _attribute(attribute: Any) -> dict[str, Any]:
    data = _as_dict(attribute)
    return {"name": data["name"], "input_type": _plain(data["input_type"]), "values": list(data.get("values") or [])}


def _as_dict(value: Any) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    to_dict = getattr(value, "to_dict", None)
    if to_dict is None:
        raise CliError(f"the function's spec holds an unexpected {type(value).__name__}")
    result: Mapping[str, Any] = to_dict()
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(v) for v in value]
    return value
