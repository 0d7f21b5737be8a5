"""Small enumerations shared by the proxies."""

from __future__ import annotations

from enum import Enum


class Location(str, Enum):
    """Where an export or import file lives: on this machine or in a cloud storage."""

    LOCAL = "local"
    CLOUD_STORAGE = "cloud_storage"

    def __str__(self) -> str:
        return self.value
