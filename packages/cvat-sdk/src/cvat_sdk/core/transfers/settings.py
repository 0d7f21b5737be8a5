"""TransferSettings: how many requests run at once, how files are batched, how failures are retried."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cvat_api import RetryPolicy

MiB = 2**20
# The server keeps request bodies up to this size in memory and refuses bigger TUS chunks.
SERVER_MAX_REQUEST_SIZE = 100 * MiB


@dataclass(frozen=True)
class TransferSettings:
    """Knobs of uploads and downloads.

    Small files are batched into Upload-Multiple requests of up to `group_size` bytes and
    `group_max_files` files; files larger than `tus_threshold` go by TUS in `tus_chunk_size`
    pieces. At most `max_workers` requests are in flight (never more than the client's
    connection pool). Retries follow the client's `RetryPolicy` (its `configuration.retries`):
    a failed request is retried up to `max_retries` times in a row without progress, waiting the
    policy's backoff or what the server's Retry-After says, and a download that keeps receiving
    data is retried for up to `retry_time_budget` seconds without getting further; `max_retries`,
    `backoff_base`, `backoff_max`, `max_retry_after` and `retry_time_budget` set here override the
    policy's for transfers (None: the policy's).
    `timeout` applies per request (None: the ApiClient's default).
    """

    max_workers: int = 4
    group_size: int = 64 * MiB
    tus_threshold: int = 64 * MiB
    tus_chunk_size: int = 10 * MiB
    max_retries: int | None = None
    backoff_base: float | None = None
    backoff_max: float | None = None
    timeout: float | tuple[float, float] | None = None
    group_max_files: int = 500
    max_retry_after: float | None = None
    download_chunk_size: int = 1 * MiB
    retry_time_budget: float | None = None

    def __post_init__(self) -> None:
        if self.max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        if self.group_size < 1 or self.group_max_files < 1:
            raise ValueError("group_size and group_max_files must be positive")
        if not 0 < self.tus_chunk_size <= SERVER_MAX_REQUEST_SIZE:
            raise ValueError(f"tus_chunk_size must be in 1..{SERVER_MAX_REQUEST_SIZE} (the server's limit)")
        if self.group_size > SERVER_MAX_REQUEST_SIZE:
            raise ValueError(f"group_size must not exceed {SERVER_MAX_REQUEST_SIZE} (the server's limit)")
        if self.tus_threshold < 0 or (self.max_retries or 0) < 0:
            raise ValueError("tus_threshold and max_retries must not be negative")
        if any(
            (v or 0) < 0 for v in (self.backoff_base, self.backoff_max, self.max_retry_after, self.retry_time_budget)
        ):
            raise ValueError("backoff times must not be negative")
        if self.download_chunk_size < 1:
            raise ValueError("download_chunk_size must be positive")

    def retry_policy(self, base: RetryPolicy) -> RetryPolicy:
        """`base` (the client's policy) with the retry settings given here."""
        names = ("max_retries", "backoff_base", "backoff_max", "max_retry_after", "retry_time_budget")
        given = {name: getattr(self, name) for name in names if getattr(self, name) is not None}
        return dataclasses.replace(base, **given) if given else base
