"""What user code of the official low-level package reaches for (issue 20), without the official
package: package attributes, interface classes, enum `allowed_values`, `_from_openapi_data`, the
official wrapper names, and the official exception classes for the same misuse."""

from __future__ import annotations

import json

import pytest
from cvat_sdk import api_client
from cvat_sdk.api_client import ApiAttributeError, ApiTypeError, models


def test_submodules_are_package_attributes() -> None:
    assert api_client.model.label.Label is models.Label
    assert api_client.api.tasks_api.TasksApi is api_client.apis.TasksApi
    assert api_client.model_utils.ModelNormal is api_client.model_utils.OpenApiModel
    with pytest.raises(AttributeError):
        api_client.model.no_such_module  # noqa: B018


def test_interface_classes() -> None:
    assert issubclass(models.FrameMeta, models.IFrameMeta)
    assert "related_files" in models.IFrameMeta.__annotations__
    assert isinstance(models.RequestStatus("queued"), models.IRequestStatus)


def test_enum_allowed_values_and_from_openapi_data() -> None:
    assert models.RequestStatus.allowed_values[("value",)]["FINISHED"] == "finished"
    assert models.OperationStatus.allowed_values[("value",)]["IN_PROGRESS"] == "in progress"
    assert models.RequestStatus._from_openapi_data("queued") is models.RequestStatus.QUEUED
    assert models.RequestStatus.attribute_map == {}
    with pytest.raises(ApiTypeError):
        models.RequestStatus()


def test_model_class_attributes_and_from_openapi_data() -> None:
    data = json.loads('{"width": 2, "height": 3, "name": "a.png", "related_files": 0, "new": 1}')
    meta = models.FrameMeta._from_openapi_data(**data)
    assert meta == models.FrameMeta(width=2, height=3, name="a.png", related_files=0, new=1)
    assert models.FrameMeta._from_openapi_data(2, 3, "a.png", 0).name == "a.png"
    assert models.FrameMeta.attribute_map["related_files"] == "related_files"
    assert models.FrameMeta.openapi_types["width"] == (int,)
    assert models.Label.allowed_values == {}
    assert eval(meta.to_str()) == meta.to_dict()  # noqa: S307 - our own pretty-printed dict


def test_official_wrapper_names_are_the_wrapped_classes() -> None:
    assert models.JobReadAssignee is models.BasicUser
    assert models.TaskValidationLayoutReadMode is models.ValidationMode
    assert models.DataResponse is models.RqId
    assert api_client.model.job_read_assignee.JobReadAssignee is models.BasicUser
    assert models.NullEnum("null").value == "null"


def test_misuse_raises_the_official_classes() -> None:
    with pytest.raises(ApiTypeError):  # a response model where the request model is expected
        models.LabeledDataRequest(tags=[models.LabeledImage(frame=0, label_id=1)])
    with pytest.raises(ValueError):  # and still the ApiValueError it was here before
        models.LabeledDataRequest(tags=[models.LabeledImage(frame=0, label_id=1)])
    with pytest.raises(ApiTypeError):
        models.LabeledImageRequest(0, 1, 2)
    label = models.Label(name="a")
    with pytest.raises(ApiAttributeError):
        label.id  # noqa: B018
    with pytest.raises(ApiAttributeError):
        label["id"]
    with pytest.raises(KeyError):  # a mapping's error too
        label["no_such_field"]
    assert label.get("id", 5) == 5 and "id" not in label


def test_a_body_of_the_wrong_type_is_refused_before_sending() -> None:
    client = api_client.ApiClient(api_client.Configuration(host="http://127.0.0.1:9"))
    with client, pytest.raises(ApiTypeError, match="tasks_create"):
        client.tasks_api.create(task_write_request=5)


def test_core_reexports_the_client() -> None:
    import cvat_sdk.core

    assert cvat_sdk.core.make_client is cvat_sdk.make_client
    assert cvat_sdk.core.Client is cvat_sdk.Client


def test_wrong_scalar_and_enum_types_raise_api_type_error() -> None:
    with pytest.raises(ApiTypeError, match="PatchedLabelRequest.name: expected str, got int"):
        models.PatchedLabelRequest(name=5)
    with pytest.raises(ApiTypeError, match="LabeledShapeRequest.points"):
        models.LabeledShapeRequest(type="rectangle", frame=0, label_id=1, points=["x"])
    with pytest.raises(ApiTypeError):
        models.ShapeType(5)
    # what Python counts as the same kind of number is taken, and so is None for a nullable field
    shape = models.LabeledShapeRequest(type="rectangle", frame=0, label_id=1, points=[1, 2.5], group=None)
    assert shape.points == [1, 2.5] and shape.group is None


def test_an_integer_path_parameter_of_the_wrong_type_is_refused_before_sending() -> None:
    client = api_client.ApiClient(api_client.Configuration(host="http://127.0.0.1:9"))
    with client, pytest.raises(ApiTypeError, match="tasks_retrieve: path parameter 'id' must be an integer"):
        client.tasks_api.retrieve("one")


def test_free_form_object_fields_are_plain_dicts() -> None:
    org = models.OrganizationRead.from_dict({"owner": None, "slug": "o", "name": "O", "contact": {"email": "a@b.c"}})
    assert type(org.contact) is dict and json.dumps(org.contact) == '{"email": "a@b.c"}'
    request = models.FunctionCallRequest(function="f", task=1, mapping={"car": {"name": "vehicle"}})
    assert isinstance(request.mapping, dict)
    assert request.mapping["car"] == models.LabelMappingEntryRequest(name="vehicle")
    assert request.to_dict()["mapping"] == {"car": {"name": "vehicle"}}


def test_names_added_in_2_64() -> None:
    from cvat_sdk.auto_annotation import DetectionAnnotation
    from cvat_sdk.core.helpers import make_request_headers

    assert models.LabeledShapeRequest in DetectionAnnotation.__args__
    client = api_client.ApiClient(api_client.Configuration(host="http://127.0.0.1:9", access_token="tok"))
    with client:
        assert make_request_headers(client)["Authorization"] == "Bearer tok"
