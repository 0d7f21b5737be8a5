"""`cvat_sdk.api_client.rest`: the HTTP transport; every request of the low-level layer passes
through `RESTClientObject.request`."""

from cvat_api._runtime.rest import RESTClientObject, RESTResponse

__all__ = ["RESTClientObject", "RESTResponse"]
