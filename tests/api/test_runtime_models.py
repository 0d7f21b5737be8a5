"""The models' runtime without a server: UNSET, mapping access, enums, dates, pickling, lazy imports."""

from __future__ import annotations

import copy
import datetime
import pickle
import subprocess
import sys
import textwrap

import cvat_api
import pytest
from cvat_api import UNSET, UnsetType
from cvat_api._runtime.model import (
    ApiIntEnum,
    _parse_datetime_slow,
    dump_temporal,
    parse_date,
    parse_datetime,
    to_jsonable,
)
from cvat_api.exceptions import ApiValueError
from cvat_api.models import (
    DataRequest,
    JobStatus,
    PatchedTaskWriteRequest,
    Plugins,
    RequestStatus,
    TaskRead,
)

UTC = datetime.timezone.utc

TASK = {
    "id": 5,
    "name": "t",
    "assignee": None,
    "owner": {"id": 1, "username": "admin"},
    "created_date": "2024-05-06T07:08:09.5Z",
    "status": "validation",
    "jobs": {"count": 1, "completed": 0, "validation": None},
    "labels": {"url": "http://x/api/labels?task_id=5"},
    "unknown_new_field": {"nested": [1]},
}


# --- UNSET --------------------------------------------------------------------------------------


def test_unset():
    assert not UNSET
    assert bool(UNSET) is False
    assert repr(UNSET) == "UNSET"
    assert UnsetType() is UNSET
    assert UNSET is not None
    assert copy.copy(UNSET) is UNSET
    assert copy.deepcopy(UNSET) is UNSET
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(UNSET, protocol)) is UNSET


# --- mapping-style access -----------------------------------------------------------------------


def test_model_mapping_access():
    task = TaskRead.from_dict(TASK)
    assert task["id"] == 5
    assert task["assignee"] is None
    assert task["owner"].username == "admin"
    assert task.get("name") == "t"
    assert task.get("subset") is None  # unset
    assert task.get("subset", "dflt") == "dflt"
    assert task.get("unknown_new_field") == {"nested": [1]}
    assert task["unknown_new_field"] == {"nested": [1]}
    assert task.additional_properties == {"unknown_new_field": {"nested": [1]}}
    with pytest.raises(KeyError):
        task["subset"]  # noqa: B018
    with pytest.raises(KeyError):
        task["no_such_key"]  # noqa: B018
    with pytest.raises(AttributeError):
        task.subset  # noqa: B018
    assert "id" in task
    assert "assignee" in task  # set to None is set
    assert "subset" not in task
    assert "unknown_new_field" in task
    assert "nope" not in task
    assert 1 not in task
    assert task.keys() == list(task.to_dict())
    assert set(task.keys()) >= {"id", "name", "jobs", "labels", "unknown_new_field"}
    task["subset"] = "train"
    task["other"] = 3
    assert task.subset == "train"
    assert task.additional_properties["other"] == 3


def test_model_wire_names():
    plugins = Plugins.from_dict({"GIT_INTEGRATION": True, "ANALYTICS": False, "MODELS": True, "PREDICT": False})
    assert plugins.git_integration is True
    assert plugins["GIT_INTEGRATION"] is True
    assert plugins.get("MODELS") is True
    assert "PREDICT" in plugins
    plugins["ANALYTICS"] = True
    assert plugins.analytics is True
    assert plugins.to_dict() == {"GIT_INTEGRATION": True, "ANALYTICS": True, "MODELS": True, "PREDICT": False}


def test_model_values_are_parsed_and_dumped():
    task = TaskRead.from_dict(TASK)
    assert task.created_date == datetime.datetime(2024, 5, 6, 7, 8, 9, 500000, tzinfo=UTC)
    assert task.status is JobStatus.VALIDATION
    assert task.jobs.validation is None
    data = task.to_dict()
    assert data["created_date"] == "2024-05-06T07:08:09.500000Z"
    assert data["status"] == "validation"
    assert data["unknown_new_field"] == {"nested": [1]}
    assert TaskRead.from_dict(data) == task


def test_model_equality_repr_copy():
    a = TaskRead.from_dict(TASK)
    b = TaskRead.from_dict(TASK)
    assert a == b
    assert a != TaskRead.from_dict({**TASK, "name": "other"})
    assert a != TASK  # a model is not equal to its dict
    with pytest.raises(TypeError):
        hash(a)
    text = repr(a)
    assert text.startswith("TaskRead(")
    assert "id=5" in text
    assert "unknown_new_field=" in text
    assert "subset" not in text
    for c in (copy.copy(a), copy.deepcopy(a)):
        assert c == a
        assert c is not a
    c = copy.deepcopy(a)
    c.owner.username = "changed"
    assert a.owner.username == "admin"


def test_model_constructor_and_coerce():
    req = PatchedTaskWriteRequest(name="n", labels=[{"name": "cat"}], _check_type=True, custom=1)
    assert req.to_dict() == {"name": "n", "labels": [{"name": "cat"}], "custom": 1}
    assert PatchedTaskWriteRequest.coerce(req) is req
    assert PatchedTaskWriteRequest.coerce({"name": "m"}).name == "m"
    with pytest.raises(ApiValueError):
        PatchedTaskWriteRequest.coerce(["not", "a", "mapping"])
    with pytest.raises(cvat_api.exceptions.MissingFieldError) as info:
        TaskRead.from_dict({"jobs": {"completed": 0, "validation": 0}})
    assert info.value.model == "TaskRead"
    assert info.value.field == "labels"
    assert "labels" in str(info.value)


def test_to_jsonable():
    when = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    value = to_jsonable(
        {"m": PatchedTaskWriteRequest(name="x"), "e": RequestStatus.FAILED, "d": [when, datetime.date(2024, 1, 2)]}
    )
    assert value == {"m": {"name": "x"}, "e": "failed", "d": ["2024-01-02T03:04:05Z", "2024-01-02"]}


# --- pickling -----------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_model_with_unset_fields(protocol):
    task = TaskRead.from_dict(TASK)
    restored = pickle.loads(pickle.dumps(task, protocol))
    assert restored == task
    assert type(restored) is TaskRead
    assert "subset" not in restored
    with pytest.raises(AttributeError):
        restored.subset  # noqa: B018
    assert restored.additional_properties == {"unknown_new_field": {"nested": [1]}}
    assert restored.status is JobStatus.VALIDATION

    req = DataRequest(image_quality=70, server_files=["a.jpg"])
    restored_req = pickle.loads(pickle.dumps(req, protocol))
    assert restored_req.to_dict() == {"image_quality": 70, "server_files": ["a.jpg"]}


# --- enums --------------------------------------------------------------------------------------


def test_str_enum_known_values():
    assert RequestStatus("finished") is RequestStatus.FINISHED
    assert str(RequestStatus.FINISHED) == "finished"
    assert f"{RequestStatus.FINISHED}" == "finished"
    assert f"{RequestStatus.FINISHED:>10}" == "  finished"
    assert RequestStatus.FINISHED == "finished"
    assert RequestStatus.FINISHED.value == "finished"


def test_str_enum_accepts_unknown_values():
    paused = RequestStatus("paused")
    assert paused == "paused"
    assert paused.value == "paused"
    assert str(paused) == "paused"
    assert isinstance(paused, RequestStatus)
    assert paused != RequestStatus.FINISHED
    assert pickle.loads(pickle.dumps(paused)) == "paused"
    assert list(RequestStatus) == [
        RequestStatus.QUEUED,
        RequestStatus.STARTED,
        RequestStatus.FAILED,
        RequestStatus.FINISHED,
    ]  # unknown values do not become members
    with pytest.raises(ValueError):
        RequestStatus(3)


def test_unknown_enum_value_from_server():
    task = TaskRead.from_dict({**TASK, "status": "new_status_2099"})
    assert task.status == "new_status_2099"
    assert task.to_dict()["status"] == "new_status_2099"


def test_int_enum_accepts_unknown_values():
    class Level(ApiIntEnum):
        LOW = 1
        HIGH = 2

    assert Level(1) is Level.LOW
    assert str(Level.HIGH) == "2"
    odd = Level(7)
    assert odd == 7
    assert odd.value == 7
    assert str(odd) == "7"
    with pytest.raises(ValueError):
        Level("7")


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("parse", [parse_datetime, _parse_datetime_slow], ids=["parse_datetime", "slow_path"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-06T07:08:09Z", datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
        ("2024-05-06T07:08:09z", datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
        ("2024-05-06T07:08:09.1Z", datetime.datetime(2024, 5, 6, 7, 8, 9, 100000, tzinfo=UTC)),
        ("2024-05-06T07:08:09.12Z", datetime.datetime(2024, 5, 6, 7, 8, 9, 120000, tzinfo=UTC)),
        ("2024-05-06T07:08:09.123Z", datetime.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)),
        ("2024-05-06T07:08:09.1234Z", datetime.datetime(2024, 5, 6, 7, 8, 9, 123400, tzinfo=UTC)),
        ("2024-05-06T07:08:09.12345Z", datetime.datetime(2024, 5, 6, 7, 8, 9, 123450, tzinfo=UTC)),
        ("2024-05-06T07:08:09.123456Z", datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)),
        ("2024-05-06T07:08:09.1234567Z", datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)),
        ("2024-05-06T07:08:09.123456789Z", datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)),
        (
            "2024-05-06T07:08:09.5+05:30",
            datetime.datetime(2024, 5, 6, 7, 8, 9, 500000, tzinfo=datetime.timezone(datetime.timedelta(hours=5.5))),
        ),
        (
            "2024-05-06T07:08:09-0800",
            datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=-8))),
        ),
        ("2024-05-06T07:08:09+00:00", datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
        ("2024-05-06 07:08:09", datetime.datetime(2024, 5, 6, 7, 8, 9)),
        ("2024-05-06T07:08", datetime.datetime(2024, 5, 6, 7, 8)),
    ],
)
def test_parse_datetime(parse, text, expected):
    value = parse(text)
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()


def test_parse_datetime_other_inputs():
    now = datetime.datetime.now(UTC)
    assert parse_datetime(now) is now
    with pytest.raises(ApiValueError):
        parse_datetime("not a date")
    with pytest.raises(ApiValueError):
        _parse_datetime_slow("2024-13")
    assert parse_date("2024-02-29") == datetime.date(2024, 2, 29)
    today = datetime.date.today()
    assert parse_date(today) is today


def test_dump_temporal():
    assert dump_temporal(datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2024-01-02T03:04:05Z"
    tz = datetime.timezone(datetime.timedelta(hours=2))
    assert dump_temporal(datetime.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=tz)) == "2024-01-02T03:04:05.000006+02:00"
    assert dump_temporal(datetime.datetime(2024, 1, 2, 3, 4, 5)) == "2024-01-02T03:04:05"
    assert dump_temporal(datetime.date(2024, 1, 2)) == "2024-01-02"
    assert dump_temporal("x") == "x"
    text = "2024-05-06T07:08:09.123456Z"
    assert dump_temporal(parse_datetime(text)) == text


# --- lazy imports -------------------------------------------------------------------------------


def _run_fresh(code: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_is_lazy():
    _run_fresh(
        """
        import sys
        import cvat_api

        def loaded(prefix):
            return sorted(m for m in sys.modules if m == prefix or m.startswith(prefix + "."))

        assert "requests" not in sys.modules, loaded("requests")
        assert not loaded("cvat_api.models"), loaded("cvat_api.models")
        assert not loaded("cvat_api.apis"), loaded("cvat_api.apis")
        assert cvat_api.SCHEMA_VERSION and cvat_api.__version__
        assert "ApiClient" in dir(cvat_api)

        from cvat_api.models import TaskRead

        assert TaskRead.__name__ == "TaskRead"
        assert "cvat_api.models.task_read" in sys.modules
        assert "requests" not in sys.modules  # models do not need the HTTP stack
        assert len(loaded("cvat_api.models")) < 10, loaded("cvat_api.models")

        import cvat_api.models as models
        assert models.RequestStatus("paused") == "paused"
        try:
            models.NoSuchModel
        except AttributeError:
            pass
        else:
            raise AssertionError("NoSuchModel")

        client = cvat_api.ApiClient(cvat_api.Configuration(host="http://127.0.0.1:9"))
        assert "requests" in sys.modules
        assert not loaded("cvat_api.apis.tasks_api")
        client.tasks_api
        assert loaded("cvat_api.apis.tasks_api")
        try:
            cvat_api.NoSuchThing
        except AttributeError:
            pass
        else:
            raise AssertionError("NoSuchThing")
        """
    )
