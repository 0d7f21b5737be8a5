"""Users, organizations, memberships, labels, requests and the organization context on a real server."""

from __future__ import annotations

import pytest
from cvat_sdk.core.proxies.organizations import Organization
from cvat_sdk.core.proxies.users import User
from cvat_sdk.exceptions import ForbiddenException

from tests.sdk.fixtures import TASK_SPEC

pytestmark = pytest.mark.server


def test_users(client, cvat_server) -> None:
    me = client.users.retrieve_current_user()
    assert isinstance(me, User) and me.username == cvat_server.credentials[0] and me.is_superuser
    assert client.users.retrieve(me.id) == me
    usernames = {u.username for u in client.users.list()}
    assert {cvat_server.credentials[0], cvat_server.credentials2[0]} <= usernames


def test_organization_crud_and_context(client, images) -> None:
    org = client.organizations.create({"slug": "sdk-test-org", "name": "SDK test org"})
    try:
        assert isinstance(org, Organization) and org.slug == "sdk-test-org"
        org.update({"name": "SDK org renamed"})
        assert client.organizations.retrieve(org.id).name == "SDK org renamed"
        with client.organization_context(org.slug):
            task = client.tasks.create({"name": "org task", "labels": [{"name": "x"}]})
            assert task.organization == org.id
            members = client.memberships.list()
            assert [str(m.role) for m in members] == ["owner"]
        personal = client.tasks.create({"name": "personal task", "labels": [{"name": "x"}]})
        assert personal.organization is None
        with client.organization_context(""):
            assert task.id not in [t.id for t in client.tasks.list()]
        assert {task.id, personal.id} <= {t.id for t in client.tasks.list()}
        client.tasks.remove_by_ids([task.id, personal.id])
    finally:
        org.remove()


def test_permissions_are_typed_errors(client2, cvat_server) -> None:
    with client2.organization_context(cvat_server.org), pytest.raises(ForbiddenException) as info:
        client2.projects.create({"name": "not allowed", "labels": [{"name": "x"}]})
    assert info.value.status == 403 and "/api/projects" in str(info.value)


def test_labels_and_requests(client, images, tmp_path) -> None:
    task = client.tasks.create_from_data({**TASK_SPEC, "name": "labels"}, images[:1])
    try:
        labels = client.labels.list(task_id=task.id)
        person = next(label for label in labels if label.name == "person")
        person.update({"name": "pedestrian"})
        assert sorted(label.name for label in task.get_labels()) == ["car", "pedestrian"]
        person.remove()
        assert [label.name for label in task.get_labels()] == ["car"]
        task.export_dataset("COCO 1.0", tmp_path / "coco.zip", include_images=False)
        done = [r for r in client.requests.list() if str(r.status) == "finished"]
        assert done and client.requests.retrieve(done[0].id).id == done[0].id
    finally:
        task.remove()
