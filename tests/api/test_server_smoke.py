"""cvat-api against a real CVAT server: about, login/logout, task create/retrieve/update/delete."""

from __future__ import annotations

from collections.abc import Iterator

import cvat_api
import pytest
from cvat_api import models
from cvat_api.exceptions import BadRequestException, NotFoundException, UnauthorizedException

pytestmark = pytest.mark.server


def _client(server) -> cvat_api.ApiClient:
    return cvat_api.ApiClient(cvat_api.Configuration(host=server.url))


@pytest.fixture
def logged_in(cvat_server) -> Iterator[cvat_api.ApiClient]:
    with _client(cvat_server) as client:
        user, password = cvat_server.credentials
        client.auth_api.create_login(models.LoginSerializerExRequest(username=user, password=password))
        yield client


def test_server_about(cvat_server) -> None:
    with _client(cvat_server) as client:
        about, response = client.server_api.retrieve_about()
    assert isinstance(about, models.About)
    assert about.version == cvat_api.SCHEMA_VERSION and response.status == 200  # each build: its own server


def test_login_then_logout(cvat_server) -> None:
    user, password = cvat_server.credentials
    with _client(cvat_server) as client:
        token, _ = client.auth_api.create_login(models.LoginSerializerExRequest(username=user, password=password))
        assert isinstance(token, models.Token) and token.key
        assert client.cookies.get("sessionid") and client.cookies.get("csrftoken")
        me, _ = client.users_api.retrieve_self()
        assert me.username == user and isinstance(me, models.MetaUser)
        client.auth_api.create_logout()  # a POST: needs the CSRF header and Origin to pass
        with pytest.raises(UnauthorizedException) as info:
            client.users_api.retrieve_self()
        assert info.value.status == 401 and "/api/users/self" in str(info.value)


def test_login_with_a_wrong_password_is_a_typed_error(cvat_server) -> None:
    user, _ = cvat_server.credentials
    with _client(cvat_server) as client, pytest.raises(BadRequestException) as info:
        client.auth_api.create_login(models.LoginSerializerExRequest(username=user, password="wrong-password-123"))
    assert info.value.status == 400
    assert info.value.errors  # the server says why, per field
    assert "wrong-password-123" not in str(info.value)


def test_task_create_retrieve_update_delete(logged_in: cvat_api.ApiClient) -> None:
    spec = models.TaskWriteRequest(
        name="cvat-api smoke task",
        labels=[models.PatchedLabelRequest(name="car", color="#ff00ff"), {"name": "person"}],
    )
    task, response = logged_in.tasks_api.create(spec)
    assert response.status == 201 and isinstance(task, models.TaskRead)
    try:
        assert task.name == "cvat-api smoke task" and task.id > 0
        fetched, _ = logged_in.tasks_api.retrieve(task.id)
        assert fetched.id == task.id and fetched.status == models.JobStatus.ANNOTATION
        labels, _ = logged_in.labels_api.list(task_id=task.id)
        assert sorted(label.name for label in labels.results) == ["car", "person"]
        updated, _ = logged_in.tasks_api.partial_update(task.id, patched_task_write_request={"name": "renamed"})
        assert updated.name == "renamed"
        page, _ = logged_in.tasks_api.list(name="renamed", page_size=100)
        assert task.id in [t.id for t in page.results]
    finally:
        _, deleted = logged_in.tasks_api.destroy(task.id)
    assert deleted.status == 204
    with pytest.raises(NotFoundException):
        logged_in.tasks_api.retrieve(task.id)
