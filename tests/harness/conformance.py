"""Check every JSON request body the SDK sends against the pinned OpenAPI schema's request schema."""

from __future__ import annotations

import functools
import json
import re
from typing import Any
from urllib.parse import urlsplit

import cvat_api
import jsonschema

from codegen.source import load_pinned


class SchemaViolation(AssertionError):
    """A request body the server's schema would reject."""


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects to JSON Schema: `nullable` becomes a null alternative."""
    if isinstance(node, list):
        return [_to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: _to_json_schema(v)
        for k, v in node.items()
        if k not in ("nullable", "readOnly", "writeOnly", "example", "discriminator")
    }
    if node.get("format") == "binary":
        return {}  # files are not JSON
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


@functools.lru_cache(maxsize=1)
def _index() -> tuple[list[tuple[re.Pattern[str], str, dict[str, Any]]], dict[str, Any]]:
    doc = load_pinned(cvat_api.SCHEMA_VERSION).document  # the schema of the build under test
    components = _to_json_schema(doc.get("components", {}).get("schemas", {}))
    routes = []
    for path, item in doc["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
        for method, op in item.items():
            if isinstance(op, dict) and "requestBody" in op:
                content = op["requestBody"].get("content", {})
                schema = (content.get("application/json") or {}).get("schema")
                if schema is not None:
                    routes.append((pattern, method.upper(), _to_json_schema(schema)))
    return routes, {"components": {"schemas": components}}


def check_request(method: str, url: str, content_type: str | None, body: Any) -> None:
    """Raise SchemaViolation if a JSON body does not fit the operation's request schema."""
    if not body or not content_type or "json" not in content_type:
        return
    path = urlsplit(url).path
    routes, root = _index()
    for pattern, m, schema in routes:
        if m == method.upper() and pattern.match(path):
            raw = body if isinstance(body, (bytes, str)) else None
            if raw is None:
                return
            data = json.loads(raw)
            validator = jsonschema.Draft7Validator({**schema, **root})
            errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
            if errors:
                e = errors[0]
                where = "/".join(str(p) for p in e.path) or "(root)"
                raise SchemaViolation(f"{method} {path}: body field {where}: {e.message}")
            return
