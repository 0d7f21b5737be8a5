"""`cvat_sdk.api_client.configuration`: the low-level client's settings."""

from cvat_api._runtime.configuration import Configuration

__all__ = ["Configuration"]
