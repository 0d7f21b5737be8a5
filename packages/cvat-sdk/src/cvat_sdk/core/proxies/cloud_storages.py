"""Cloud storages attached to CVAT (S3, Azure, Google Cloud)."""

from __future__ import annotations

import io

from cvat_api import models

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
        status, _ = self.api.retrieve_status(self.id)
        return str(status)

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
