"""Locate, verify and load an OpenAPI schema: a pinned version from the manifest, a file, or a URL."""

from __future__ import annotations

import hashlib
import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
MANIFEST_PATH = REPO_ROOT / "schema" / "manifest.json"


# libyaml's safe loader when PyYAML has it (6x faster on a CVAT schema), else the pure-Python one
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SchemaSourceError(Exception):
    """The schema could not be found, fetched or verified."""


@dataclass(frozen=True)
class SchemaSource:
    """A loaded schema with what identifies it."""

    version: str
    sha256: str
    package_version: str
    supported_servers: str
    origin: str
    document: dict[str, Any]


def load_manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    return manifest


def pinned_schema_path(version: str, manifest: dict[str, Any] | None = None) -> Path:
    manifest = manifest or load_manifest()
    entry = _manifest_entry(manifest, version)
    return Path(REPO_ROOT / manifest["schema_dir"] / entry["file"]).resolve()


def _manifest_entry(manifest: dict[str, Any], version: str) -> dict[str, Any]:
    try:
        entry: dict[str, Any] = manifest["versions"][version]
    except KeyError:
        known = ", ".join(sorted(manifest["versions"]))
        raise SchemaSourceError(
            f"schema version {version!r} is not pinned in {MANIFEST_PATH} (pinned: {known})"
        ) from None
    return entry


def _parse(raw: bytes, origin: str) -> dict[str, Any]:
    text = raw.decode("utf-8")
    try:
        doc = json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except (ValueError, yaml.YAMLError) as e:
        raise SchemaSourceError(f"{origin}: not a JSON or YAML document: {e}") from None
    if not isinstance(doc, dict) or "openapi" not in doc or "paths" not in doc:
        raise SchemaSourceError(f"{origin}: not an OpenAPI 3 document (no 'openapi'/'paths' keys)")
    return doc


def load_pinned(version: str) -> SchemaSource:
    """Load a pinned schema, failing if the file is missing or its sha256 differs from the manifest."""
    manifest = load_manifest()
    entry = _manifest_entry(manifest, version)
    path = pinned_schema_path(version, manifest)
    if not path.is_file():
        raise SchemaSourceError(f"pinned schema for CVAT {version} not found at {path}")
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != entry["sha256"]:
        raise SchemaSourceError(f"sha256 mismatch for {path}: manifest pins {entry['sha256']}, file has {digest}")
    doc = _parse(raw, str(path))
    declared = declared_version(doc)
    if declared != version:
        raise SchemaSourceError(f"{path} declares info.version {declared!r}, manifest says {version!r}")
    return SchemaSource(
        version=version,
        sha256=digest,
        package_version=entry["package_version"],
        supported_servers=entry["supported_servers"],
        origin=path.name,
        document=doc,
    )


def load_external(location: str) -> SchemaSource:
    """Load a schema from a file path or an http(s) URL (e.g. a server's /api/schema/?scheme=json)."""
    if location.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(location, timeout=60) as resp:  # noqa: S310 - maintainer-given URL
                raw = resp.read()
        except OSError as e:
            raise SchemaSourceError(f"could not fetch {location}: {e}") from None
        origin = location
    else:
        path = Path(location)
        if not path.is_file():
            raise SchemaSourceError(f"schema file not found: {path}")
        raw = path.read_bytes()
        origin = path.name
    doc = _parse(raw, origin)
    version = declared_version(doc)
    if not version:
        raise SchemaSourceError(f"{origin}: info.version is missing")
    major_minor = ".".join(version.split(".")[:2])
    return SchemaSource(
        version=version,
        sha256=hashlib.sha256(raw).hexdigest(),
        package_version=version,
        supported_servers=f">={version},<{_next_minor(major_minor)}",
        origin=origin,
        document=doc,
    )


def declared_version(doc: dict[str, Any]) -> str:
    """The server version a schema declares: `2.42.0`, or the first word of `2.72.0 (2.0)`."""
    return str(doc.get("info", {}).get("version", "")).strip().split(" ")[0]


def _next_minor(major_minor: str) -> str:
    major, _, minor = major_minor.partition(".")
    return f"{major}.{int(minor or 0) + 1}"
