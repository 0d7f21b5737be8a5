"""`cvat_sdk.api_client.api_client`: the low-level client and its endpoint objects."""

from cvat_api._runtime.api_client import ApiClient
from cvat_api._runtime.operation import Endpoint

__all__ = ["ApiClient", "Endpoint"]
