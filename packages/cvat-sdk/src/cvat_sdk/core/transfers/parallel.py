"""Running work items on a bounded thread pool, results in input order, stopping at the first error."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def parallel_map(fn: Callable[[T], R], items: Iterable[T], *, max_workers: int) -> list[R]:
    """`[fn(x) for x in items]` on up to `max_workers` threads; results in input order.

    Items are taken from `items` only as workers become free, so a long iterable is not
    materialized up front. The first exception raised by `fn` is re-raised after pending items
    are cancelled and running ones have returned.
    """
    return run_ordered(fn, items, max_workers=max_workers)


def run_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    max_workers: int,
    cancel: threading.Event | None = None,
) -> list[R]:
    """`parallel_map`; `cancel` is set when an item fails, so that running work can stop early."""
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    cancel = cancel if cancel is not None else threading.Event()
    results: dict[int, R] = {}
    source = iter(enumerate(items))
    if max_workers == 1:
        for index, item in source:
            try:
                results[index] = fn(item)
            except BaseException:
                cancel.set()
                raise
        return [results[i] for i in range(len(results))]

    pending: dict[Future[R], int] = {}
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="cvat-transfer") as pool:

        def refill() -> None:
            while len(pending) < 2 * max_workers:
                try:
                    index, item = next(source)
                except StopIteration:
                    return
                pending[pool.submit(fn, item)] = index

        try:
            refill()
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=pending.__getitem__):
                    index = pending.pop(future)
                    results[index] = future.result()  # re-raises the worker's exception
                refill()
        except BaseException:
            cancel.set()
            for future in pending:
                future.cancel()
            wait(pending)
            raise
    return [results[i] for i in range(len(results))]
