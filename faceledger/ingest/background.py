"""One call worked out in a forked process while this one goes on with other work.

The child starts with a copy of everything this process holds (fork), so the call's
arguments are never pickled, only its result. With one job (`--jobs 1`, or where fork
is not available) the call is made here when its result is asked for, so the result,
and the order the caller puts it in, are the same either way. A child that dies or
raises costs nothing but time: the call is then made here, and raises here if it must.

The result comes back as pickle protocol 5 with its large buffers (Arrow columns) sent
beside the pickle rather than copied into it: a child holding a feed's tables does not
need room for a second copy of them to hand them over.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable
from contextlib import nullcontext, suppress
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from . import settings

Result = TypeVar("Result")

# prctl(2): the signal a process gets when the one that started it dies.
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    # A killed build must not leave a child writing caches on its own for a minute.
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(1)


def _answer(writer: Connection, parent: int, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    _die_with_parent(parent)
    try:
        value = func(*args)
        buffers: list[pickle.PickleBuffer] = []
        data = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    except BaseException:
        writer.send((False, 0))
    else:
        writer.send((True, len(buffers)))
        writer.send_bytes(data)
        for buffer in buffers:
            writer.send_bytes(buffer.raw())
    finally:
        writer.close()


class Background(Generic[Result]):
    """`func(*args)`, begun in a forked child when there is more than one job; `result()` waits for it.

    `nested` is for a call that starts worker processes of its own: its child may have
    children, which a daemonic one may not. `apart=False` makes the call here, as with one job.
    """

    def __init__(
        self, func: Callable[..., Result], *args: Any, nested: bool = False, apart: bool = True
    ) -> None:
        self._func, self._args = func, args
        self._process: Any = None
        # A daemonic process (a pool's worker) may not have children: there the call is made here.
        if (
            apart
            and settings.jobs() > 1
            and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon
        ):
            context = multiprocessing.get_context("fork")
            self._reader, writer = context.Pipe(duplex=False)
            self._process = context.Process(
                target=_answer, args=(writer, os.getpid(), func, args), daemon=not nested
            )
            self._process.start()
            writer.close()

    def result(self) -> Result:
        if self._process is not None:
            process, self._process = self._process, None
            try:
                done, count = self._reader.recv()
                if done:
                    data = self._reader.recv_bytes()
                    buffers = [self._reader.recv_bytes() for _ in range(count)]
                    return pickle.loads(data, buffers=buffers)  # type: ignore[no-any-return]
            except (EOFError, OSError, pickle.UnpicklingError):
                pass
            finally:
                self._reader.close()
                process.join()
        return self._func(*self._args)

    def cancel(self) -> None:
        """Stop the child, if there is one; its result is not wanted."""
        if self._process is not None:
            process, self._process = self._process, None
            process.terminate()
            process.join()
            self._reader.close()


class Shares:
    """Tasks numbered 0 to count - 1, taken one at a time from the front by a child and from
    the back by this process, so that each goes on until the other has taken the rest.

    Who took what changes no result: a caller merges the answers by task number, and works
    out here any task whose answer never came back (a child that died). Where no lock can
    be shared, `shared` is False and the caller keeps every task here.
    """

    def __init__(self, count: int) -> None:
        self.shared = "fork" in multiprocessing.get_all_start_methods()
        try:
            context = multiprocessing.get_context("fork" if self.shared else None)
            self._ends: Any = context.RawArray("q", [0, count])
            self._lock: Any = context.Lock()
        except OSError:  # no shared semaphores here (a container without /dev/shm)
            self.shared = False
            self._ends, self._lock = [0, count], nullcontext()

    def front(self) -> int | None:
        return self._take(0, 1)

    def back(self) -> int | None:
        return self._take(1, -1)

    def _take(self, end: int, step: int) -> int | None:
        """The task at one end (0 the front, 1 the back), moved past; None once the ends have met."""
        with self._lock:
            first, last = self._ends[0], self._ends[1]
            if first >= last:
                return None
            self._ends[end] += step
            return int(first if end == 0 else last - 1)
