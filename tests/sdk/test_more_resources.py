"""Webhooks, invitations, ground-truth jobs and user updates against a real CVAT server."""

from __future__ import annotations

import pytest
from cvat_sdk.core.proxies.jobs import Job
from cvat_sdk.core.proxies.memberships import Invitation
from cvat_sdk.core.proxies.webhooks import Webhook
from cvat_sdk.exceptions import BadRequestException, NotFoundException

from tests.sdk.fixtures import TASK_SPEC

pytestmark = pytest.mark.server


def test_webhook_crud(client) -> None:
    project = client.projects.create({"name": "webhook project", "labels": [{"name": "x"}]})
    try:
        hook = client.webhooks.create(
            {
                "target_url": "http://127.0.0.1:9/hook",
                "type": "project",
                "project_id": project.id,
                "events": ["update:task"],
                "content_type": "application/json",
            }
        )
        assert isinstance(hook, Webhook) and hook.project_id == project.id
        hook.update({"description": "for tests", "events": ["create:task", "update:task"]})
        assert hook.description == "for tests" and sorted(hook.events) == ["create:task", "update:task"]
        assert hook.id in [h.id for h in client.webhooks.list(project_id=project.id)]
        hook.remove()
        with pytest.raises(NotFoundException):
            client.webhooks.retrieve(hook.id)
    finally:
        project.remove()


def test_invitations(client) -> None:
    org = client.organizations.create({"slug": "sdk-invite-org", "name": "invite org"})
    try:
        with client.organization_context(org.slug):
            invitation = client.invitations.create({"role": "worker", "email": "nobody@example.com"})
            assert isinstance(invitation, Invitation) and str(invitation.role) == "worker"
            assert invitation.key in [i.key for i in client.invitations.list()]
            assert client.invitations.retrieve(invitation.key) == invitation
            invitation.remove()
            assert not client.invitations.list()
    finally:
        org.remove()


def test_ground_truth_job_create_and_remove(client, images) -> None:
    task = client.tasks.create_from_data({**TASK_SPEC, "name": "gt job"}, images[:3])
    try:
        gt = client.jobs.create(
            {"task_id": task.id, "type": "ground_truth", "frame_selection_method": "manual", "frames": [0, 2]}
        )
        assert isinstance(gt, Job) and str(gt.type) == "ground_truth"
        assert sorted(str(j.type) for j in task.get_jobs()) == ["annotation", "ground_truth"]
        gt.remove()
        assert [str(j.type) for j in task.get_jobs()] == ["annotation"]
    finally:
        task.remove()


def test_user_update(client) -> None:
    me = client.users.retrieve_current_user()
    old = me.first_name
    try:
        me.update({"first_name": "Sdk"})
        assert me.first_name == "Sdk" and client.users.retrieve(me.id).first_name == "Sdk"
    finally:
        me.update({"first_name": old})


def test_cloud_storage_errors_are_typed(client) -> None:
    """The recording server reaches no cloud: creating a storage fails with the server's reason."""
    spec = {
        "provider_type": "AWS_S3_BUCKET",
        "resource": "no-such-bucket-sdk",
        "display_name": "sdk",
        "credentials_type": "ANONYMOUS_ACCESS",
        "specific_attributes": "region=us-east-1",
    }
    with pytest.raises(BadRequestException) as info:
        client.cloud_storages.create(spec)
    assert info.value.status == 400 and "no-such-bucket-sdk" in str(info.value)
    assert "no-such-bucket-sdk" not in [s.resource for s in client.cloud_storages.list()]
