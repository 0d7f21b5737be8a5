"""Organization memberships and invitations."""

from __future__ import annotations

from ._generated.invitations import InvitationBase, InvitationsRepoBase
from ._generated.memberships import MembershipBase, MembershipsRepoBase
from .model_proxy import (
    ModelCreateMixin,
    ModelDeleteMixin,
    ModelListMixin,
    ModelRetrieveMixin,
    ModelUpdateMixin,
)


class Membership(MembershipBase, ModelUpdateMixin, ModelDeleteMixin):
    """A user's membership (with a role) in an organization."""


class MembershipsRepo(MembershipsRepoBase[Membership], ModelRetrieveMixin[Membership], ModelListMixin[Membership]):
    _entity_type = Membership


class Invitation(InvitationBase, ModelUpdateMixin, ModelDeleteMixin):
    """An invitation to join an organization, identified by its `key`."""

    def accept(self) -> None:
        """Accept the invitation (as the invited user)."""
        self.api.accept(self.key)

    def decline(self) -> None:
        """Decline the invitation (as the invited user)."""
        self.api.decline(self.key)

    def resend(self) -> None:
        """Send the invitation e-mail again."""
        self.api.resend(self.key)


class InvitationsRepo(
    InvitationsRepoBase[Invitation],
    ModelCreateMixin[Invitation],
    ModelRetrieveMixin[Invitation],
    ModelListMixin[Invitation],
):
    _entity_type = Invitation
