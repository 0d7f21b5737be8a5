"""Issues (review remarks on a job's frame) and their comments."""

from __future__ import annotations

from ._generated.comments import CommentBase, CommentsRepoBase
from ._generated.issues import IssueBase, IssuesRepoBase
from .model_proxy import (
    ModelCreateMixin,
    ModelDeleteMixin,
    ModelListMixin,
    ModelRetrieveMixin,
    ModelUpdateMixin,
)


class Comment(CommentBase, ModelUpdateMixin, ModelDeleteMixin):
    """A comment in an issue."""


class CommentsRepo(
    CommentsRepoBase[Comment], ModelCreateMixin[Comment], ModelRetrieveMixin[Comment], ModelListMixin[Comment]
):
    _entity_type = Comment


class Issue(IssueBase, ModelUpdateMixin, ModelDeleteMixin):
    """An issue raised on a job."""

    def get_comments(self) -> list[Comment]:
        return self._client.comments.list(issue_id=self.id)


class IssuesRepo(IssuesRepoBase[Issue], ModelCreateMixin[Issue], ModelRetrieveMixin[Issue], ModelListMixin[Issue]):
    _entity_type = Issue
