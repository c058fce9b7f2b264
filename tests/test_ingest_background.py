"""A call worked out in a forked child (ingest/background.py): the same result, or the call made here."""

from __future__ import annotations

import os
import time

import pytest

from faceledger.ingest.background import Background
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
