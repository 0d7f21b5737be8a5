"""Cloud storages attached to CVAT (S3, Azure, Google Cloud)."""

from __future__ import annotations

import io
from typing import Any

from cvat_api import ApiClient, models

from ..exceptions import UnsupportedServerFeatureError
from ._generated.cloud_storages import CloudStorageBase, CloudStoragesRepoBase
from .model_proxy import (
    ModelCreateMixin,
    ModelDeleteMixin,
    ModelListMixin,
    ModelRetrieveMixin,
    ModelUpdateMixin,
)


class CloudStorage(CloudStorageBase, ModelUpdateMixin, ModelDeleteMixin):
    """A cloud storage."""

    def get_status(self) -> str:
        """The server's check of the storage: AVAILABLE, NOT_FOUND or FORBIDDEN."""
        return str(self._call_get_status(self._client.api_client, self.id))

    @staticmethod
    def _call_get_status(api_client: ApiClient, obj_id: int) -> Any:
        """GET of the status, by this build's names: the generated skeleton defines it where the schema has it."""
        raise UnsupportedServerFeatureError("this build of the SDK has no cloud storage status check")

    def get_content(self, *, prefix: str | None = None, page_size: int | None = None) -> models.CloudStorageContent:
        """One page of the storage's listing."""
        content, _ = self.api.retrieve_content_v2(self.id, prefix=prefix, page_size=page_size)
        return content  # type: ignore[no-any-return]

    def get_preview(self) -> io.BytesIO:
        _, response = self.api.retrieve_preview(self.id, _parse_response=False)
        return io.BytesIO(response.data)


class CloudStoragesRepo(
    CloudStoragesRepoBase[CloudStorage],
    ModelCreateMixin[CloudStorage],
    ModelRetrieveMixin[CloudStorage],
    ModelListMixin[CloudStorage],
):
    _entity_type = CloudStorage
