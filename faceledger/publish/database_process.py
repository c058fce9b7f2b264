"""The release's SQLite database, written by a process of its own while this one writes the rest.

SQLite lets go of the interpreter while it steps, but binding each row's values holds
it: on a thread beside the other formats, the zips and the site, the database took
twice as long as alone, and the release waits for it. A second process has an
interpreter of its own.

The process is started when a build begins (`DatabaseProcess()`), so that its imports
are done while the plan is made. The tables reach it as Arrow IPC files it maps, not
as a copy through a pipe, which would cost this process their size again; it removes
the files once mapped. It writes the bytes sqlite_db.write writes here; if it dies,
the database is written here.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from functools import partial
from pathlib import Path
from types import TracebackType

import pyarrow as pa

from ..core.package import Package, Table


def _watch(parent: int) -> None:
    """Leave as soon as the parent is gone (within a tenth of a second), whatever is being done.

    A parent killed with SIGKILL closes nothing: the worker would wait on its task queue
    forever, holding open the stdout and stderr it shares with the parent, so that
    whoever reads those (CI, a test, a shell pipe) would hang too.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.1)
        os._exit(1)

    threading.Thread(target=watch, name="faceledger-parent-watch", daemon=True).start()


def _ready() -> None:
    # The worker's first task: the writer's imports, made while the parent plans.
    from . import sqlite_db  # noqa: F401


def _write(package: Package, names: list[str], tables: Path, folder: Path) -> None:
    from . import sqlite_db

    mapped = {}
    for name in names:
        with pa.memory_map(str(tables / f"{name}.arrow")) as source:
            mapped[name] = Table(name, pa.ipc.open_file(source).read_all())
    # Mapped, the files need no names: removed now, a kill of either process during the write
    # leaves no copy of the tables (gigabytes at a million documents) in the temporary folder.
    shutil.rmtree(tables, ignore_errors=True)
    sqlite_db.write(replace(package, tables=mapped), folder)


def _save(package: Package, folder: Path) -> list[str]:
    for name, table in package.tables.items():
        data = table.data
        with (
            pa.OSFile(str(folder / f"{name}.arrow"), "wb") as sink,
            pa.ipc.new_file(sink, data.schema) as out,
        ):
            out.write_table(data)
    return list(package.tables)


def _finish(
    done: Future[None], temporary: tempfile.TemporaryDirectory[str], package: Package, folder: Path
) -> None:
    from . import sqlite_db

    with temporary:
        try:
            return done.result()
        except BrokenProcessPool:
            pass
    # The worker died at the work: what it left is thrown away, and the work done here.
    shutil.rmtree(folder, ignore_errors=True)
    sqlite_db.write(package, folder)


class DatabaseProcess:
    """A worker process that writes sqlite/ (publish/sqlite_db.py); use it as a context manager."""

    def __init__(self) -> None:
        # fork: the worker starts with faceledger imported and nothing to read. Elsewhere, the default.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context(method),
            initializer=_watch,
            initargs=(os.getpid(),),
        )
        self._pool.submit(_ready)

    def start(self, package: Package, folder: Path) -> Callable[[], None]:
        """Have the worker do what sqlite_db.write(package, folder) does; the call returned waits for it.

        The tables are saved here, before returning: a hundredth of a second on the
        caller's thread, where another thread would wait for the interpreter to get it.
        """
        from . import sqlite_db

        temporary = tempfile.TemporaryDirectory(prefix="faceledger-tables-")
        try:
            names = _save(package, Path(temporary.name))
            # What the database needs of the package but its tables: schemas and descriptor, a few KB.
            light = replace(package, tables={}, texts={}, findings=[], successors={}, _views={})
            done = self._pool.submit(_write, light, names, Path(temporary.name), folder)
        except BrokenProcessPool:
            # The worker died before it was given the work (killed, out of memory): it is done here.
            temporary.cleanup()
            return partial(sqlite_db.write, package, folder)
        except BaseException:
            temporary.cleanup()
            raise
        return partial(_finish, done, temporary, package, folder)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> DatabaseProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
