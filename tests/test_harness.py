"""The test harness itself: no secret in any cassette, scrubbing, body matching, schema conformance."""

from __future__ import annotations

import io
import json

import pytest
import requests
from vcr.request import Request

from tests.conftest import REPO_ROOT
from tests.harness import conformance, matching, scrub


def _cassettes() -> list:
    return sorted(REPO_ROOT.glob("tests/**/cassettes/**/*.yaml"))


def test_no_cassette_holds_a_credential_or_session_value() -> None:
    cassettes = _cassettes()
    assert cassettes, "no cassettes found: the server-facing tests have nothing to replay"
    leaks = {str(p.relative_to(REPO_ROOT)): scrub.find_leaks(p.read_text(encoding="utf-8")) for p in cassettes}
    assert not {k: v for k, v in leaks.items() if v}


def test_leak_scanner_finds_what_it_must() -> None:
    assert scrub.find_leaks("Set-Cookie: sessionid=abcdefghijklmnop1234; Path=/")
    assert scrub.find_leaks('{"key": "' + "a" * 40 + '"}')
    assert scrub.find_leaks("Authorization: Token " + "x" * 40)
    assert scrub.find_leaks('{"name": "t", "value": "GO2Ez9VW.jIOULE1FY4RlVH2Aw8xrsoGbTo1blYE"}')  # an access token
    assert not scrub.find_leaks("sessionid=redacted; csrftoken=redacted")


def test_requests_are_scrubbed_before_recording() -> None:
    body = json.dumps({"username": "admin", "password": "hunter2-secret"}).encode()
    req = Request(
        "POST",
        "http://h/api/auth/login?sign=abc",
        body,
        {"Authorization": "Token 0123456789abcdef0123", "Cookie": "sessionid=x", "X-CSRFToken": "t"},
    )
    out = scrub.scrub_request(req)
    assert json.loads(out.body) == {"username": "admin", "password": "redacted"}
    assert out.headers["Authorization"] == out.headers["Cookie"] == out.headers["X-CSRFToken"] == "redacted"
    assert "sign=redacted" in out.uri
    assert json.loads(req.body)["password"] == "hunter2-secret"  # the original is untouched


def test_responses_are_scrubbed_on_a_copy() -> None:
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {
            "Set-Cookie": [
                "sessionid=abcdefghijklmnopqrst; HttpOnly; Path=/",
                "csrftoken=zzzzzzzzzzzzzzzzzzzz; Path=/",
            ],
            "Content-Length": ["58"],
        },
        "body": {"string": b'{"key":"0123456789abcdef0123456789abcdef01234567"}'},
    }
    out = scrub.scrub_response(response)
    assert out["headers"]["Set-Cookie"] == ["sessionid=redacted; HttpOnly; Path=/", "csrftoken=redacted; Path=/"]
    key = json.loads(out["body"]["string"])["key"]
    assert key.startswith("redacted-") and "0123456789abcdef" not in out["body"]["string"].decode()
    later = scrub.scrub_request(
        Request("GET", "http://h/api/invitations/0123456789abcdef0123456789abcdef01234567", b"", {})
    )
    assert later.uri == f"http://h/api/invitations/{key}"  # the same placeholder everywhere, so replay matches
    assert out["headers"]["Content-Length"] == [str(len(out["body"]["string"]))]
    assert b"0123456789abcdef" in response["body"]["string"]  # the live client still gets the real value


def _prepared_multipart(files, data) -> Request:
    prepared = requests.Request("POST", "http://h/api/tasks/1/data/", files=files, data=data).prepare()
    return Request("POST", prepared.url, prepared.body, dict(prepared.headers))


def test_multipart_bodies_match_whatever_the_boundary() -> None:
    a = _prepared_multipart([("client_files[0]", ("a.png", io.BytesIO(b"PNG1")))], {"image_quality": "70"})
    b = _prepared_multipart([("client_files[0]", ("a.png", io.BytesIO(b"PNG1")))], {"image_quality": "70"})
    assert a.headers["Content-Type"] != b.headers["Content-Type"]  # different random boundaries
    matching.body_matcher(a, b)
    c = _prepared_multipart([("client_files[0]", ("a.png", io.BytesIO(b"PNG2")))], {"image_quality": "70"})
    with pytest.raises(AssertionError):
        matching.body_matcher(a, c)


def test_json_bodies_match_regardless_of_key_order() -> None:
    h = {"Content-Type": "application/json"}
    matching.body_matcher(
        Request("POST", "http://h/x", b'{"a":1,"b":[2]}', h), Request("POST", "http://h/x", b'{"b": [2], "a": 1}', h)
    )
    with pytest.raises(AssertionError):
        matching.body_matcher(
            Request("POST", "http://h/x", b'{"a":1}', h), Request("POST", "http://h/x", b'{"a":2}', h)
        )


def test_upload_dialect_headers_tell_requests_apart() -> None:
    start = Request("POST", "http://h/api/tasks/1/data/", b"", {"Upload-Start": "true"})
    finish = Request("POST", "http://h/api/tasks/1/data/", b"", {"Upload-Finish": "true"})
    with pytest.raises(AssertionError):
        matching.upload_headers_matcher(start, finish)


def test_schema_conformance_rejects_what_the_server_would() -> None:
    ok = json.dumps({"name": "t", "labels": [{"name": "car"}]})
    conformance.check_request("POST", "http://h/api/tasks", "application/json", ok)
    with pytest.raises(conformance.SchemaViolation, match="name"):
        conformance.check_request("POST", "http://h/api/tasks", "application/json", json.dumps({"labels": []}))
    with pytest.raises(conformance.SchemaViolation, match="image_quality"):
        conformance.check_request(
            "POST", "http://h/api/tasks/7/data/", "application/json", json.dumps({"image_quality": "high"})
        )
    with pytest.raises(conformance.SchemaViolation, match="type"):
        bad_shape = {"shapes": [{"type": "blob", "frame": 0, "label_id": 1, "points": []}]}
        conformance.check_request("PUT", "http://h/api/jobs/3/annotations/", "application/json", json.dumps(bad_shape))
    # nullable fields accept null; non-JSON bodies are not checked here
    conformance.check_request("PATCH", "http://h/api/tasks/3", "application/json", json.dumps({"assignee_id": None}))
    conformance.check_request("POST", "http://h/api/tasks/7/data/", "multipart/form-data; boundary=x", b"--x--")


def test_access_token_values_are_scrubbed_consistently() -> None:
    secret = "AbCdEfGh.0123456789abcdefghijKLMNOPqrst"
    body = json.dumps({"id": 1, "name": "t", "value": secret, "attributes": [{"spec_id": 1, "value": "red"}]})
    scrubbed = scrub._scrub_json(json.loads(body))
    assert scrubbed["value"] != secret and scrubbed["value"].startswith(scrub.REDACTED)
    assert scrubbed["attributes"][0]["value"] == "red"  # ordinary values stay
    assert scrub.scrub_text(f"Bearer {secret}") == f"Bearer {scrubbed['value']}"  # the same placeholder later
