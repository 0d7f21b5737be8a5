"""Annotation CRUD shared by tasks and jobs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from cvat_api import ApiClient, Model, models

from ..exceptions import UnsupportedServerFeatureError
from .model_proxy import Entity


class AnnotationUpdateAction(Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class AnnotationCrudMixin(Entity):
    """get/set/update/remove annotations of a task or job."""

    def get_annotations(self) -> models.LabeledData:
        """All tags, shapes and tracks."""
        data, _ = self.api.retrieve_annotations(self._id)
        return data  # type: ignore[no-any-return]

    def set_annotations(self, data: models.LabeledDataRequest | Mapping[str, Any]) -> None:
        """Replace all annotations with these."""
        self._call_put_annotations(self._client.api_client, self._id, data)

    def update_annotations(
        self,
        data: models.PatchedLabeledDataRequest | Mapping[str, Any],
        *,
        action: AnnotationUpdateAction = AnnotationUpdateAction.UPDATE,
    ) -> None:
        """Create, update or delete the given annotations (matched by id for update and delete)."""
        self._call_patch_annotations(self._client.api_client, self._id, AnnotationUpdateAction(action).value, data)

    def remove_annotations(self, *, ids: Sequence[int] | None = None) -> None:
        """Delete the annotations with these ids, or all of them when `ids` is None."""
        if ids is None:
            self.api.destroy_annotations(self._id)
            return
        wanted = set(ids)
        current = self.get_annotations()

        def pick(items: Sequence[Model]) -> list[dict[str, Any]]:
            return [item.to_dict() for item in items if item.get("id") in wanted]

        payload = {"tags": pick(current.tags), "shapes": pick(current.shapes), "tracks": pick(current.tracks)}
        self._call_patch_annotations(self._client.api_client, self._id, "delete", payload)

    # The calls by this build's parameter names: the generated skeletons (Task, Job) define them.
    @staticmethod
    def _call_put_annotations(api_client: ApiClient, obj_id: int, data: Model | Mapping[str, Any]) -> None:
        raise UnsupportedServerFeatureError("this build of the SDK has no annotation upload for this object")

    @staticmethod
    def _call_patch_annotations(
        api_client: ApiClient, obj_id: int, action: str, data: Model | Mapping[str, Any]
    ) -> None:
        raise UnsupportedServerFeatureError("this build of the SDK has no annotation update for this object")
