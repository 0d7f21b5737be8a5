"""The runtime over HTTP: auth, headers, generated operations' requests and responses, streaming."""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import json

import cvat_api
import pytest
from cvat_api.exceptions import ApiTypeError, ApiValueError
from cvat_api.models import (
    JobStatus,
    PaginatedTaskReadList,
    PatchedTaskWriteRequest,
    Plugins,
    RqId,
    TaskRead,
    TasksRetrieveDataQuality,
)

CVAT_JSON = "application/vnd.cvat+json"


def task_json(task_id: int = 5, **extra: object) -> dict:
    return {
        "url": f"http://localhost/api/tasks/{task_id}",
        "id": task_id,
        "name": "my task",
        "project_id": None,
        "owner": {"url": "http://localhost/api/users/1", "id": 1, "username": "admin"},
        "assignee": None,
        "created_date": "2024-05-06T07:08:09.123456Z",
        "updated_date": "2024-05-06T07:08:10Z",
        "status": "annotation",
        "data_compressed_chunk_type": "imageset",
        "size": 10,
        "jobs": {"count": 2, "completed": 1, "validation": 0, "url": "http://localhost/api/jobs?task_id=5"},
        "labels": {"url": "http://localhost/api/labels?task_id=5"},
        **extra,
    }


# --- auth ---------------------------------------------------------------------------------------


def test_access_token_is_sent_as_bearer(scripted, make_client):
    client = make_client(access_token="tok-123")
    scripted.reply(json={"count": 0, "results": []})
    client.tasks_api.list()
    assert scripted.requests[0].header("Authorization") == "Bearer tok-123"


def test_api_key_with_token_prefix(scripted, make_client):
    client = make_client(api_key={"tokenAuth": "k-456"}, api_key_prefix={"tokenAuth": "Token"})
    scripted.reply(json={"count": 0, "results": []})
    client.tasks_api.list()
    assert scripted.requests[0].header("Authorization") == "Token k-456"


def test_username_password_is_basic_auth(scripted, make_client):
    client = make_client(username="alice", password="s3cr3t:pw")
    scripted.reply(json={"count": 0, "results": []})
    client.tasks_api.list()
    expected = "Basic " + base64.b64encode(b"alice:s3cr3t:pw").decode()
    assert scripted.requests[0].header("Authorization") == expected


def test_no_auth_sends_no_authorization(scripted, client):
    scripted.reply(json={"count": 0, "results": []})
    client.tasks_api.list()
    req = scripted.requests[0]
    assert req.header("Authorization") is None
    assert req.header("X-CSRFToken") is None
    assert req.header("User-Agent").startswith("cvat-api/")


def test_session_cookie_login_flow(scripted, make_client):
    client = make_client(username="alice", password="pw")
    scripted.reply(
        json={"key": "unused-token"},
        headers=[
            ("Set-Cookie", "sessionid=sess-abc; Path=/; HttpOnly; SameSite=Lax"),
            ("Set-Cookie", "csrftoken=csrf-xyz; Path=/; SameSite=Lax"),
        ],
    )
    token, _ = client.auth_api.create_login({"username": "alice", "password": "pw"})
    assert token.key == "unused-token"
    login = scripted.requests[0]
    assert (login.method, login.path) == ("POST", "/api/auth/login")
    assert login.header("Authorization").startswith("Basic ")  # no session yet: basic auth on the login itself
    assert login.header("X-CSRFToken") is None
    assert client.cookies.get("sessionid") == "sess-abc"

    # a later unsafe request carries the CSRF token and Origin, but no basic auth
    scripted.reply(json=task_json())
    client.tasks_api.partial_update(5, patched_task_write_request={"name": "x"})
    patch = scripted.requests[1]
    assert patch.method == "PATCH"
    assert patch.header("X-CSRFToken") == "csrf-xyz"
    assert patch.header("Origin") == f"http://127.0.0.1:{scripted.port}"
    assert patch.cookies == {"sessionid": "sess-abc", "csrftoken": "csrf-xyz"}
    assert patch.header("Authorization") is None

    # a safe request has the cookies but no CSRF header
    scripted.reply(json=task_json())
    client.tasks_api.retrieve(5)
    get = scripted.requests[2]
    assert get.cookies["sessionid"] == "sess-abc"
    assert get.header("X-CSRFToken") is None
    assert get.header("Origin") is None
    assert get.header("Authorization") is None

    # POST and DELETE too
    scripted.reply(201, json={"rq_id": "r"})
    scripted.reply(204)
    client.call_api("/api/anything", "POST", body={"a": 1})
    client.tasks_api.destroy(5)
    for req in scripted.requests[3:]:
        assert req.header("X-CSRFToken") == "csrf-xyz"
        assert req.header("Authorization") is None


def test_session_from_api_key_settings(scripted, make_client):
    client = make_client(api_key={"sessionAuth": "sess-1", "csrfAuth": "csrf-1"})
    scripted.reply(json=task_json())
    scripted.reply(json=task_json())
    client.tasks_api.retrieve(5)
    client.tasks_api.partial_update(5, patched_task_write_request={"name": "y"})
    get, patch = scripted.requests
    assert get.cookies == {"sessionid": "sess-1", "csrftoken": "csrf-1"}
    assert get.header("X-CSRFToken") is None
    assert patch.cookies == {"sessionid": "sess-1", "csrftoken": "csrf-1"}
    assert patch.header("X-CSRFToken") == "csrf-1"
    assert patch.header("Origin") == scripted.url


def test_session_cookie_set_on_the_jar(scripted, make_client):
    client = make_client(username="u", password="p")
    client.cookies.set("sessionid", "from-jar")
    client.cookies.set("csrftoken", "c-jar")
    scripted.reply(json=task_json())
    client.tasks_api.partial_update(5, patched_task_write_request={"name": "z"})
    req = scripted.requests[0]
    assert req.cookies == {"sessionid": "from-jar", "csrftoken": "c-jar"}
    assert req.header("X-CSRFToken") == "c-jar"
    assert req.header("Authorization") is None


def test_default_headers_and_user_agent(scripted, client):
    client.set_default_header("X-Extra", "1")
    client.user_agent = "my-agent/1.0"
    scripted.reply(json={"count": 0, "results": []})
    client.tasks_api.list()
    assert scripted.requests[0].header("X-Extra") == "1"
    assert scripted.requests[0].header("User-Agent") == "my-agent/1.0"


def test_configuration_repr_hides_credentials():
    config = cvat_api.Configuration(
        host="http://h",
        username="u",
        password="pw-secret",
        access_token="tok-secret",
        api_key={"tokenAuth": "k-secret"},
    )
    text = repr(config)
    for secret in ("pw-secret", "tok-secret", "k-secret"):
        assert secret not in text


# --- organization header ------------------------------------------------------------------------


def test_organization_header(scripted, client):
    scripted.always(json={"count": 0, "results": []})
    client.set_default_header("X-Organization", "myorg")
    client.tasks_api.list()
    client.tasks_api.list(x_organization="x")  # the operation's argument wins
    client.set_default_header("X-Organization", None)
    client.tasks_api.list()
    client.set_default_header("X-Organization", None)  # removing twice is fine
    client.tasks_api.list(x_organization="")  # an empty value is sent (the personal workspace)
    orgs = [req.header("X-Organization") for req in scripted.requests]
    assert orgs == ["myorg", "x", None, ""]
    assert scripted.requests[1].headers.get_all("X-Organization") == ["x"]


# --- generated operations: requests -------------------------------------------------------------


def test_retrieve_parses_model(scripted, client):
    scripted.reply(json=task_json(extra_field=[1, 2]))
    task, response = client.tasks_api.retrieve(5)
    req = scripted.requests[0]
    assert (req.method, req.path, req.raw_query) == ("GET", "/api/tasks/5", "")
    assert req.header("Accept") == CVAT_JSON
    assert req.body == b""
    assert isinstance(task, TaskRead)
    assert task.id == 5
    assert task.name == "my task"
    assert task.jobs.count == 2
    assert task.labels.url.endswith("task_id=5")
    assert task.owner.username == "admin"
    assert task.assignee is None
    assert task.status is JobStatus.ANNOTATION
    assert task.created_date == datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.timezone.utc)
    assert task.additional_properties == {"extra_field": [1, 2]}
    assert "subset" not in task
    with pytest.raises(AttributeError):
        task.subset  # noqa: B018
    assert response.status == 200
    assert response.is_json
    assert json.loads(response.data)["id"] == 5


def test_path_parameters_are_quoted(scripted, client):
    scripted.reply(json={"rq_id": "x"})
    client.call_api("/api/requests/{id}", "GET", path_params={"id": "a/b c?"})
    assert scripted.requests[0].target == "/api/requests/a%2Fb%20c%3F"


def test_list_query_string(scripted, client):
    scripted.reply(json={"count": 1, "next": None, "previous": None, "results": [task_json()]})
    page, _ = client.tasks_api.list(page_size=10, filter='{"==":[1,1]}', org="a", search=None)
    req = scripted.requests[0]
    assert req.path == "/api/tasks"
    assert req.query == {"page_size": ["10"], "filter": ['{"==":[1,1]}'], "org": ["a"]}
    assert "search" not in req.raw_query
    assert isinstance(page, PaginatedTaskReadList)
    assert page.count == 1
    assert isinstance(page.results[0], TaskRead)
    assert page.results[0].id == 5


def test_query_booleans_and_enums(scripted, client):
    scripted.always(json={"count": 0, "results": []})
    client.issues_api.list(resolved=True, page=2)
    client.issues_api.list(resolved=False)
    client.users_api.list(is_active=False, org_id=0)
    scripted.reply(200, body=b"x", content_type="image/jpeg")
    client.tasks_api.retrieve_data(1, type="frame", number=0, quality=TasksRetrieveDataQuality.ORIGINAL)
    assert scripted.requests[0].query == {"resolved": ["true"], "page": ["2"]}
    assert scripted.requests[1].query == {"resolved": ["false"]}
    assert scripted.requests[2].query == {"is_active": ["false"], "org_id": ["0"]}
    assert scripted.requests[3].query == {"type": ["frame"], "number": ["0"], "quality": ["original"]}


def test_call_api_query_lists_and_datetimes(scripted, client):
    scripted.reply(json={})
    when = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    client.call_api("/api/x", "GET", query_params={"ids": [1, 2], "flag": True, "since": when, "none": None})
    assert scripted.requests[0].query == {"ids": ["1", "2"], "flag": ["true"], "since": ["2024-01-02T03:04:05Z"]}


def test_partial_update_sends_json(scripted, client):
    scripted.reply(json=task_json(name="x"))
    task, _ = client.tasks_api.partial_update(5, patched_task_write_request={"name": "x"})
    req = scripted.requests[0]
    assert (req.method, req.path) == ("PATCH", "/api/tasks/5")
    assert req.header("Content-Type") == "application/json"
    assert req.header("Accept") == CVAT_JSON
    assert req.json() == {"name": "x"}
    assert req.body == b'{"name":"x"}'
    assert task.name == "x"


def test_model_instance_as_body(scripted, client):
    scripted.reply(json=task_json())
    body = PatchedTaskWriteRequest(name="Ünïcode", assignee_id=None, labels=[{"name": "cat", "color": "#ff0000"}])
    client.tasks_api.partial_update(5, patched_task_write_request=body)
    sent = scripted.requests[0].json()
    assert sent == {"name": "Ünïcode", "assignee_id": None, "labels": [{"name": "cat", "color": "#ff0000"}]}
    # UTF-8 JSON, not \\u escapes
    assert "Ünïcode".encode() in scripted.requests[0].body


def test_login_body_is_required_model(scripted, client):
    scripted.reply(json={"key": "k"})
    client.auth_api.create_login({"username": "u", "password": "p"})
    assert scripted.requests[0].json() == {"username": "u", "password": "p"}


def test_create_data_multipart(scripted, client, tmp_path):
    content = bytes(range(256)) * 100
    path = tmp_path / "image 1.jpg"
    path.write_bytes(content)
    scripted.reply(202, json={"rq_id": "create:task-1"})
    with open(path, "rb") as f:
        rq, _ = client.tasks_api.create_data(
            1,
            data_request={"image_quality": 70, "client_files": [f, io.BytesIO(b"second")], "use_cache": True},
            upload_start=True,
        )
    assert isinstance(rq, RqId)
    assert rq.rq_id == "create:task-1"
    req = scripted.requests[0]
    assert (req.method, req.path) == ("POST", "/api/tasks/1/data/")
    assert req.header("Content-Type").startswith("multipart/form-data; boundary=")
    assert req.header("Upload-Start") == "true"
    assert req.header("Upload-Finish") is None
    parts = {name: (filename, data) for name, filename, data in req.multipart()}
    assert parts["image_quality"] == (None, b"70")
    assert parts["use_cache"] == (None, b"true")
    assert parts["client_files[0]"] == ("image 1.jpg", content)
    assert parts["client_files[1]"][1] == b"second"


def test_create_data_json_without_files(scripted, client):
    scripted.reply(202, json={"rq_id": "r"})
    client.tasks_api.create_data(1, data_request={"image_quality": 70, "server_files": ["a.jpg"]})
    req = scripted.requests[0]
    assert req.header("Content-Type") == "application/json"
    assert req.json() == {"image_quality": 70, "server_files": ["a.jpg"]}


def test_explicit_content_type_must_be_accepted(scripted, client):
    scripted.reply(202, json={"rq_id": "r"})
    client.tasks_api.create_data(1, data_request={"image_quality": 70}, _content_type="multipart/form-data")
    parts = scripted.requests[0].multipart()
    assert parts == [("image_quality", None, b"70")]
    with pytest.raises(ApiValueError):
        client.tasks_api.partial_update(1, patched_task_write_request={"name": "x"}, _content_type="text/plain")
    with pytest.raises(ApiTypeError):  # files but no multipart
        client.tasks_api.partial_update(1, patched_task_write_request={"name": io.BytesIO(b"x")})
    assert len(scripted.requests) == 1


def test_path_parameter_none_is_rejected(scripted, client):
    with pytest.raises(ApiValueError):
        client.tasks_api.retrieve(None)
    assert scripted.requests == []


# --- generated operations: responses ------------------------------------------------------------


def test_parse_response_false_read_in_pieces(scripted, client):
    body = json.dumps(task_json()).encode()
    scripted.reply(json=task_json())
    parsed, response = client.tasks_api.retrieve(5, _parse_response=False)
    assert parsed is None
    assert response.status == 200
    assert response.getheader("Content-Length") == str(len(body))
    pieces = []
    while chunk := response.read(7):
        assert len(chunk) <= 7
        pieces.append(chunk)
    assert len(pieces) > 2
    assert b"".join(pieces) == body
    assert response.read() == b""


def test_parse_response_false_data(scripted, client):
    body = json.dumps(task_json()).encode()
    scripted.reply(json=task_json())
    parsed, response = client.tasks_api.retrieve(5, _parse_response=False)
    assert parsed is None
    assert response.data == body
    assert response.data == body  # kept
    assert response.content == body
    assert response.json()["id"] == 5
    assert response.read(10) == body[:10]
    assert response.read() == body[10:]


def test_parse_response_false_head_of_body_then_rest(scripted, client):
    body = json.dumps(task_json()).encode()
    scripted.reply(json=task_json())
    _, response = client.tasks_api.retrieve(5, _parse_response=False)
    head = response.read(5)
    assert head + response.read() == body


def test_check_status_false_returns_error_response(scripted, client):
    scripted.reply(404, json={"detail": "Not found."})
    value, response = client.tasks_api.retrieve(5, _check_status=False)
    assert response.status == 404
    assert value == {"detail": "Not found."}
    scripted.reply(500, body=b"<html>oops</html>", content_type="text/html")
    value, response = client.tasks_api.retrieve(5, _check_status=False, _parse_response=False)
    assert value is None
    assert response.status == 500
    assert response.text == "<html>oops</html>"


def test_unknown_kwarg_raises_api_type_error(scripted, client):
    with pytest.raises(ApiTypeError, match="bogus"):
        client.tasks_api.retrieve(5, bogus=1)
    with pytest.raises(TypeError):  # ApiTypeError is also a TypeError
        client.tasks_api.list(not_a_filter="x")
    assert scripted.requests == []


def test_official_noop_kwargs_are_accepted(scripted, client):
    scripted.always(json=task_json())
    task, _ = client.tasks_api.retrieve(
        5,
        _preload_content=False,
        _return_http_data_only=True,
        _check_input_type=False,
        _check_return_type=False,
        _host_index=None,
        async_req=False,
        _spec_property_naming=False,
    )
    assert isinstance(task, TaskRead)
    assert len(scripted.requests) == 1


def test_empty_and_none_responses(scripted, client):
    scripted.reply(204)
    value, response = client.tasks_api.destroy(5)
    assert value is None
    assert response.status == 204
    assert scripted.requests[0].method == "DELETE"
    assert scripted.requests[0].header("Accept") is None  # no JSON response declared
    scripted.reply(200, json={"GIT_INTEGRATION": False, "ANALYTICS": True, "MODELS": False, "PREDICT": False})
    plugins, _ = client.server_api.retrieve_plugins()
    assert isinstance(plugins, Plugins)
    assert plugins.analytics is True
    assert plugins["ANALYTICS"] is True
    assert "GIT_INTEGRATION" in plugins


def test_list_response_of_models(scripted, client):
    scripted.reply(
        json=[{"name": "a.jpg", "type": "REG", "mime_type": "image"}, {"name": "d", "type": "DIR", "mime_type": "DIR"}]
    )
    files, _ = client.server_api.list_share(directory="/")
    assert [f.name for f in files] == ["a.jpg", "d"]
    assert scripted.requests[0].query == {"directory": ["/"]}


def test_invalid_json_raises_api_value_error(scripted, client):
    scripted.reply(200, body=b"{not json", content_type="application/json")
    with pytest.raises(ApiValueError, match="tasks_retrieve"):
        client.tasks_api.retrieve(5)


def test_missing_required_field_raises(scripted, client):
    """`jobs` is required by every pinned schema: its absence makes the answer malformed."""
    scripted.reply(json={"id": 5})
    with pytest.raises(cvat_api.exceptions.MalformedAnswerError) as info:
        client.tasks_api.retrieve(5)
    assert isinstance(info.value, cvat_api.exceptions.ApiException) and isinstance(info.value, ValueError)
    assert info.value.status == 200 and info.value.operation == "tasks_retrieve"
    assert "'jobs' is missing" in str(info.value) and "tasks_retrieve" in str(info.value)


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (dict(body=b"", content_type="application/json"), "the body is empty, expected a TaskRead object"),
        (dict(json=[{"id": 5}]), "expected a TaskRead object, got JSON array"),
        (dict(body=b"null", content_type="application/json"), "expected a TaskRead object, got JSON null"),
        (dict(json="text"), "expected a TaskRead object, got JSON string"),
        (dict(body=b'{"id": 5, "jo', content_type="application/json"), "the body is not valid JSON"),
    ],
)
def test_a_broken_answer_raises_naming_the_operation_status_and_problem(scripted, client, reply, problem):
    scripted.reply(**reply)
    with pytest.raises(cvat_api.exceptions.MalformedAnswerError) as info:
        client.tasks_api.retrieve(5)
    message = str(info.value)
    assert problem in message and "tasks_retrieve" in message and "(200)" in message, message


def test_a_list_answer_of_the_wrong_type_raises(scripted, client):
    scripted.reply(json={"results": "not a list", "count": 1})
    with pytest.raises(cvat_api.exceptions.MalformedAnswerError) as info:
        client.tasks_api.list()
    assert "tasks_list" in str(info.value)


def test_a_required_field_an_older_server_omits_parses_and_raises_when_read(scripted, client):
    """CVAT 2.17's about has no logo_url or subtitle: the model is made; reading names model, field
    and the versions whose schema lacks the field, as an AttributeError."""
    scripted.reply(json={"name": "CVAT", "description": "d", "version": "2.17.0"})
    about, _ = client.server_api.retrieve_about()
    assert about.version == "2.17.0" and about.to_dict() == {"name": "CVAT", "description": "d", "version": "2.17.0"}
    with pytest.raises(AttributeError) as info:
        about.logo_url  # noqa: B018
    assert isinstance(info.value, cvat_api.exceptions.OmittedFieldError)
    assert info.value.omitted_by == ("2.17.0",)
    assert str(info.value).startswith(
        "About has no 'logo_url': the server did not send it; CVAT 2.17.0 does not have it"
    )
    assert "logo_url" not in about and about.get("logo_url") is None


def test_reading_an_optional_field_the_server_left_out_names_the_object(scripted, client):
    scripted.reply(json={"id": 7, "jobs": {"count": 0, "completed": 0, "validation": 0}, "labels": {"url": "u"}})
    task, _ = client.tasks_api.retrieve(7)
    with pytest.raises(AttributeError, match=r"TaskRead #7 has no 'size': the server did not send it; it is optional"):
        task.size  # noqa: B018


def test_json_or_binary_response(scripted, client):
    scripted.reply(202, body=b"\x00\x01binary", content_type="application/octet-stream")
    value, _ = client.tasks_api.create_data(1, data_request={"image_quality": 1})
    assert value == b"\x00\x01binary"


def test_an_operation_the_servers_line_lacks_is_refused_before_sending(scripted, client):
    """CVAT 2.17's schema has no validation layouts: with the server's version known, nothing is sent."""
    client.server_version = "2.17.0"
    with pytest.raises(
        cvat_api.exceptions.UnsupportedOperationError,
        match=r"tasks_retrieve_validation_layout .*CVAT 2\.17\.0.*nothing was sent",
    ):
        client.tasks_api.retrieve_validation_layout(1)
    assert scripted.requests == []
    client.server_version = "2.30.1"  # between pinned lines: not known to lack it, so it is asked
    scripted.reply(json={"mode": "gt", "frames": []})
    client.tasks_api.retrieve_validation_layout(1)
    assert len(scripted.requests) == 1


def test_api_client_unknown_attribute(client):
    with pytest.raises(AttributeError):
        client.no_such_api  # noqa: B018
    assert "tasks_api" in dir(client)
    assert client.tasks_api is client.tasks_api


# --- streaming binary responses -----------------------------------------------------------------


@pytest.fixture(scope="module")
def big_body() -> bytes:
    # 5 MiB of non-repeating data
    out = bytearray()
    seed = b"cvat"
    while len(out) < 5 * 1024 * 1024:
        seed = hashlib.sha256(seed).digest()
        out += seed * 64
    return bytes(out[: 5 * 1024 * 1024 + 12345])


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_stream_big_binary_response(scripted, client, big_body, chunked):
    scripted.reply(200, body=big_body, content_type="image/png", chunked=chunked)
    value, response = client.tasks_api.retrieve_data(
        1, type="frame", number=0, quality="original", _parse_response=False
    )
    assert value is None
    req = scripted.requests[0]
    assert req.path == "/api/tasks/1/data/"
    assert req.query == {"type": ["frame"], "number": ["0"], "quality": ["original"]}
    assert (response.getheader("Transfer-Encoding") == "chunked") is chunked
    sizes = []
    digest = hashlib.sha256()
    total = 0
    with response:
        for chunk in response.stream(65536):
            sizes.append(len(chunk))
            digest.update(chunk)
            total += len(chunk)
    assert total == len(big_body)
    assert digest.digest() == hashlib.sha256(big_body).digest()
    assert len(sizes) > 10
    assert max(sizes) <= 65536


def test_stream_after_data_reuses_cached_body(scripted, client):
    scripted.reply(200, body=b"0123456789", content_type="image/png")
    _, response = client.tasks_api.retrieve_data(1, type="chunk", number=0, _parse_response=False)
    assert response.data == b"0123456789"
    assert list(response.stream(4)) == [b"0123", b"4567", b"89"]
    assert list(response.iter_content(100)) == [b"0123456789"]


def test_binary_operation_returns_bytes(scripted, client, big_body):
    scripted.reply(200, body=big_body, content_type="application/zip", chunked=True)
    data, response = client.jobs_api.retrieve_data(3, type="chunk", index=0, quality="compressed")
    assert isinstance(data, bytes)
    assert data == big_body
    assert response.data is data
    req = scripted.requests[0]
    assert req.path == "/api/jobs/3/data"
    assert req.header("Accept") is None
    assert req.query == {"type": ["chunk"], "index": ["0"], "quality": ["compressed"]}


def test_binary_operation_returns_bytes_even_if_server_says_json(scripted, client):
    scripted.reply(200, body=b'{"a": 1}', content_type="application/json")
    data, _ = client.jobs_api.retrieve_data(3, type="chunk", index=0)
    assert data == b'{"a": 1}'
