"""A call worked out in a forked child (ingest/background.py): the same result, or the call made here."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

from faceledger.ingest.background import Background, Shares
from faceledger.ingest.settings import configured

PARENT = os.getpid()


def pid() -> int:
    return os.getpid()


def dies_in_a_child() -> str:
    if os.getpid() != PARENT:
        os._exit(3)
    return "made here"


def fails(word: str) -> None:
    raise ValueError(word)


def sleeps() -> None:
    time.sleep(60)


def test_with_two_jobs_the_call_is_made_in_a_child_and_with_one_here():
    with configured(jobs=2):
        assert Background(pid).result() != os.getpid()
    with configured(jobs=1):
        assert Background(pid).result() == os.getpid()


def test_a_child_that_dies_costs_only_time():
    with configured(jobs=2):
        assert Background(dies_in_a_child).result() == "made here"


def test_a_call_that_raises_in_the_child_raises_here():
    with configured(jobs=2), pytest.raises(ValueError, match="refused"):
        Background(fails, "refused").result()


def test_a_cancelled_call_stops_its_child_at_once():
    with configured(jobs=2):
        scan = Background(sleeps)
    started = time.monotonic()
    scan.cancel()
    assert time.monotonic() - started < 10
    scan.cancel()  # twice is harmless


def workers() -> tuple[int, int]:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1) as pool:
        return os.getpid(), pool.submit(os.getpid).result()


def test_a_nested_call_starts_workers_of_its_own_in_its_child():
    with configured(jobs=2):
        child, worker = Background(workers, nested=True).result()
        # A daemonic child may not start a pool: the call is made here instead.
        here, _ = Background(workers).result()
    assert child != PARENT and worker not in (PARENT, child)
    assert here == PARENT


def table(rows: int) -> pa.Table:
    return pa.table(
        {"n": pa.array(range(rows), pa.int64()), "text": pa.array([f"row {i}" for i in range(rows)])}
    )


def test_arrow_tables_come_back_whole_and_apart_false_stays_here():
    with configured(jobs=2):
        got = Background(table, 300_000).result()
        assert Background(pid, apart=False).result() == os.getpid()
    assert got.equals(table(300_000))
    assert got.schema == table(1).schema


def test_a_child_dies_with_the_process_that_started_it(tmp_path: Path):
    script = tmp_path / "starts.py"
    script.write_text(
        "import os, time\n"
        "from faceledger.ingest.background import Background\n"
        "from faceledger.ingest.settings import configured\n"
        "def sleeps():\n"
        "    time.sleep(120)\n"
        "with configured(jobs=2):\n"
        "    call = Background(sleeps, nested=True)\n"
        "    print(call._process.pid, flush=True)\n"
        "    time.sleep(120)\n",
        encoding="utf-8",
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    # A dead child not yet reaped by anyone shows as a zombie: gone, for this purpose.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def taken_by(take) -> list[tuple[int, int]]:
    """Every task `take` hands out, with the process that took it; each holds the other back a little."""
    taken = []
    for task in iter(take, None):
        taken.append((task, os.getpid()))
        time.sleep(0.01)
    return taken


def test_a_child_and_this_process_take_every_share_once_between_them():
    shares = Shares(40)
    with configured(jobs=2):
        child = Background(taken_by, shares.front, apart=shares.shared)
        mine = taken_by(shares.back)
        theirs = child.result()
    assert sorted(task for task, _ in mine + theirs) == list(range(40))
    # Both took some: the child from the front, this process from the back.
    assert mine and theirs and os.getpid() not in {p for _, p in theirs}
    assert max(task for task, _ in theirs) < min(task for task, _ in mine)


def test_with_one_job_this_process_takes_every_share():
    shares = Shares(5)
    with configured(jobs=1):
        child = Background(taken_by, shares.front, apart=shares.shared)
        mine = taken_by(shares.back)
        assert child.result() == []
    assert [task for task, _ in mine] == [4, 3, 2, 1, 0]
