"""Users."""

from __future__ import annotations

from ._generated.users import UserBase, UsersRepoBase
from .model_proxy import ModelDeleteMixin, ModelListMixin, ModelRetrieveMixin, ModelUpdateMixin


class User(UserBase, ModelUpdateMixin, ModelDeleteMixin):
    """A user account."""


class UsersRepo(UsersRepoBase[User], ModelRetrieveMixin[User], ModelListMixin[User]):
    _entity_type = User

    def retrieve_current_user(self) -> User:
        """The user this client is logged in as."""
        model, _ = self.api.retrieve_self()
        return User(self._client, model)
