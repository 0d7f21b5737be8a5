"""Version rules: the required fields of a build's models that servers of other pinned versions
may leave out (their schema lacks the field or does not require it).

A build parses such a field leniently: when it is missing, the model is still made and reading the
field raises an error naming the versions whose schema lacks it. Any other required field that is
missing makes the answer malformed.
"""

from __future__ import annotations

import functools
from typing import Any

from .ir import HTTP_METHODS
from .source import SchemaSourceError, load_manifest, load_pinned

# model name -> required wire name -> pinned versions whose schema may omit it
OmittedBy = dict[str, dict[str, tuple[str, ...]]]


@functools.cache
def _pinned_document(version: str) -> dict[str, Any] | None:
    try:
        return load_pinned(version).document
    except SchemaSourceError:
        return None  # a pinned schema not at hand (e.g. outside the repo) adds no rule


def _pinned_components(version: str) -> dict[str, Any] | None:
    doc = _pinned_document(version)
    return None if doc is None else doc.get("components", {}).get("schemas", {})


def _routes(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(m, p) for p, item in document.get("paths", {}).items() for m in item if m in HTTP_METHODS}


def route_differences(document: dict[str, Any], own_version: str) -> dict[str, tuple[int, int]]:
    """For each other pinned version: (operations only this schema has, operations only that one has)."""
    ours = _routes(document)
    result = {}
    for version in sorted(load_manifest()["versions"]):
        theirs = _pinned_document(version)
        if version != own_version and theirs is not None:
            result[version] = (len(ours - _routes(theirs)), len(_routes(theirs) - ours))
    return result


def omitted_by_other_versions(document: dict[str, Any], own_version: str) -> OmittedBy:
    """For each model of `document`, its required fields that another pinned version may omit."""
    others = [v for v in sorted(load_manifest()["versions"]) if v != own_version]
    other_components = [(v, c) for v in others if (c := _pinned_components(v)) is not None]
    result: OmittedBy = {}
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        for wire in schema.get("required", ()):
            versions = tuple(
                v
                for v, components in other_components
                if (theirs := components.get(name)) is not None
                and "properties" in theirs
                and wire not in theirs.get("required", ())
            )
            if versions:
                result.setdefault(name, {})[wire] = versions
    return result


def routes_absent_elsewhere(document: dict[str, Any], own_version: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """(METHOD, path) of each operation of `document` -> the other pinned versions whose schema lacks
    it (only schemas that list every operation of their server: not `"operations_complete": false`)."""
    pinned = load_manifest()["versions"]
    others = [
        (v, _routes(d))
        for v in sorted(pinned)
        if v != own_version and pinned[v].get("operations_complete", True) and (d := _pinned_document(v)) is not None
    ]
    return {
        (method.upper(), path): absent
        for method, path in sorted(_routes(document))
        if (absent := tuple(v for v, theirs in others if (method, path) not in theirs))
    }
