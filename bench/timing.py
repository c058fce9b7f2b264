"""Timing commands in fresh processes, interleaved so machine noise hits every case alike."""

from __future__ import annotations

import subprocess
import time


def timed(command: list[str], check: bool = True) -> float:
    """Seconds `command` takes; with check=False, one that exits non-zero (findings) counts too."""
    start = time.perf_counter()
    subprocess.run(command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def interleaved(cases: dict[str, list[str]], runs: int, check: bool = True) -> dict[str, list[float]]:
    """Seconds per run of each command: one warm-up each (page cache, .pyc files), then `runs` rounds."""
    for command in cases.values():
        timed(command, check)
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, command in cases.items():
            timings[name].append(timed(command, check))
    return timings
