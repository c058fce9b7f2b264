"""The release's SQLite database, written by a process of its own: the same bytes, or written here when it dies."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from faceledger.build import BuildResult, build
from faceledger.core.findings import BuildFailed
from faceledger.core.package import Package
from faceledger.ingest import settings
from faceledger.publish import sqlite_db
from faceledger.publish.database_process import STAGING, DatabaseProcess


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def record_writer(monkeypatch: pytest.MonkeyPatch, log: Path, then: Callable[[], None] | None = None) -> None:
    """sqlite_db.build_database notes which process ran it in `log`, then calls `then` there.

    Patched before the worker is forked, so the worker runs the same patched function.
    """
    real = sqlite_db.build_database
    parent = os.getpid()

    def noted(package: Package, path: Path, stop: Callable[[], bool] | None = None) -> None:
        with log.open("a") as out:
            out.write(f"{os.getpid()}\n")
        if then is not None and os.getpid() != parent:
            then()
        real(package, path, stop)

    monkeypatch.setattr(sqlite_db, "build_database", noted)


def writers(log: Path) -> list[int]:
    return [int(line) for line in log.read_text().split()]


def written_here(
    package: Package, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, then: Callable[[], None] | None = None
) -> tuple[dict[str, bytes], Path]:
    """The files sqlite_db.write gives in this process, then the log of a writer patched after it."""
    sqlite_db.write(package, tmp_path / "here")
    log = tmp_path / "writers"
    record_writer(monkeypatch, log, then)
    return files(tmp_path / "here"), log


def test_the_process_writes_the_bytes_this_process_writes(
    build_result: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    package = build_result.package
    expected, log = written_here(package, tmp_path, monkeypatch)
    with DatabaseProcess() as process:
        process.start(package, tmp_path / "there")()
    assert files(tmp_path / "there") == expected
    assert (tmp_path / "here" / sqlite_db.DATABASE).stat().st_size > 0
    assert writers(log) != [os.getpid()]


def test_a_worker_killed_before_its_work_leaves_the_database_to_this_process(
    build_result: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    package = build_result.package
    expected, log = written_here(package, tmp_path, monkeypatch)
    before = set(multiprocessing.active_children())
    with DatabaseProcess() as process:
        (worker,) = set(multiprocessing.active_children()) - before
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(10)
        process.start(package, tmp_path / "there")()
    assert files(tmp_path / "there") == expected
    assert writers(log) == [os.getpid()]


def test_a_worker_that_dies_at_its_work_leaves_the_database_to_this_process(
    build_result: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    package = build_result.package
    expected, log = written_here(
        package, tmp_path, monkeypatch, then=lambda: os.kill(os.getpid(), signal.SIGKILL)
    )
    with DatabaseProcess() as process:
        process.start(package, tmp_path / "there")()
    assert files(tmp_path / "there") == expected
    died, survivor = writers(log)
    assert died != os.getpid() and survivor == os.getpid()


def test_the_worker_removes_the_tables_files_before_it_writes(
    build_result: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """So that a kill of either process during the write leaves no copy of the tables behind."""
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # before the fork: the worker's too
    seen = tmp_path / "seen"

    def note() -> None:
        seen.write_text("".join(f"{p.name}\n" for p in temporary.iterdir()))

    package = build_result.package
    expected, _ = written_here(package, tmp_path, monkeypatch, then=note)
    with DatabaseProcess() as process:
        process.start(package, tmp_path / "there")()
    assert seen.read_text() == ""
    assert files(tmp_path / "there") == expected


def test_a_failure_in_the_worker_fails_the_build_as_itself_and_leaves_nothing(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    def fail() -> None:
        raise RuntimeError("disk I/O error")

    record_writer(monkeypatch, tmp_path / "writers", then=fail)
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    # A folder of its own (the worker's too, forked after this): other tests' builds use the system's.
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    with settings.configured(jobs=2), pytest.raises(RuntimeError, match="disk I/O error"):
        build(repo)
    assert not (repo / "dist").exists() or not any((repo / "dist").iterdir())
    assert list(temporary.iterdir()) == []
    assert writers(tmp_path / "writers") != [os.getpid()]


def test_on_one_core_the_database_is_written_in_this_process(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    log = tmp_path / "writers"
    record_writer(monkeypatch, log)
    with settings.configured(jobs=1):
        build(repo)
    assert writers(log) == [os.getpid()]
    with settings.configured(jobs=2):
        build(repo)
    assert writers(log)[1] != os.getpid()


# A parent that starts the worker, says so, and waits to be killed.
PARENT = """
import sys, time
from faceledger.publish.database_process import DatabaseProcess
process = DatabaseProcess()
print("started", flush=True)
time.sleep(60)
"""


def test_a_worker_leaves_when_its_parent_is_killed_and_holds_no_pipe_open():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline() == "started\n"
        parent.kill()
        # EOF on both pipes means every process holding them (the worker too) is gone.
        out, _ = parent.communicate(timeout=10)
    finally:
        parent.kill()
    assert out == ""
    assert parent.returncode == -signal.SIGKILL


def test_the_database_is_begun_before_the_repository_parts_are_rendered(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """It needs only the checked tables: the rest of the plan and the release are made meanwhile."""
    import faceledger.build as building

    log = tmp_path / "writers"
    record_writer(monkeypatch, log)
    seen: list[list[int]] = []
    real = building.repository_files

    def parts(*args: Any, **kwargs: Any) -> Any:
        deadline = time.monotonic() + 20
        while not (log.exists() and writers(log)) and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(writers(log) if log.exists() else [])
        return real(*args, **kwargs)

    monkeypatch.setattr(building, "repository_files", parts)
    with settings.configured(jobs=2):
        result = build(repo)
    (worker,) = seen[0]
    assert worker != os.getpid()
    assert writers(log) == [worker]
    assert result.release is not None and (result.release / "sqlite" / sqlite_db.DATABASE).stat().st_size
    assert sorted(p.name for p in (repo / "dist").iterdir()) == [result.release.name]


def test_a_build_that_fails_after_the_database_began_leaves_nothing_in_dist(
    repo: Path, monkeypatch: pytest.MonkeyPatch
):
    import faceledger.build as building

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the parts could not be rendered")

    monkeypatch.setattr(building, "repository_files", fail)
    with settings.configured(jobs=2), pytest.raises(RuntimeError, match="could not be rendered"):
        build(repo)
    assert not (repo / "dist").exists()
    (repo / "dist").mkdir()
    with settings.configured(jobs=2), pytest.raises(RuntimeError, match="could not be rendered"):
        build(repo)
    assert list((repo / "dist").iterdir()) == []


def test_a_database_begun_on_other_tables_is_not_used(
    build_result: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    package = build_result.package
    documents = package.tables["documents"]
    fewer = replace(
        package, tables={**package.tables, "documents": replace(documents, data=documents.data[:1])}
    )
    sqlite_db.write(fewer, tmp_path / "expected")
    dist = tmp_path / "dist"
    with DatabaseProcess() as process:
        process.begin(package, dist)
        (staging,) = dist.iterdir()
        assert staging.name.startswith(STAGING)
        process.start(fewer, tmp_path / "there")()
    assert files(tmp_path / "there") == files(tmp_path / "expected")
    assert not dist.exists()  # begin made it, and nothing else is in it


def test_a_database_left_in_dist_by_a_killed_build_is_removed_by_the_next(repo: Path):
    left = repo / "dist" / f"{STAGING}k1lled00"
    left.mkdir(parents=True)
    (left / sqlite_db.DATABASE).write_bytes(b"half a database")
    with settings.configured(jobs=1):
        result = build(repo)
    assert result.release is not None
    assert sorted(p.name for p in (repo / "dist").iterdir()) == [result.release.name]


def test_a_begun_database_no_longer_wanted_stops_at_its_next_statement(
    build_result: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    real = sqlite_db.build_database
    started = tmp_path / "started"

    def waits_to_be_stopped(package: Package, path: Path, stop: Callable[[], bool] | None = None) -> None:
        started.touch()
        deadline = time.monotonic() + 30
        while stop is not None and not stop() and time.monotonic() < deadline:
            time.sleep(0.01)
        real(package, path, stop)

    monkeypatch.setattr(sqlite_db, "build_database", waits_to_be_stopped)
    dist = tmp_path / "dist"
    with DatabaseProcess() as process:
        process.begin(build_result.package, dist)
        early = process._early
        assert early is not None
        # Once the worker is at it: a database still queued is simply cancelled on close.
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert started.exists()
        closing = time.monotonic()
    assert time.monotonic() - closing < 20, "closed without waiting for the database it did not take"
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        early.done.result()
    assert not dist.exists()


def test_a_build_whose_checks_fail_stops_the_database_begun_and_leaves_nothing(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The database is begun once the tables are read, before they are checked."""
    organizations = repo / "dataset" / "organizations.csv"
    lines = organizations.read_text(encoding="utf-8").splitlines(keepends=True)
    organizations.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    log = tmp_path / "writers"
    record_writer(monkeypatch, log)
    with settings.configured(jobs=2), pytest.raises(BuildFailed) as failed:
        build(repo)
    assert "duplicate-key" in {finding.code for finding in failed.value.findings}
    assert writers(log) != [os.getpid()], "the worker was given the tables before the checks"
    assert not (repo / "dist").exists()
