"""Every generated model round-trips JSON built from the schema, and tolerates newer servers."""

from __future__ import annotations

import functools
import pickle
import string

import cvat_api.models as m
import pytest
from cvat_api.exceptions import MissingFieldError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.ir import TypeRef, build_ir
from codegen.source import load_manifest, load_pinned, pinned_schema_path
from tests.conftest import require_file

MAIN = load_manifest()["main"]


@functools.lru_cache(maxsize=1)
def _ir():
    require_file(pinned_schema_path(MAIN))
    return build_ir(load_pinned(MAIN).document, MAIN)


def _model_names() -> list[str]:
    if not pinned_schema_path(MAIN).is_file():
        return []
    return [d.name for d in _ir().models]


_text = st.text(alphabet=string.ascii_letters + string.digits + " _-é", max_size=12)
# date-times as CVAT writes them (UTC, microseconds) so that parse then dump gives the same text
_datetime = st.datetimes(
    min_value=__import__("datetime").datetime(2000, 1, 1), max_value=__import__("datetime").datetime(2100, 1, 1)
).map(lambda d: d.replace(microsecond=d.microsecond or 1).isoformat() + "Z")


def _strategy(t: TypeRef, depth: int) -> st.SearchStrategy:
    ir = _ir()
    if t.kind == "str":
        return _text
    if t.kind == "int":
        return st.integers(-(2**31), 2**31)
    if t.kind == "float":
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if t.kind == "bool":
        return st.booleans()
    if t.kind == "any":
        return st.one_of(st.none(), st.integers(), _text, st.lists(st.integers(), max_size=3))
    if t.kind == "datetime":
        return _datetime
    if t.kind == "date":
        return st.dates().map(lambda d: d.isoformat())
    if t.kind == "enum":
        enum = next(e for e in ir.enums if e.name == t.name)
        return st.sampled_from([v for _, v in enum.members])
    if t.kind == "nullable":
        return st.one_of(st.none(), _strategy(t.inner, depth))
    if t.kind == "list":
        return st.lists(_strategy(t.inner, depth + 1), max_size=0 if depth > 2 else 3)
    if t.kind == "dict":
        return st.dictionaries(_text, _strategy(t.inner, depth + 1), max_size=0 if depth > 2 else 2)
    if t.kind == "model":
        return _model_strategy(t.name, depth + 1)
    if t.kind == "file":
        return st.just("file-name")
    raise AssertionError(t)


def _model_strategy(name: str, depth: int = 0) -> st.SearchStrategy:
    model = next(d for d in _ir().models if d.name == name)
    required = {f.wire: _strategy(f.type, depth) for f in model.fields if f.required}
    optional = {} if depth > 3 else {f.wire: _strategy(f.type, depth) for f in model.fields if not f.required}
    return st.fixed_dictionaries(required, optional=optional)


@pytest.mark.parametrize("name", _model_names())
def test_model_round_trips(name: str) -> None:
    cls = getattr(m, name)

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_model_strategy(name))
    def check(data: dict) -> None:
        obj = cls.from_dict(data)
        assert obj.to_dict() == data
        assert cls.from_dict(obj.to_dict()) == obj
        assert pickle.loads(pickle.dumps(obj)) == obj

    check()


def test_unknown_fields_and_enum_values_from_a_newer_server_are_kept() -> None:
    data = {
        "status": "paused",  # not a RequestStatus this build knows
        "message": "",
        "id": "rq-1",
        "created_date": "2025-01-02T03:04:05.000001Z",
        "operation": {"type": "export:dataset", "target": "task", "brand_new": 1},
        "new_top_level": {"x": [1, 2]},
    }
    req = m.Request.from_dict(data)
    assert req.status == "paused" and req.status.value == "paused"
    assert req.additional_properties == {"new_top_level": {"x": [1, 2]}}
    assert req.operation.additional_properties == {"brand_new": 1}
    assert req.to_dict() == data


def test_missing_required_field_names_model_and_field() -> None:
    with pytest.raises(MissingFieldError) as info:
        m.LabeledShape.from_dict({"type": "rectangle", "frame": 0})
    assert info.value.model == "LabeledShape" and info.value.field == "label_id"
    assert "LabeledShape" in str(info.value) and "label_id" in str(info.value)
    # nested: the innermost model is named
    with pytest.raises(MissingFieldError, match="AttributeVal"):
        m.LabeledShape.from_dict({"type": "rectangle", "frame": 0, "label_id": 1, "attributes": [{"spec_id": 1}]})


def test_models_behave_like_the_official_ones() -> None:
    shape = m.LabeledShapeRequest(type="rectangle", frame=0, label_id=3, points=(1, 2, 3, 4))
    assert shape.type == m.ShapeType.RECTANGLE and shape.type == "rectangle"
    assert shape["label_id"] == 3 and shape.get("occluded") is None and "occluded" not in shape
    with pytest.raises(AttributeError):
        shape.occluded  # noqa: B018 - unset fields raise, as in the official models
    shape["occluded"] = True
    assert shape.occluded is True and shape.to_dict()["occluded"] is True
    # nested dicts are turned into models; the official generator's private kwargs are ignored
    spec = m.TaskWriteRequest(name="t", labels=[{"name": "car"}], _check_type=False)
    assert isinstance(spec.labels[0], m.PatchedLabelRequest)
    assert spec.to_dict() == {"name": "t", "labels": [{"name": "car"}]}
    assert "name='t'" in repr(spec)
