"""The error an auto-annotation function's misbehaviour raises."""

from __future__ import annotations

from ..core.exceptions import CvatSdkException


class BadFunctionError(CvatSdkException):
    """An auto-annotation function broke a rule of its interface (its spec or its output)."""
