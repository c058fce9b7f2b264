"""Work on many seeds at once: chunks of them in worker processes, results in input order.

Order is what keeps a build on two cores byte-identical to one on one core: each
chunk's results come back in the order of its items, and the chunks in the order
they were submitted, whatever finishes first.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from . import settings

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items a pool costs more to start than it saves.
SERIAL_BELOW = 400
CHUNK = 200


def _run_chunk(func: Callable[[Sequence[Item]], list[Result]], chunk: Sequence[Item]) -> list[Result]:
    # Results are plain data with no cycles; the cyclic collector would only walk them.
    gc.disable()
    try:
        return func(chunk)
    finally:
        gc.enable()


def _chunks(items: Sequence[Item], size: int) -> Iterator[Sequence[Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def ordered_map(
    func: Callable[[Sequence[Item]], list[Result]],
    items: Sequence[Item],
    workers: int | None = None,
    chunk: int = CHUNK,
) -> Iterator[list[Result]]:
    """`func` over `items` in chunks, yielding each chunk's results in input order.

    `func` takes a chunk and returns one result per item; it must be a module-level
    function (it is sent to the workers). With one worker, or few items, it runs here.
    """
    workers = settings.jobs() if workers is None else workers
    if workers <= 1 or len(items) < SERIAL_BELOW:
        for part in _chunks(items, chunk):
            yield _run_chunk(func, part)
        return
    # fork: the workers start with faceledger already imported. Elsewhere, the default.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_run_chunk, func, part) for part in _chunks(items, chunk)]
        for future in futures:
            yield future.result()
