"""One call worked out in a forked process while this one goes on with other work.

The child starts with a copy of everything this process holds (fork), so the call's
arguments are never pickled, only its result. With one job (`--jobs 1`, or where fork
is not available) the call is made here when its result is asked for, so the result,
and the order the caller puts it in, are the same either way. A child that dies or
raises costs nothing but time: the call is then made here, and raises here if it must.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from . import settings

Result = TypeVar("Result")


def _answer(writer: Connection, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        value = func(*args)
    except BaseException:
        writer.send((False, None))
    else:
        writer.send((True, value))
    finally:
        writer.close()


class Background(Generic[Result]):
    """`func(*args)`, begun in a forked child when there is more than one job; `result()` waits for it."""

    def __init__(self, func: Callable[..., Result], *args: Any) -> None:
        self._func, self._args = func, args
        self._process: Any = None
        # A daemonic process (a pool's worker) may not have children: there the call is made here.
        if (
            settings.jobs() > 1
            and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon
        ):
            context = multiprocessing.get_context("fork")
            self._reader, writer = context.Pipe(duplex=False)
            self._process = context.Process(target=_answer, args=(writer, func, args), daemon=True)
            self._process.start()
            writer.close()

    def result(self) -> Result:
        if self._process is not None:
            process, self._process = self._process, None
            try:
                done, value = self._reader.recv()
            except (EOFError, OSError):
                done, value = False, None
            finally:
                self._reader.close()
                process.join()
            if done:
                return value  # type: ignore[no-any-return]
        return self._func(*self._args)

    def cancel(self) -> None:
        """Stop the child, if there is one; its result is not wanted."""
        if self._process is not None:
            process, self._process = self._process, None
            process.terminate()
            process.join()
            self._reader.close()
