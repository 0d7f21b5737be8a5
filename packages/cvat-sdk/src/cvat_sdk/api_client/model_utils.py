"""`cvat_sdk.api_client.model_utils`: the model base classes and helpers under their official names."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from cvat_api._runtime.model import ApiStrEnum, IModelData, Model, to_jsonable

OpenApiModel = Model
ModelNormal = Model
ModelComposed = Model  # the official wrappers of one schema are that schema's class here
ModelSimple = ApiStrEnum  # string enums are the simple (single-value) models here
none_type = type(None)
file_type = io.IOBase


def model_to_dict(model_instance: Model, serialize: bool = True) -> dict[str, Any]:
    """The model's fields as a dict keyed by their wire names (nested models as dicts)."""
    return model_instance.to_dict()


def to_json(obj: Any, *, read_files: bool = True) -> Any:
    """A value ready to send as JSON: models as dicts, dates in ISO format, files as their bytes."""
    if isinstance(obj, io.IOBase):
        if not read_files:
            return obj
        with obj:
            return obj.read()
    if isinstance(obj, (list, tuple)):
        return [to_json(v, read_files=read_files) for v in obj]
    if isinstance(obj, dict):
        return {k: to_json(v, read_files=read_files) for k, v in obj.items()}
    return to_jsonable(obj)


__all__ = [
    "IModelData",
    "ModelComposed",
    "ModelNormal",
    "ModelSimple",
    "OpenApiModel",
    "date",
    "datetime",
    "file_type",
    "model_to_dict",
    "none_type",
    "to_json",
]
