"""Labels of tasks and projects."""

from __future__ import annotations

from ._generated.labels import LabelBase, LabelsRepoBase
from .model_proxy import ModelDeleteMixin, ModelListMixin, ModelRetrieveMixin, ModelUpdateMixin


class Label(LabelBase, ModelUpdateMixin, ModelDeleteMixin):
    """A label (with its attributes and, for skeletons, sublabels)."""


class LabelsRepo(LabelsRepoBase[Label], ModelRetrieveMixin[Label], ModelListMixin[Label]):
    """Labels; filter with `task_id=`, `project_id=` or `job_id=`. New labels come with a task or project."""

    _entity_type = Label
