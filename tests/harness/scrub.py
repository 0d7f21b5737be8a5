"""Remove credentials and session values from recorded interactions (applied at record time)."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from typing import Any

REDACTED = "redacted"
SECRET_HEADERS = ("authorization", "cookie", "x-csrftoken", "proxy-authorization")
SECRET_JSON_KEYS = frozenset(
    {
        "password",
        "password1",
        "password2",
        "old_password",
        "new_password1",
        "new_password2",
        "token",
        "access_token",
        "secret",
    }
)
# Secret values that also serve as identifiers (a login token key, an invitation key that appears in
# URLs): each is replaced by the same one-way placeholder wherever it appears, so replay stays
# consistent. Filled as responses are scrubbed; requests recorded later use it too.
IDENTIFYING_SECRET_KEYS = frozenset({"key"})
# A personal access token as the server shows it once (`"value"` of /api/auth/access_tokens answers).
ACCESS_TOKEN_VALUE = re.compile(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{24,}")
_placeholders: dict[str, str] = {}
_SET_COOKIE_VALUE = re.compile(r"^(\s*[^=;,\s]+)=([^;]*)")
# What the secret scanner looks for in committed cassettes (shared with the test that scans them).
LEAK_PATTERNS = [
    re.compile(r"sessionid=[A-Za-z0-9]{16,}"),
    re.compile(r"csrftoken=[A-Za-z0-9]{16,}"),
    re.compile(r'"key": ?"[0-9a-f]{32,}"'),
    re.compile(r"(Basic|Token|Bearer) [A-Za-z0-9+/=_.-]{16,}"),
    re.compile(r'"value": ?"[A-Za-z0-9]{8}\.[A-Za-z0-9]{24,}"'),
]


def _placeholder(secret: str) -> str:
    value = _placeholders.get(secret)
    if value is None:
        value = _placeholders[secret] = f"{REDACTED}-{hashlib.sha256(secret.encode()).hexdigest()[:12]}"
    return value


def _replace_known(text: str) -> str:
    for secret, placeholder in _placeholders.items():
        text = text.replace(secret, placeholder)
    return text


def _env_secrets() -> list[str]:
    names = ("CVAT_TEST_PASSWORD", "CVAT_TEST_PASSWORD2", "CVAT_ACCESS_TOKEN")
    return [v for v in (os.environ.get(n) for n in names) if v and len(v) >= 4]


def scrub_text(text: str) -> str:
    for secret in _env_secrets():
        text = text.replace(secret, REDACTED)
    return _replace_known(text)


def _scrub_json(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(v, str) and k in SECRET_JSON_KEYS:
                out[k] = REDACTED
            elif isinstance(v, str) and (
                (k in IDENTIFYING_SECRET_KEYS and len(v) >= 16) or (k == "value" and ACCESS_TOKEN_VALUE.fullmatch(v))
            ):
                out[k] = _placeholder(v)
            else:
                out[k] = _scrub_json(v)
        return out
    if isinstance(value, list):
        return [_scrub_json(v) for v in value]
    return value


def scrub_body(body: Any) -> Any:
    """A JSON body with secret fields replaced; other text with known secrets replaced."""
    if body is None:
        return body
    if hasattr(body, "getvalue"):  # vcrpy hands streamed request bodies over as BytesIO
        body = body.getvalue()
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if not isinstance(raw, (bytes, bytearray)):
        return body
    try:
        data = json.loads(raw)
    except ValueError:
        if b"\x00" in raw[:4096]:
            return body  # binary media
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return body
        out = scrub_text(text).encode("utf-8")
        return out if isinstance(body, (bytes, bytearray)) else out.decode("utf-8")
    out = json.dumps(_scrub_json(data), separators=(",", ":")).encode("utf-8")
    out = scrub_text(out.decode("utf-8")).encode("utf-8")
    return out if isinstance(body, (bytes, bytearray)) else out.decode("utf-8")


def scrub_request(request: Any) -> Any:
    """vcrpy before_record_request: applied to a copy, also to incoming requests before matching."""
    request = copy.deepcopy(request)
    for name in list(request.headers):
        if name.lower() in SECRET_HEADERS:
            request.headers[name] = REDACTED
    request.body = scrub_body(request.body)
    request.uri = _replace_known(re.sub(r"([?&](?:sign|token|key)=)[^&]+", r"\1" + REDACTED, request.uri))
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy before_record_response: cookie values and token keys replaced; a copy is returned,
    so the live client in a recording run still gets the real values."""
    response = copy.deepcopy(response)
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() == "set-cookie":
            headers[name] = [_SET_COOKIE_VALUE.sub(lambda m: f"{m.group(1)}={REDACTED}", v) for v in headers[name]]
    body = response.get("body", {})
    if isinstance(body, dict) and "string" in body:
        body["string"] = scrub_body(body["string"])
        data = body["string"]
        size = len(data.encode("utf-8") if isinstance(data, str) else data or b"")
        for name in list(headers):
            if name.lower() == "content-length":
                headers[name] = [str(size)]
    return response


def find_leaks(text: str) -> list[str]:
    """Credential-looking strings in a cassette's text."""
    found = [m.group(0)[:24] + "…" for p in LEAK_PATTERNS for m in p.finditer(text)]
    found += [REDACTED + "(env secret)" for s in _env_secrets() if s in text]
    return found
