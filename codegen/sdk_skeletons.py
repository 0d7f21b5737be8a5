"""Typed entity and repository skeletons for cvat-sdk (filled in by the SDK work)."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .ir import SchemaIR


def render_sdk_skeletons(env: jinja2.Environment, ir: SchemaIR, head: str) -> dict[Path, str]:
    return {}
