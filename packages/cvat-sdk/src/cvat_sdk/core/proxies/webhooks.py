"""Webhooks: HTTP callbacks the server sends on events."""

from __future__ import annotations

from ._generated.webhooks import WebhookBase, WebhooksRepoBase
from .model_proxy import (
    ModelCreateMixin,
    ModelDeleteMixin,
    ModelListMixin,
    ModelRetrieveMixin,
    ModelUpdateMixin,
)


class Webhook(WebhookBase, ModelUpdateMixin, ModelDeleteMixin):
    """A webhook."""

    def ping(self) -> None:
        """Ask the server to send a test delivery."""
        self.api.create_ping(self.id)


class WebhooksRepo(
    WebhooksRepoBase[Webhook], ModelCreateMixin[Webhook], ModelRetrieveMixin[Webhook], ModelListMixin[Webhook]
):
    _entity_type = Webhook
