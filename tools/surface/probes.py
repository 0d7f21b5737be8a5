"""Misuse (and a few uses) that user code of the official low-level package runs into, each as a
snippet; what it raises or returns is part of the listing (stdlib only, like walk.py).

A snippet runs with `models` (`cvat_sdk.api_client.models`), `json` and `api` (an ApiClient for a
host where nothing listens, so no request leaves the machine) in scope, and sets `result`.
"""

from __future__ import annotations

import enum
from typing import Any

from walk import OFFLINE_HOST, plain

PROBES: dict[str, str] = {
    # a response model where its request model is expected (issue: LabeledImage for LabeledImageRequest)
    "model.wrong_nested_model": "models.LabeledDataRequest(tags=[models.LabeledImage(frame=0, label_id=1)])",
    "model.wrong_field_type": "models.PatchedLabelRequest(name=5)",
    "model.wrong_enum_type": "models.PatchedLabelRequest(type=5)",
    "model.missing_required": "models.AttributeRequest(name='a')",
    "model.bad_positional": "models.LabeledImageRequest(0, 1, 2)",
    "model.unset_attribute": "result = models.Label(name='a').id",
    "model.unset_item": "result = models.Label(name='a')['id']",
    "model.unknown_item": "result = models.Label(name='a')['no_such_field']",
    "model.to_dict": "result = models.PatchedLabelRequest(name='a', attributes=[]).to_dict()",
    "model.item": "result = models.PatchedLabelRequest(name='a')['name']",
    "model.from_openapi_data": (
        "result = models.FrameMeta._from_openapi_data(**json.loads("
        '\'{"width": 2, "height": 3, "name": "a.png", "related_files": 0}\')).to_dict()'
    ),
    "model.attribute_map": "result = models.FrameMeta.attribute_map['related_files']",
    "model.interface": "result = issubclass(models.FrameMeta, models.IFrameMeta)",
    "enum.allowed_values": "result = models.RequestStatus.allowed_values[('value',)]['FINISHED']",
    "enum.value": "result = models.RequestStatus('finished').value",
    "enum.from_openapi_data": "result = models.RequestStatus._from_openapi_data('queued').value",
    "enum.missing_value": "models.RequestStatus()",
    "api.unknown_kwarg": "api.tasks_api.list(no_such_argument=1)",
    "api.missing_required": "api.tasks_api.retrieve()",
    "api.wrong_param_type": "api.tasks_api.retrieve('one')",
    "api.wrong_body_type": "api.tasks_api.create(task_write_request=5)",
    "api.wrong_body_model": "api.tasks_api.create(task_write_request=models.TaskRead(id=1))",
    "package.model_attribute": "import cvat_sdk.api_client as m; result = m.model.label.Label.__name__",
    "package.api_attribute": "import cvat_sdk.api_client as m; result = m.api.tasks_api.TasksApi.__name__",
}


def _outcome(exc: BaseException | None, result: Any) -> dict[str, Any]:
    if exc is not None:
        cls = type(exc)
        return {"raises": f"{cls.__module__}.{cls.__qualname__}", "message": str(exc)[:200]}
    if isinstance(result, enum.Enum):
        result = result.value
    pv = plain(result)
    return {"returns": pv} if pv is not None or result is None else {"returns_type": type(result).__name__}


def run_probe(code: str) -> dict[str, Any]:
    """What the snippet does with the running packages: {"raises": path} or {"returns": value}."""
    import json

    from cvat_sdk.api_client import ApiClient, Configuration, models  # type: ignore[attr-defined,unused-ignore]

    with ApiClient(Configuration(host=OFFLINE_HOST)) as api:
        scope: dict[str, Any] = {"models": models, "json": json, "api": api, "result": None}
        try:
            exec(code, scope)  # noqa: S102 - the snippets above, nothing else
        except Exception as e:  # noqa: BLE001 - what it raises is the point
            return _outcome(e, None)
        return _outcome(None, scope["result"])


def run_all() -> dict[str, dict[str, Any]]:
    return {name: {"code": code, **run_probe(code)} for name, code in PROBES.items()}
