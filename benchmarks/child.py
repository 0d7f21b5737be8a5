"""Measurements that run inside a fresh interpreter of one side: `child.py TASK JSON_ARGS`.

Runs under either venv, so it imports only the standard library and the package under test.
Prints one JSON object on its last stdout line: timings in seconds, or {"error": "..."} when the
code under test failed (so the parent can report it instead of crashing).
"""

from __future__ import annotations

import gc
import json
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any


def timed(func: Callable[[], Any], reps: int, warm_up: bool = True) -> list[float]:
    """`reps` timings of `func()` after a warm-up call; a gc collection before each run."""
    if warm_up:
        func()
    times = []
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
        del result
    return times


# --- LabeledData: response body bytes -> model, model -> request body bytes


def _official_client() -> Any:
    from cvat_sdk.api_client import ApiClient

    return ApiClient()


def parser(side: str, data: bytes, check_type: bool = True) -> Callable[[], Any]:
    """bytes -> LabeledData the way each client decodes a `retrieve_annotations` response.

    `check_type=False` (official only): as a call with `_validate_outputs=False`.
    """
    if side == "ours":
        from cvat_api.models import LabeledData

        def parse() -> Any:
            return LabeledData.from_dict(json.loads(data))

        return parse

    import urllib3
    from cvat_sdk.api_client.models import LabeledData as OfficialLabeledData

    client = _official_client()
    # What the official RESTClient hands to ApiClient.deserialize: a preloaded urllib3 response.
    response = urllib3.HTTPResponse(
        body=data, headers={"Content-Type": "application/vnd.cvat+json"}, status=200, preload_content=True
    )

    def parse_official() -> Any:
        # A real call passes its `_validate_outputs` (default True) as _check_type.
        return client.deserialize(response, (OfficialLabeledData,), _check_type=check_type)

    return parse_official


def serializer(side: str, variant: str) -> Callable[[Any], bytes]:
    """model -> JSON bytes: `to_dict` + json.dumps (ours), or the request-body path of each client."""
    if side == "ours" and variant == "to_dict":
        return lambda model: json.dumps(model.to_dict()).encode("utf-8")
    if side == "ours":
        from cvat_api._runtime import encoding

        return lambda model: encoding.encode_json(encoding.body_as_data(model))
    client = _official_client()
    # ApiClient.__call_api sanitizes the body, then RESTClient.request json.dumps it.
    return lambda model: json.dumps(client.sanitize_for_serialization(model)).encode("utf-8")


def to_plain(side: str, model: Any) -> Any:
    if side == "ours":
        return json.loads(json.dumps(model.to_dict()))
    return _official_client().sanitize_for_serialization(model)


def task_parse(side: str, path: str, reps: int, check_type: bool = True) -> dict[str, Any]:
    data = Path(path).read_bytes()
    parse = parser(side, data, check_type)
    try:
        model = parse()
    except Exception as e:
        return {"error": f"parse failed: {type(e).__name__}: {e}", "trace": traceback.format_exc()}
    same = to_plain(side, model) == json.loads(data)
    n_shapes = len(model.shapes)
    shape_class = type(model.shapes[0]).__name__ if n_shapes else None
    del model
    # The first parse above was the warm-up.
    return {
        "times": timed(parse, reps, warm_up=False),
        "n_shapes": n_shapes,
        "shape_class": shape_class,
        "roundtrip_identical": same,
    }


def task_serialize(side: str, path: str, reps: int, variant: str = "request") -> dict[str, Any]:
    data = Path(path).read_bytes()
    try:
        model = parser(side, data)()
        dump = serializer(side, variant)
        out = dump(model)
    except Exception as e:
        return {"error": f"serialize failed: {type(e).__name__}: {e}", "trace": traceback.format_exc()}
    same = json.loads(out) == json.loads(data)
    return {"times": timed(lambda: dump(model), reps), "bytes": len(out), "output_identical": same}


# --- live server


def task_server_about(side: str, host: str, reps: int) -> dict[str, Any]:
    """Round trips of GET /api/server/about on one client (connection reused)."""
    if side == "ours":
        from cvat_api import ApiClient, Configuration
    else:
        from cvat_sdk.api_client import ApiClient, Configuration
    client = ApiClient(Configuration(host=host))
    try:
        times = timed(lambda: client.server_api.retrieve_about(), reps)
    except Exception as e:
        return {"error": f"retrieve_about failed: {type(e).__name__}: {e}", "trace": traceback.format_exc()}
    finally:
        client.close()
    return {"times": times}


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "parse": task_parse,
    "serialize": task_serialize,
    "server_about": task_server_about,
}


def main() -> None:
    task, args = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(TASKS[task](**args)))


if __name__ == "__main__":
    main()
