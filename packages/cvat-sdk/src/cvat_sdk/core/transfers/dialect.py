"""The bracket of CVAT's upload dialect: Upload-Start and Upload-Finish requests on a resource endpoint.

Upload-Start does nothing on the server but open the session, so it is resent after any
transient failure. Upload-Finish starts the server's processing (202 + rq_id); it is resent only
when the server cannot have acted on it. If it may have (the answer was lost), resending could
start the processing twice, so the error says so instead.
"""

from __future__ import annotations

import enum
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

import cvat_api
from cvat_api import Verdict
from cvat_api.exceptions import TransportError

from .transport import Transport, as_resendable

UPLOAD_START = "Upload-Start"
UPLOAD_FINISH = "Upload-Finish"
UPLOAD_MULTIPLE = "Upload-Multiple"


def json_body(fields: Mapping[str, Any]) -> bytes:
    """Fields as a JSON body (enums by value, paths as strings)."""

    def default(value: Any) -> Any:
        if isinstance(value, enum.Enum):
            return value.value
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        if isinstance(value, (set, frozenset, tuple)):
            return list(value)
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            return to_dict()
        raise TypeError(f"cannot send {type(value).__name__} as JSON")

    return json.dumps(dict(fields), default=default).encode("utf-8")


def start_upload(
    transport: Transport, url: str, *, params: Sequence[tuple[str, str]] = (), filenames: Sequence[str]
) -> None:
    """Upload-Start; expects 202."""
    retrier = transport.retrier(f"Starting the upload to {url}", filenames)
    while True:
        try:
            response = transport.send("POST", url, params=params, headers={UPLOAD_START: ""})
        except TransportError as e:
            failure = transport.failure_from_exception(e)
        else:
            if 200 <= response.status < 300:
                response.close()
                return
            failure = transport.failure_from_response(response)
        retrier.retry_or_raise(as_resendable(failure))  # opening a session twice is harmless


def finish_upload(
    transport: Transport,
    url: str,
    *,
    params: Sequence[tuple[str, str]] = (),
    fields: Mapping[str, Any] | None = None,
    filenames: Sequence[str],
) -> cvat_api.ApiResponse:
    """Upload-Finish with `fields` as a JSON body; returns the answer (202 with an rq_id)."""
    retrier = transport.retrier(f"Finishing the upload to {url}", filenames)
    headers = {UPLOAD_FINISH: ""}
    body = None
    if fields is not None:
        body = json_body(fields)
        headers["Content-Type"] = "application/json"
    while True:
        try:
            response = transport.send("POST", url, params=params, headers=headers, body=body)
        except TransportError as e:
            failure = transport.failure_from_exception(e)
        else:
            if 200 <= response.status < 300:
                return response
            failure = transport.failure_from_response(response)
        if failure.verdict is Verdict.AMBIGUOUS:
            raise retrier.fail(
                failure,
                " - the files were sent, but the server may or may not have started processing them;"
                " check the resource before uploading again",
            )
        retrier.retry_or_raise(failure)
