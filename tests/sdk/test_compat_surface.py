"""The official cvat-sdk 2.42 import paths and names that user code relies on resolve here."""

from __future__ import annotations

import importlib

import pytest

SURFACE = {
    "cvat_sdk": ["Client", "Config", "make_client", "models", "__version__"],
    "cvat_sdk.models": [
        "TaskWriteRequest", "PatchedTaskWriteRequest", "TaskRead", "DataRequest", "LabeledDataRequest",
        "PatchedLabeledDataRequest", "LabeledShapeRequest", "LabeledImageRequest", "IssueWriteRequest",
        "CommentWriteRequest", "PatchedLabelRequest", "Request", "RequestStatus", "About",
    ],
    "cvat_sdk.exceptions": [
        "ApiException", "ApiTypeError", "ApiValueError", "ApiKeyError", "ApiAttributeError", "OpenApiException",
        "CvatSdkException",
    ],
    "cvat_sdk.core.client": ["Client", "Config", "make_client"],
    "cvat_sdk.core.exceptions": [
        "CvatSdkException", "InvalidHostException", "IncompatibleVersionException", "BackgroundRequestException",
    ],
    "cvat_sdk.core.proxies.tasks": ["ResourceType", "Task", "TasksRepo"],
    "cvat_sdk.core.proxies.projects": ["Project", "ProjectsRepo"],
    "cvat_sdk.core.proxies.jobs": ["Job", "JobsRepo"],
    "cvat_sdk.core.proxies.issues": ["Issue", "Comment", "IssuesRepo", "CommentsRepo"],
    "cvat_sdk.core.proxies.organizations": ["Organization", "OrganizationsRepo"],
    "cvat_sdk.core.proxies.users": ["User", "UsersRepo"],
    "cvat_sdk.core.proxies.types": ["Location"],
    "cvat_sdk.core.proxies.annotations": ["AnnotationUpdateAction"],
    "cvat_sdk.core.progress": ["ProgressReporter", "BaseProgressReporter", "NullProgressReporter"],
    "cvat_sdk.core.helpers": [
        "get_paginated_collection", "DeferredTqdmProgressReporter", "TqdmProgressReporter", "StreamWithProgress",
        "expect_status",
    ],
    "cvat_sdk.core.utils": ["filter_dict"],
    "cvat_sdk.api_client": ["ApiClient", "Configuration", "exceptions", "models", "apis"],
    "cvat_sdk.api_client.exceptions": [
        "ApiException", "NotFoundException", "UnauthorizedException", "ForbiddenException", "ServiceException",
    ],
    "cvat_sdk.masks": ["encode_mask", "decode_mask"],
    "cvat_sdk.attributes": ["attribute_value_validator", "number_attribute_values", "attribute_vals_from_dict"],
    "cvat_sdk.datasets": [
        "TaskDataset", "Sample", "FrameAnnotations", "MediaElement", "MediaDownloadPolicy", "UpdatePolicy",
        "UnsupportedDatasetError",
    ],
    "cvat_sdk.pytorch": [
        "TaskVisionDataset", "ProjectVisionDataset", "Target", "ExtractSingleLabelIndex", "ExtractBoundingBoxes",
        "LabeledBoxes",
    ],
    "cvat_sdk.auto_annotation": [
        "DetectionFunction", "DetectionFunctionSpec", "annotate_task", "label_spec", "skeleton_label_spec",
        "keypoint_spec", "attribute_spec", "shape", "rectangle", "polygon", "mask", "skeleton", "keypoint",
        "BadFunctionError",
    ],
    "cvat_sdk.auto_annotation.functions.torchvision_detection": ["create"],
    "cvat_sdk.auto_annotation.functions.torchvision_instance_segmentation": ["create"],
    "cvat_sdk.auto_annotation.functions.torchvision_keypoint_detection": ["create"],
    "cvat_sdk.api_client.api_client": ["ApiClient", "Endpoint"],
    "cvat_sdk.api_client.rest": ["RESTClientObject", "RESTResponse"],
    "cvat_sdk.api_client.configuration": ["Configuration"],
    "cvat_sdk.api_client.model_utils": ["OpenApiModel", "ModelNormal", "model_to_dict", "to_json", "file_type"],
    "cvat_sdk.api_client.api.tasks_api": ["TasksApi"],
    "cvat_sdk.api_client.model.file_info": ["FileInfo"],
    "cvat_sdk.core.uploading": ["Uploader", "AnnotationUploader", "DatasetUploader", "DataUploader", "_MyTusUploader"],
    "cvat_sdk.core.downloading": ["Downloader"],
    "cvat_cli.__main__": ["main"],
    "cvat_cli._internal.agent": ["_Event", "_NewReconnectionDelay", "_parse_event_stream"],
}  # fmt: skip

API_ATTRS = [
    "tasks_api", "jobs_api", "projects_api", "server_api", "auth_api", "users_api", "organizations_api",
    "labels_api", "issues_api", "comments_api", "requests_api", "cloudstorages_api", "memberships_api",
    "invitations_api", "webhooks_api", "quality_api", "consensus_api", "lambda_api", "assets_api", "events_api",
    "guides_api", "schema_api",
]  # fmt: skip


@pytest.mark.parametrize(("module", "names"), SURFACE.items())
def test_official_names_resolve(module: str, names: list[str]) -> None:
    mod = importlib.import_module(module)
    missing = [n for n in names if not hasattr(mod, n)]
    assert not missing, f"{module} lacks {missing}"


def test_low_level_api_attributes_and_no_second_copy() -> None:
    import cvat_api
    from cvat_sdk import models
    from cvat_sdk.api_client import ApiClient
    from cvat_sdk.api_client import models as api_models

    client = ApiClient()
    for attr in API_ATTRS:
        assert getattr(client, attr).api_client is client
    assert models.TaskRead is cvat_api.models.TaskRead is api_models.TaskRead
    assert ApiClient is cvat_api.ApiClient


def test_enums_and_values_behave_like_the_official_ones() -> None:
    from cvat_sdk.core.proxies.annotations import AnnotationUpdateAction
    from cvat_sdk.core.proxies.tasks import ResourceType
    from cvat_sdk.core.proxies.types import Location

    assert Location.LOCAL == "local" and str(Location.CLOUD_STORAGE) == "cloud_storage"
    assert str(ResourceType.SHARE) == "share" and ResourceType.REMOTE.value == 2
    assert AnnotationUpdateAction("delete") is AnnotationUpdateAction.DELETE


def test_cli_main_returns_the_exit_code(capsys) -> None:
    from cvat_cli.__main__ import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == "2.42.0+typed"  # the official number, and whose build
