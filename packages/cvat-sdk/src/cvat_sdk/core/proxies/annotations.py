"""Annotation CRUD shared by tasks and jobs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from cvat_api import Model, models

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
        self.api.update_annotations(self._id, labeled_data_request=data)

    def update_annotations(
        self,
        data: models.PatchedLabeledDataRequest | Mapping[str, Any],
        *,
        action: AnnotationUpdateAction = AnnotationUpdateAction.UPDATE,
    ) -> None:
        """Create, update or delete the given annotations (matched by id for update and delete)."""
        self.api.partial_update_annotations(
            AnnotationUpdateAction(action).value, self._id, patched_labeled_data_request=data
        )

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
        self.api.partial_update_annotations("delete", self._id, patched_labeled_data_request=payload)
