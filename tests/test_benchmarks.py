"""The benchmark scripts still run: one small round each, so BENCHMARKS.md's commands keep working."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .support import REPO

SMALL_RUNS = {
    "bench_build.py": ["--runs", "1"],
    "bench_loader.py": ["--runs", "1"],
    "bench_diff.py": ["--documents", "500", "--runs", "1"],
    "facts_checks.py": ["1", "--runs", "1"],
}


def test_every_benchmark_has_a_smoke_run():
    assert sorted(p.name for p in (REPO / "bench").glob("*.py") if p.name != "timing.py") == sorted(
        SMALL_RUNS
    )


@pytest.mark.parametrize("script", sorted(SMALL_RUNS))
def test_benchmark_runs(script: str):
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *SMALL_RUNS[script]],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert any(ch.isdigit() for ch in proc.stdout), proc.stdout  # it printed figures
