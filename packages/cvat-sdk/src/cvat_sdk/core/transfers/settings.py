"""TransferSettings: how many requests run at once, how files are batched, how failures are retried."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 2**20
# The server keeps request bodies up to this size in memory and refuses bigger TUS chunks.
SERVER_MAX_REQUEST_SIZE = 100 * MiB


@dataclass(frozen=True)
class TransferSettings:
    """Knobs of uploads and downloads.

    Small files are batched into Upload-Multiple requests of up to `group_size` bytes and
    `group_max_files` files; files larger than `tus_threshold` go by TUS in `tus_chunk_size`
    pieces. At most `max_workers` requests are in flight (never more than the client's
    connection pool). A failed request is retried up to `max_retries` times in a row, waiting
    `backoff_base * 2**n` seconds (at most `backoff_max`, with jitter) or what the server's
    Retry-After says (at most `max_retry_after`). `timeout` applies per request (None: the
    ApiClient's default).
    """

    max_workers: int = 4
    group_size: int = 16 * MiB
    tus_threshold: int = 16 * MiB
    tus_chunk_size: int = 10 * MiB
    max_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 20.0
    timeout: float | tuple[float, float] | None = None
    group_max_files: int = 500
    max_retry_after: float = 120.0
    download_chunk_size: int = 1 * MiB

    def __post_init__(self) -> None:
        if self.max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        if self.group_size < 1 or self.group_max_files < 1:
            raise ValueError("group_size and group_max_files must be positive")
        if not 0 < self.tus_chunk_size <= SERVER_MAX_REQUEST_SIZE:
            raise ValueError(f"tus_chunk_size must be in 1..{SERVER_MAX_REQUEST_SIZE} (the server's limit)")
        if self.group_size > SERVER_MAX_REQUEST_SIZE:
            raise ValueError(f"group_size must not exceed {SERVER_MAX_REQUEST_SIZE} (the server's limit)")
        if self.tus_threshold < 0 or self.max_retries < 0:
            raise ValueError("tus_threshold and max_retries must not be negative")
        if self.backoff_base < 0 or self.backoff_max < 0 or self.max_retry_after < 0:
            raise ValueError("backoff times must not be negative")
        if self.download_chunk_size < 1:
            raise ValueError("download_chunk_size must be positive")
