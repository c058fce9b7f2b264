"""Work on many seeds at once: chunks of them in worker processes, results in input order.

Order is what keeps a build on two cores byte-identical to one on one core: each
chunk's results come back in the order of its items, and the chunks in the order
they were submitted, whatever finishes first.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from . import settings

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items a pool costs more to start than it saves.
SERIAL_BELOW = 400
CHUNK = 200
IN_FLIGHT = 4


def _run_chunk(func: Callable[[Sequence[Item]], list[Result]], chunk: Sequence[Item]) -> list[Result]:
    # Results are plain data with no cycles; the cyclic collector would only walk them.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return func(chunk)
    finally:
        if enabled:
            gc.enable()


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ordered_map(
    func: Callable[[Sequence[Item]], list[Result]],
    items: Iterable[Item],
    expected: int,
    workers: int | None = None,
    chunk: int | None = None,
) -> Iterator[list[Result]]:
    """`func` over `items` in chunks, yielding each chunk's results in input order.

    `func` takes a chunk and returns one result per item; it must be a module-level
    function (it is sent to the workers). `items` may be produced as the work goes
    (the caller reading files while the workers parse them); `expected` is how many
    there may be. With one worker, or fewer than SERIAL_BELOW items, it runs here.
    """
    workers = settings.jobs() if workers is None else workers
    size = chunk or CHUNK
    if workers <= 1 or expected < SERIAL_BELOW:
        for part in _chunks(items, size):
            yield _run_chunk(func, part)
        return
    # fork: the workers start with faceledger already imported. Elsewhere, the default.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    parts = _chunks(items, size)
    broken: list[Sequence[Item]] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[tuple[Sequence[Item], Future[list[Result]]]] = deque()

        def done() -> Iterator[list[Result]]:
            part, future = pending.popleft()
            try:
                yield future.result()
            except BrokenProcessPool:
                # A worker died (killed, out of memory): what it and the rest had is done here,
                # as on one core, so the output is the same or the failure is this process's own.
                broken.extend([part, *(p for p, _ in pending)])
                pending.clear()

        for part in parts:
            if broken:
                broken.append(part)
                continue
            pending.append((part, pool.submit(_run_chunk, func, part)))
            # A few chunks in flight per worker keep them busy; more would only hold their input.
            while pending and (pending[0][1].done() or len(pending) > IN_FLIGHT * workers):
                yield from done()
        while pending:
            yield from done()
    for left in broken:
        yield _run_chunk(func, left)
