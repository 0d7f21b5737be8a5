"""The static description of one API operation, as generated API classes declare it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

# A per-call timeout: seconds for connect and read, or a (connect, read) pair; None = the default.
RequestTimeout = Union[float, tuple[float, float], None]


@dataclass(frozen=True)
class Operation:
    """An operation: HTTP method, path template, accepted body content types and response kinds.

    `responses` maps a status code to (kind, model name); kinds: none, model, list, json, binary,
    json_or_binary (decided by the response's Content-Type), auto (JSON if the server says so).
    """

    id: str
    method: str
    path: str
    body_content_types: tuple[str, ...] = ()
    responses: dict[int, tuple[str, str | None]] = field(default_factory=dict)

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS


IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
