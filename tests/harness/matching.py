"""Request body matching that survives random multipart boundaries and JSON key order."""

from __future__ import annotations

import email.parser
import email.policy
import json
from typing import Any


def _bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "getvalue"):  # vcrpy hands streamed request bodies over as BytesIO
        return bytes(body.getvalue())
    return bytes(body)


def _header(request: Any, name: str) -> str:
    for k, v in request.headers.items():
        if k.lower() == name:
            return v if isinstance(v, str) else v[0]
    return ""


def multipart_parts(content_type: str, body: bytes) -> list[tuple[str, str, bytes]]:
    """(field name, filename, content) of each part, boundary-independent."""
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    parts = []
    for part in msg.iter_parts():
        parts.append(
            (
                part.get_param("name", header="content-disposition") or "",
                part.get_filename() or "",
                part.get_payload(decode=True) or b"",
            )
        )
    return parts


def normalized_body(request: Any) -> Any:
    body = _bytes(request.body)
    ctype = _header(request, "content-type")
    if ctype.startswith("multipart/"):
        return ("multipart", multipart_parts(ctype, body))
    if "json" in ctype and body:
        try:
            return ("json", json.loads(body))
        except ValueError:
            pass
    return ("raw", body)


def body_matcher(r1: Any, r2: Any) -> None:
    """vcrpy matcher: raise AssertionError when the bodies differ in meaning."""
    a, b = normalized_body(r1), normalized_body(r2)
    if a != b:
        raise AssertionError(f"bodies differ: {str(a)[:200]} != {str(b)[:200]}")


TUS_HEADERS = ("upload-start", "upload-multiple", "upload-finish", "upload-offset", "upload-length", "tus-resumable")


def upload_headers_matcher(r1: Any, r2: Any) -> None:
    """CVAT's upload dialect is told apart by headers on the same URL."""
    a = {h: _header(r1, h) for h in TUS_HEADERS}
    b = {h: _header(r2, h) for h in TUS_HEADERS}
    if a != b:
        raise AssertionError(f"upload headers differ: {a} != {b}")


def query_matcher(r1: Any, r2: Any) -> None:
    if sorted(r1.query) != sorted(r2.query):
        raise AssertionError(f"query differs: {r1.query} != {r2.query}")
