"""Entities (one server object) and repositories (a collection), and the CRUD mixins they combine."""

from __future__ import annotations

import logging
import pprint
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar, overload

from cvat_api import Model
from cvat_api.exceptions import ApiException, NotFoundException

from ..exceptions import CvatSdkException

if TYPE_CHECKING:
    from typing_extensions import Self

    from ..client import Client

log = logging.getLogger("cvat_sdk.core")

EntityT = TypeVar("EntityT", bound="Entity")
LIST_PAGE_SIZE = 500  # page size for iterating; list() asks for everything in one page


class ModelProxy:
    """Something bound to a Client that works through one low-level API object."""

    _api_member_name: ClassVar[str]

    def __init__(self, client: Client) -> None:
        self._client = client

    @classmethod
    def get_api(cls, client: Client) -> Any:
        return getattr(client.api_client, cls._api_member_name)

    @property
    def api(self) -> Any:
        """The low-level API object (e.g. `TasksApi`) this proxy calls."""
        return self.get_api(self._client)


class Entity(ModelProxy):
    """A server object: its fields as read-only attributes, plus operations."""

    _model_id_field: ClassVar[str] = "id"
    _partial_update_arg: ClassVar[str | None] = None
    _model: Model

    def __init__(self, client: Client, model: Model) -> None:
        super().__init__(client)
        self._model = model

    if not TYPE_CHECKING:  # hidden from type checkers, so that a misspelt attribute is an error there

        def __getattr__(self, name: str) -> Any:
            # fields a newer server sends that this build has no property for; and a field property
            # whose value the server did not send lands here too: its OmittedFieldError says why
            if name.startswith("_"):
                raise AttributeError(name)
            model = self.__dict__["_model"]
            if name in type(model)._attr_names:
                return getattr(model, name)
            try:
                return model[name]
            except KeyError:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None

    @property
    def _id(self) -> Any:
        return getattr(self._model, self._model_id_field)

    def to_dict(self) -> dict[str, Any]:
        """The server's representation of this object, as last fetched."""
        return self._model.to_dict()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entity) or type(other) is not type(self):
            return NotImplemented
        return bool(self._client is other._client and self._id == other._id)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._id))

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self._model_id_field}={self._id}>"

    def __str__(self) -> str:
        return pprint.pformat(self._model.to_dict())


class Repo(ModelProxy, Generic[EntityT]):
    """A collection of server objects of one kind."""

    _entity_type: ClassVar[type[Entity]]
    _capabilities: ClassVar[frozenset[str]] = frozenset()
    _create_arg: ClassVar[str | None] = None

    def _entity(self, model: Model) -> EntityT:
        return self._entity_type(self._client, model)  # type: ignore[return-value]


class ModelCreateMixin(Repo[EntityT]):
    def create(self, spec: Model | Mapping[str, Any]) -> EntityT:
        """Create an object from a model or a dict of its write fields."""
        model, _ = self.api.create(spec)
        return self._entity(model)


class ModelRetrieveMixin(Repo[EntityT]):
    def retrieve(self, obj_id: Any) -> EntityT:
        """The object with this id (NotFoundException if there is none visible)."""
        model, _ = self.api.retrieve(obj_id)
        return self._entity(model)


class ModelListMixin(Repo[EntityT]):
    @overload
    def list(self, *, return_json: Literal[False] = False, **filters: Any) -> list[EntityT]: ...

    @overload
    def list(self, *, return_json: Literal[True], **filters: Any) -> list[dict[str, Any]]: ...

    def list(self, *, return_json: bool = False, **filters: Any) -> list[EntityT] | list[dict[str, Any]]:
        """Every object (one request), narrowed by the server's filters (`filter`, `search`, `sort`, fields).

        With `return_json=True`, the raw dicts the server sent instead of entities.
        """
        filters.setdefault("page_size", "all")
        results: list[Any] = []
        for page_model, page_json in self._pages(filters, raw=return_json):
            results.extend(page_json["results"] if return_json else (self._entity(m) for m in page_model.results))
        return results

    def iterate(self, *, page_size: int = LIST_PAGE_SIZE, **filters: Any) -> Iterator[EntityT]:
        """Objects one page at a time, so huge collections are not held in memory at once."""
        for page_model, _ in self._pages({**filters, "page_size": page_size}, raw=False):
            for m in page_model.results:
                yield self._entity(m)

    def _pages(self, filters: dict[str, Any], *, raw: bool) -> Iterator[tuple[Any, Any]]:
        page = 1
        while True:
            if raw:
                _, response = self.api.list(page=page, _parse_response=False, **filters)
                data = response.json()
                yield None, data
                more = data.get("next")
            else:
                model, _ = self.api.list(page=page, **filters)
                yield model, None
                more = getattr(model, "next", None)
            if not more:
                return
            page += 1


class ModelBatchDeleteMixin(Repo[EntityT]):
    def remove_by_ids(self, ids: Sequence[Any], /) -> None:
        """Delete these objects. Ids already gone are logged and skipped; other failures are
        raised together at the end, after every id was tried."""
        failed: dict[Any, str] = {}
        name = self._entity_type.__name__
        for obj_id in ids:
            try:
                self.api.destroy(obj_id)
            except NotFoundException:
                log.info("%s #%s not found", name, obj_id)
            except ApiException as e:
                failed[obj_id] = str(e)
            else:
                log.info("%s #%s deleted", name, obj_id)
        if failed:
            detail = "; ".join(f"#{k}: {v}" for k, v in failed.items())
            raise CvatSdkException(f"could not delete {len(failed)} {name}(s): {detail}")


class ModelUpdateMixin(Entity):
    def fetch(self) -> Self:
        """Reload this object from the server."""
        self._model, _ = self.api.retrieve(self._id)
        return self

    def update(self, values: Model | Mapping[str, Any]) -> Self:
        """Change fields on the server (one PATCH); this object then shows the server's answer."""
        if self._partial_update_arg is None:
            raise CvatSdkException(f"{type(self).__name__} objects cannot be updated")
        self._model, _ = self.api.partial_update(self._id, **{self._partial_update_arg: values})
        return self


class ModelDeleteMixin(Entity):
    def remove(self) -> None:
        """Delete this object on the server (this local copy stays as it was)."""
        self.api.destroy(self._id)
