"""Personal access tokens (CVAT 2.48 and newer): create, list, retrieve, rename, revoke.

A token's `value` is in the answer to `create` only; use it as `make_client(host,
access_token=value)`, `CVAT_ACCESS_TOKEN`, or `cvat-cli --access-token`. Whether the feature is
there is decided from this build's schema (the operations exist) and from the server (a server older
than 2.48 has no such endpoints); either way a missing feature is an UnsupportedServerFeatureError.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import cvat_api
from cvat_api.exceptions import NotFoundException

from ..exceptions import UnsupportedServerFeatureError
from .model_proxy import (
    ModelBatchDeleteMixin,
    ModelCreateMixin,
    ModelDeleteMixin,
    ModelListMixin,
    ModelRetrieveMixin,
    ModelUpdateMixin,
)

if TYPE_CHECKING:
    from ..client import Client

_OPERATIONS = {
    "create": "create_access_tokens",
    "list": "list_access_tokens",
    "retrieve": "retrieve_access_tokens",
    "partial_update": "partial_update_access_tokens",
    "destroy": "destroy_access_tokens",
    "retrieve_self": "retrieve_access_tokens_self",
}


class _AccessTokensApi:
    """The auth API's access-token operations under the names the repository mixins call; a 404
    from a server without access tokens becomes UnsupportedServerFeatureError."""

    def __init__(self, client: Client) -> None:
        auth_api = client.api_client.auth_api
        if not hasattr(auth_api, _OPERATIONS["create"]):
            raise UnsupportedServerFeatureError(
                f"personal access tokens are not in the API of CVAT {cvat_api.SCHEMA_VERSION}, which this "
                "SDK build is for; they came with CVAT 2.48 (install the SDK built for your server)"
            )
        self._client = client
        self._auth_api = auth_api

    def __getattr__(self, name: str) -> Callable[..., Any]:
        operation = getattr(self._auth_api, _OPERATIONS[name])

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return operation(*args, **kwargs)
            except NotFoundException:
                if name != "retrieve" and not self._client.supports_access_tokens():
                    raise UnsupportedServerFeatureError(
                        f"the server (CVAT {self._client.server_version}) has no personal access tokens "
                        "(they came with CVAT 2.48)"
                    ) from None
                raise

        return call


class _TokensProxy:
    @classmethod
    def get_api(cls, client: Client) -> Any:
        return _AccessTokensApi(client)


class AccessToken(_TokensProxy, ModelUpdateMixin, ModelDeleteMixin):
    """A personal access token: `id`, `name`, `created_date`, `expiry_date`, `last_used_date`,
    `read_only`, and `value` (only on the object `create` returned). `remove()` revokes it."""

    _partial_update_arg = "patched_access_token_write_request"

    # Typed views of the fields (the build's schema may have no AccessToken model: 2.48+ only).
    @property
    def id(self) -> int:
        return int(self._model["id"])

    @property
    def name(self) -> str:
        return str(self._model["name"])

    @property
    def read_only(self) -> bool:
        return bool(self._model["read_only"])

    @property
    def value(self) -> str:
        """The token itself; only the object returned by `create` has it."""
        try:
            return str(self._model["value"])
        except KeyError:
            raise AttributeError("the token's value is shown only when it is created") from None


class AccessTokensRepo(
    _TokensProxy,
    ModelCreateMixin[AccessToken],
    ModelRetrieveMixin[AccessToken],
    ModelListMixin[AccessToken],
    ModelBatchDeleteMixin[AccessToken],
):
    """`client.access_tokens`: the current user's personal access tokens.

    `create({"name": ..., "expiry_date": None | "2030-01-01T00:00:00Z", "read_only": False})`
    needs a password login (the server does not let a token make tokens); `remove_by_ids(ids)`
    revokes; `current()` describes the token this client authenticates with.
    """

    _entity_type = AccessToken

    def current(self) -> AccessToken:
        """The access token this client is using (an error when it logged in with a password)."""
        model, _ = self.api.retrieve_self()
        return self._entity(model)


__all__ = ["AccessToken", "AccessTokensRepo"]
