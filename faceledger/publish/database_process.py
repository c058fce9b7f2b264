"""The release's SQLite database, written by a process of its own while this one writes the rest.

SQLite lets go of the interpreter while it steps, but binding each row's values holds
it: on a thread beside the other formats, the zips and the site, the database took
twice as long as alone, and the release waits for it. A second process has an
interpreter of its own.

The process is started when a build begins (`DatabaseProcess()`), so that its imports
are done while the plan is made, and it is given the tables (`begin`) as soon as they
are read: the database file needs nothing the checks or the rest of the plan make (the
repository's parts, the version, changes.csv), and it is the release's longest job. A
database the build no longer wants (its checks failed) is stopped within milliseconds:
SQLite polls a number the two processes share.
It builds the file in a staging folder of the dist folder, `.faceledger-database.staging-*`,
which the release then takes by a rename; a build killed meanwhile leaves that folder to
the next build's tidy-up (core/transaction.py recover). The tables reach the worker as
Arrow IPC files it maps, not as a copy through a pipe, which would cost this process
their size again; it removes the files once mapped. It writes the bytes
sqlite_db.write writes here; if it dies, the database is written here.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa

from ..core.package import Package, Table

# The staging folder of a database begun before its release (core/transaction.py's LEFTOVER form,
# named like a release, so that recover removes it from dist/ after a kill).
STAGING = ".faceledger-database.staging-"


# In the worker: the parent's count of the tickets it has cancelled (a ticket is one begun database).
_cancelled: Any = None


def _start_worker(parent: int, cancelled: Any) -> None:
    global _cancelled
    _cancelled = cancelled
    _watch(parent)


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


def _mapped(package: Package, names: list[str], tables: Path) -> Package:
    mapped = {}
    for name in names:
        with pa.memory_map(str(tables / f"{name}.arrow")) as source:
            mapped[name] = Table(name, pa.ipc.open_file(source).read_all())
    # Mapped, the files need no names: removed now, a kill of either process during the write
    # leaves no copy of the tables (gigabytes at a million documents) in the temporary folder.
    shutil.rmtree(tables, ignore_errors=True)
    return replace(package, tables=mapped)


def _write(package: Package, names: list[str], tables: Path, folder: Path) -> None:
    from . import sqlite_db

    sqlite_db.write(_mapped(package, names, tables), folder)


def _build(package: Package, names: list[str], tables: Path, path: Path, ticket: int) -> None:
    from . import sqlite_db

    def stop() -> bool:
        return _cancelled is not None and _cancelled.value >= ticket

    sqlite_db.build_database(_mapped(package, names, tables), path, stop)


def _light(package: Package) -> Package:
    # What the database needs of the package but its tables: schemas and descriptor, a few KB.
    return replace(package, tables={}, texts={}, findings=[], successors={}, _views={})


def _save(package: Package, folder: Path) -> list[str]:
    for name, table in package.tables.items():
        data = table.data
        with (
            pa.OSFile(str(folder / f"{name}.arrow"), "wb") as sink,
            pa.ipc.new_file(sink, data.schema) as out,
        ):
            out.write_table(data)
    return list(package.tables)


def _done_there(done: Future[None], temporary: tempfile.TemporaryDirectory[str]) -> bool:
    """Whether the worker did its work (an exception it raised is raised here), or died at it."""
    with temporary:
        try:
            done.result()
        except BrokenProcessPool:
            return False
    return True


def _finish(
    done: Future[None], temporary: tempfile.TemporaryDirectory[str], package: Package, folder: Path
) -> None:
    from . import sqlite_db

    if not _done_there(done, temporary):
        # What the worker left is thrown away, and the work done here.
        shutil.rmtree(folder, ignore_errors=True)
        sqlite_db.write(package, folder)


@dataclass
class _Early:
    """A database the worker was given before the release began: `begin`'s work in flight."""

    tables: dict[str, Table]  # the package's tables it is made of
    ticket: int  # what the parent sets `cancelled` to, to stop it
    done: Future[None]
    temporary: tempfile.TemporaryDirectory[str]  # the tables' Arrow files
    staging: Path  # the folder in dist/ the worker writes the database into
    made: Path | None  # the dist folder, when begin made it
    taken: bool = False  # by the release (start): it is no longer to be stopped

    def made_of(self, package: Package) -> bool:
        tables = package.tables
        return tables.keys() == self.tables.keys() and all(tables[n] is t for n, t in self.tables.items())

    def finish(self, package: Package, folder: Path) -> None:
        from . import sqlite_db

        built = self.staging / sqlite_db.DATABASE if _done_there(self.done, self.temporary) else None
        sqlite_db.write(package, folder, built=built)

    def discard(self) -> None:
        """Remove what it left in dist/ (once the worker is done with it)."""
        self.temporary.cleanup()
        shutil.rmtree(self.staging, ignore_errors=True)
        if self.made is not None:
            with contextlib.suppress(OSError):
                self.made.rmdir()  # only while empty: a release written there keeps it


class DatabaseProcess:
    """A worker process that writes sqlite/ (publish/sqlite_db.py); use it as a context manager."""

    def __init__(self) -> None:
        # fork: the worker starts with faceledger imported and nothing to read. Elsewhere, the default.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        context = multiprocessing.get_context(method)
        # Shared memory the worker reads while it builds a begun database: a begun database that a
        # build no longer wants (its checks failed) stops at its next statement, not at its end.
        self._cancelled = context.RawValue("q", 0)
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(), self._cancelled),
        )
        self._pool.submit(_ready)
        self._begun: list[_Early] = []

    def begin(self, package: Package, dist: Path) -> None:
        """Have the worker start the database of `package`'s tables, in a staging folder in `dist`.

        `start` takes it when given the same tables; else it is thrown away on close.
        If the worker is gone already, nothing is begun and `start` writes the database here.
        """
        from . import sqlite_db

        made = None
        if not dist.exists():
            dist.mkdir(parents=True)
            made = dist
        staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=dist))
        temporary = tempfile.TemporaryDirectory(prefix="faceledger-tables-")
        self._cancel()  # one begun database at a time: the last
        ticket = len(self._begun) + 1
        early = _Early(dict(package.tables), ticket, Future(), temporary, staging, made)
        try:
            names = _save(package, Path(temporary.name))
            path = staging / sqlite_db.DATABASE
            early.done = self._pool.submit(_build, _light(package), names, Path(temporary.name), path, ticket)
        except BrokenProcessPool:
            early.discard()
            return
        except BaseException:
            early.discard()
            raise
        self._begun.append(early)

    @property
    def _early(self) -> _Early | None:
        """The database begun last: the one the release may take."""
        return self._begun[-1] if self._begun else None

    def start(self, package: Package, folder: Path) -> Callable[[], None]:
        """Have the worker do what sqlite_db.write(package, folder) does; the call returned waits for it.

        The tables are saved here, before returning: a hundredth of a second on the
        caller's thread, where another thread would wait for the interpreter to get it.
        """
        from . import sqlite_db

        early = self._early
        if early is not None and not early.taken and early.made_of(package):
            early.taken = True
            return partial(early.finish, package, folder)
        self._cancel()
        temporary = tempfile.TemporaryDirectory(prefix="faceledger-tables-")
        try:
            names = _save(package, Path(temporary.name))
            done = self._pool.submit(_write, _light(package), names, Path(temporary.name), folder)
        except BrokenProcessPool:
            # The worker died before it was given the work (killed, out of memory): it is done here.
            temporary.cleanup()
            return partial(sqlite_db.write, package, folder)
        except BaseException:
            temporary.cleanup()
            raise
        return partial(_finish, done, temporary, package, folder)

    def _cancel(self) -> None:
        """Stop the begun database, unless the release took it."""
        early = self._early
        if early is not None and not early.taken:
            self._cancelled.value = early.ticket

    def close(self) -> None:
        self._cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        for early in self._begun:
            early.discard()
        self._begun = []

    def __enter__(self) -> DatabaseProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
