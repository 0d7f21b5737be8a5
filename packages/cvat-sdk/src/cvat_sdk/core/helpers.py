"""Helpers: tqdm progress reporters, a stream that reports progress, status checks, pagination."""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Callable, Iterable
from typing import IO, Any

import cvat_api
import tqdm
from cvat_api.exceptions import ApiException, exception_from_response

from .progress import ProgressReporter

DEFAULT_PAGE_SIZE = 500


class TqdmProgressReporter(ProgressReporter):
    """Reports to an existing tqdm bar. Deprecated: use DeferredTqdmProgressReporter."""

    def __init__(self, instance: tqdm.tqdm[Any]) -> None:
        warnings.warn(
            "TqdmProgressReporter is deprecated, use DeferredTqdmProgressReporter instead",
            DeprecationWarning,
            stacklevel=2,
        )
        self.tqdm = instance

    def start2(self, total: int, *, desc: str | None = None, **kwargs: Any) -> None:
        self.tqdm.reset(total)
        self.tqdm.set_description_str(desc or "")

    def report_status(self, progress: int) -> None:
        self.tqdm.update(progress - self.tqdm.n)

    def advance(self, delta: int) -> None:
        self.tqdm.update(delta)

    def finish(self) -> None:
        self.tqdm.refresh()


class DeferredTqdmProgressReporter(ProgressReporter):
    """Creates a tqdm bar for each task and closes it when the task ends.

    `tqdm_args` are passed to `tqdm.tqdm` (e.g. `{"file": f}`); as in tqdm, the bar is shown
    whether or not the output is a terminal (`{"disable": None}` hides it when it is not).
    """

    def __init__(self, tqdm_args: dict[str, Any] | None = None) -> None:
        self.tqdm_args = dict(tqdm_args or {})
        self._bar: tqdm.tqdm[Any] | None = None

    def start2(
        self,
        total: int,
        *,
        desc: str | None = None,
        unit: str = "it",
        unit_scale: bool = False,
        unit_divisor: int = 1000,
        **kwargs: Any,
    ) -> None:
        if self._bar is not None:
            self._bar.close()
        self._bar = tqdm.tqdm(
            **self.tqdm_args,
            total=total or None,  # 0: unknown
            desc=desc,
            unit=unit,
            unit_scale=unit_scale,
            unit_divisor=unit_divisor,
        )

    def report_status(self, progress: int) -> None:
        bar = self._running()
        bar.update(progress - bar.n)

    def advance(self, delta: int) -> None:
        self._running().update(delta)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _running(self) -> tqdm.tqdm[Any]:
        if self._bar is None:
            raise RuntimeError("no progress task is running")
        return self._bar


class StreamWithProgress:
    """Wraps a binary stream: reading advances the reporter by the bytes read, seeking by the
    distance moved (negative when moving back)."""

    def __init__(self, stream: IO[bytes], pbar: ProgressReporter) -> None:
        self.stream = stream
        self.pbar = pbar

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        if chunk:
            self.pbar.advance(len(chunk))
        return chunk

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        old = self.stream.tell()
        new = self.stream.seek(pos, whence)
        if new != old:
            self.pbar.advance(new - old)
        return new

    def tell(self) -> int:
        return self.stream.tell()


def make_request_headers(api_client: cvat_api.ApiClient, **kwargs: Any) -> dict[str, str]:
    """The headers a request of `api_client` carries: its defaults and authentication (the official
    2.64 helper; keyword arguments as `update_params_for_auth` takes them, e.g. `method="POST"`)."""
    headers = api_client.get_common_headers()
    api_client.update_params_for_auth(headers=headers, queries=[], **kwargs)
    return headers


def expect_status(codes: int | Iterable[int], response: cvat_api.ApiResponse) -> None:
    """Return if the answer's status is one of `codes`; else raise the typed ApiException."""
    allowed = {codes} if isinstance(codes, int) else set(codes)
    if response.status in allowed:
        return
    raise exception_from_response(
        response, reason=None if response.status >= 300 else "Unexpected status code received"
    )


def get_paginated_collection(endpoint: Any, *, return_json: bool = False, **kwargs: Any) -> list[Any]:
    """Every item of a paginated list, fetched page by page.

    `endpoint` is a generated API method (`api_client.tasks_api.list`) or an object with
    `call_with_http_info(**kwargs)`; both return `(data, response)`. `kwargs` are passed on
    (`page_size` defaults to 500; `page` is where to start). With `return_json`, the items are
    the server's raw dicts (a list, not a JSON string).
    """
    call: Callable[..., tuple[Any, cvat_api.ApiResponse]] = getattr(endpoint, "call_with_http_info", endpoint)
    page = int(kwargs.pop("page", 1) or 1)
    kwargs.setdefault("page_size", DEFAULT_PAGE_SIZE)
    if return_json:
        kwargs["_parse_response"] = False
    items: list[Any] = []
    while True:
        data, response = call(**kwargs, page=page)
        expect_status(200, response)
        if return_json:
            payload = json.loads(response.data)
            results, next_page = payload.get("results", []), payload.get("next")
        else:
            results, next_page = data.results, getattr(data, "next", None)
        items.extend(results)
        if not next_page:
            return items
        page += 1


__all__ = [
    "ApiException",
    "DeferredTqdmProgressReporter",
    "StreamWithProgress",
    "TqdmProgressReporter",
    "expect_status",
    "get_paginated_collection",
]
