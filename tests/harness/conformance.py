"""Check every JSON request body the SDK sends against the pinned OpenAPI schema's request schema
(by default the schema of the build under test; `version=` picks another pinned one), and a fake
server's JSON answers against the response schema (`check_response`)."""

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


Route = tuple[re.Pattern[str], str, dict[str, Any], dict[str, Any], str]  # pattern, method, op, params, path


@functools.lru_cache(maxsize=4)
def _index(version: str) -> tuple[list[Route], dict[str, Any]]:
    doc = load_pinned(version).document
    components = _to_json_schema(doc.get("components", {}).get("schemas", {}))
    routes = []
    for path, item in doc["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
        for method, op in item.items():
            if isinstance(op, dict):
                params = {p["name"]: p for p in [*item.get("parameters", []), *op.get("parameters", [])] if "name" in p}
                routes.append((pattern, method.upper(), op, params, path))
    return routes, {"components": {"schemas": components}}


def _route(version: str | None, method: str, path: str) -> tuple[Route | None, dict[str, Any]]:
    routes, root = _index(version or cvat_api.SCHEMA_VERSION)
    matching = [r for r in routes if r[1] == method.upper() and r[0].match(path)]
    # a literal segment beats a parameter (`/api/functions/requests/` over `/api/functions/{id}`)
    matching.sort(key=lambda r: r[4].count("{"))
    return (matching[0] if matching else None), root


def _validate(schema: Any, root: dict[str, Any], data: Any, what: str) -> None:
    validator = jsonschema.Draft7Validator({**_to_json_schema(schema), **root})
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.path) or "(root)"
        raise SchemaViolation(f"{what} field {where}: {e.message}")


def check_request(method: str, url: str, content_type: str | None, body: Any, *, version: str | None = None) -> None:
    """Raise SchemaViolation if a JSON body does not fit the operation's request schema."""
    if not body or not content_type or "json" not in content_type:
        return
    path = urlsplit(url).path
    route, root = _route(version, method, path)
    if route is None:
        return
    schema = ((route[2].get("requestBody") or {}).get("content", {}).get("application/json") or {}).get("schema")
    raw = body if isinstance(body, (bytes, str)) else None
    if schema is None or raw is None:
        return
    _validate(schema, root, json.loads(raw), f"{method} {path}: body")


def check_path(method: str, path: str, *, version: str) -> None:
    """Raise SchemaViolation unless the schema has this operation and the path parameters fit their patterns."""
    route, _ = _route(version, method, path)
    if route is None:
        raise SchemaViolation(f"{method} {path}: no such operation in the {version} schema")
    for segment, value in zip(route[4].split("/"), path.split("/"), strict=True):
        if segment.startswith("{"):
            pattern = route[3].get(segment[1:-1], {}).get("schema", {}).get("pattern")
            if pattern and not re.search(pattern, value):
                raise SchemaViolation(f"{method} {path}: path parameter {segment} = {value!r} does not match {pattern}")


def check_response(method: str, path: str, status: int, content_type: str, body: bytes, *, version: str) -> None:
    """Raise SchemaViolation unless the schema documents `status` for the operation (error statuses
    excepted: CVAT's schema leaves them out) and a JSON answer fits its schema."""
    route, root = _route(version, method, path)
    if route is None:
        raise SchemaViolation(f"{method} {path}: no such operation in the {version} schema")
    responses = route[2].get("responses", {})
    if str(status) not in responses:
        if status >= 400:
            return
        raise SchemaViolation(f"{method} {path}: status {status} is not in the schema ({', '.join(responses)})")
    content = responses[str(status)].get("content") or {}
    if not content:  # no body (204), or one the schema does not describe (frames, chunks)
        if body and status == 204:
            raise SchemaViolation(f"{method} {path}: 204 has no body, but one was sent")
        return
    base = content_type.split(";", 1)[0].strip()
    if base not in content:
        raise SchemaViolation(f"{method} {path}: content type {base!r} is not in the schema ({', '.join(content)})")
    if "json" in base:
        _validate(content[base].get("schema", {}), root, json.loads(body), f"{method} {path}: answer")
