"""Background requests (exports, imports, data processing) on the server."""

from __future__ import annotations

from ._generated.requests import RequestBase, RequestsRepoBase
from .model_proxy import ModelListMixin, ModelRetrieveMixin, ModelUpdateMixin


class Request(RequestBase, ModelUpdateMixin):
    """A background request; `fetch()` refreshes its status."""

    def cancel(self) -> None:
        """Cancel it on the server (queued requests only)."""
        self.api.create_cancel(self.id)

    def wait(self, *, timeout: float | None = None) -> Request:
        """Wait until it finishes (BackgroundRequestException if it fails); returns self, refreshed."""
        self._model, _ = self._client.wait_for_completion(self.id, timeout=timeout)
        return self


class RequestsRepo(RequestsRepoBase[Request], ModelRetrieveMixin[Request], ModelListMixin[Request]):
    _entity_type = Request
