"""What listings print on stdout: ids (one a line, the official format), a table, or JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Mapping[str, Any]], Any]


def field(name: str, header: str | None = None) -> Column:
    """A column showing one field of the server's object (a user shows as the username)."""
    return Column(header or name, lambda item: item.get(name))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        for key in ("username", "name", "id"):
            if key in value:
                return str(value[key])
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return " ".join(str(value).split())  # keep each row on one line


def format_table(items: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> str:
    rows = [[c.header.upper() for c in columns]] + [[_cell(c.value(item)) for c in columns] for item in items]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def print_listing(items: Sequence[Mapping[str, Any]], *, mode: str, columns: Sequence[Column]) -> None:
    """`mode`: "ids" (the default, as the official CLI), "table" or "json" (the server's objects)."""
    out = sys.stdout
    if mode == "json":
        out.write(json.dumps(list(items), indent=2) + "\n")
    elif mode == "table":
        out.write(format_table(items, columns) + "\n")
    else:
        for item in items:
            out.write(f"{item['id']}\n")


def print_value(value: Any) -> None:
    """One result (a new object's id) on its own line."""
    sys.stdout.write(f"{value}\n")
