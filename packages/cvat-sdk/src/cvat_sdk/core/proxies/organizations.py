"""Organizations."""

from __future__ import annotations

from ._generated.organizations import OrganizationBase, OrganizationsRepoBase
from .model_proxy import ModelCreateMixin, ModelDeleteMixin, ModelListMixin, ModelRetrieveMixin, ModelUpdateMixin


class Organization(OrganizationBase, ModelUpdateMixin, ModelDeleteMixin):
    """An organization (its `slug` is what `Client.organization_slug` takes)."""


class OrganizationsRepo(
    OrganizationsRepoBase[Organization],
    ModelCreateMixin[Organization],
    ModelRetrieveMixin[Organization],
    ModelListMixin[Organization],
):
    _entity_type = Organization
