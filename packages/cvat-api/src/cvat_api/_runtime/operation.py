"""The static description of one API operation, as generated API classes declare it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict, Union

from .errors import UnsupportedOperationError

if TYPE_CHECKING:
    from .api_client import ApiClient

# A per-call timeout: seconds for connect and read, or a (connect, read) pair; None = the default.
RequestTimeout = Union[float, tuple[float, float], None]


class OfficialOptions(TypedDict, total=False):
    """Per-call keywords of the official generator that operations accept: `async_req` runs the
    call on the client's thread pool; the others change nothing (checks and parsing are always on)."""

    async_req: bool
    _preload_content: bool
    _return_http_data_only: bool
    _host_index: int | None
    _check_input_type: bool
    _check_return_type: bool
    _spec_property_naming: bool
    _check_type: bool


@dataclass(frozen=True)
class Operation:
    """An operation: HTTP method, path template, accepted body content types and response kinds.

    `responses` maps a status code to (kind, model name); kinds: none, model, list, json, binary,
    json_or_binary (decided by the response's Content-Type), auto (JSON if the server says so).
    `absent_in`: the other pinned server versions whose schema lacks the operation.
    An integer path parameter takes an int or decimal digits; anything else is refused before sending.
    """

    id: str
    method: str
    path: str
    body_content_types: tuple[str, ...] = ()
    responses: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    absent_in: tuple[str, ...] = ()
    int_path_params: tuple[str, ...] = ()  # path parameters the schema declares as integers

    def check_available(self, server_version: str | None) -> None:
        """Raise UnsupportedOperationError, before anything is sent, if the server (of a known
        version) is of a pinned line whose schema lacks this operation."""
        if server_version is None:
            return
        line = server_version.split(".")[:2]
        lacking = next((v for v in self.absent_in if v.split(".")[:2] == line), None)
        if lacking is not None:
            raise UnsupportedOperationError(self.id, self.method, self.path, server_version, lacking)

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS


IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


class Endpoint:
    """`api.<method>_endpoint`: an operation bound to an API object, as the official client exposes it."""

    def __init__(self, api: Any, method_name: str, operation: Operation) -> None:
        self.api = api
        self.method_name = method_name
        self.operation = operation

    @property
    def api_client(self) -> Any:
        return self.api.api_client

    @property
    def path(self) -> str:
        return self.operation.path

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "http_method": self.operation.method,
            "operation_id": self.operation.id,
            "endpoint_path": self.operation.path,
        }

    def call_with_http_info(self, **kwargs: Any) -> Any:
        """Call the operation with keyword arguments; returns (parsed body or None, response)."""
        return getattr(self.api, self.method_name)(**kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.api, self.method_name)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Endpoint {self.operation.method} {self.operation.path}>"


class ApiBase:
    """Base of the generated API classes: holds the client; `<method>_endpoint` describes an operation."""

    _operations: ClassVar[dict[str, Operation]] = {}

    def __init__(self, api_client: ApiClient | None = None) -> None:
        if api_client is None:
            from .api_client import ApiClient

            api_client = ApiClient()
        self.api_client: ApiClient = api_client

    if not TYPE_CHECKING:  # the generated classes declare `<method>_endpoint`; other names are errors

        def __getattr__(self, name: str) -> Endpoint:
            if name.endswith("_endpoint"):
                op = self._operations.get(name[: -len("_endpoint")])
                if op is not None:
                    return Endpoint(self, name[: -len("_endpoint")], op)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
