"""The benchmark scripts still run: one small round each, so BENCHMARKS.md's commands keep working."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .support import CORPUS, CORPUS_REQUIRED, REPO

# Modules the benchmarks import, not benchmarks themselves.
HELPERS = {"timing.py", "feeds.py", "memory.py"}
SMALL_RUNS = {
    "bench_build.py": ["--runs", "1"],
    "bench_loader.py": ["--runs", "1"],
    "bench_remote.py": ["--runs", "1"],
    "bench_parse.py": ["--documents", "200", "--runs", "1", "--corpus", str(CORPUS)],
    "bench_diff.py": ["--documents", "500", "--runs", "1"],
    "facts_checks.py": ["1", "--runs", "1"],
    "bench_ingest.py": ["--documents", "300", "--runs", "1", "--one-core"],
    "part_sizes.py": ["--seeds", "50"],
    "facts_package.py": ["generated", "--rows", "500", "--errors", "12"],
    "bench_validate.py": ["--rows", "2000", "--runs", "1"],
    "bench_site.py": ["--documents", "1200", "--runs", "1"],
    "bench_install.py": ["--runs", "1", "--cases", "light"],
}


@pytest.fixture(scope="module")
def with_package_data(tmp_path_factory: pytest.TempPathFactory, bundle: Path) -> dict[str, str]:
    """An environment whose `import faceledger` finds a copy of this package with its data inside.

    bench_loader.py times the faceledger the interpreter imports, and that needs the package
    data which only `faceledger build` writes into a checkout. So the benchmarks run on a copy
    of the package (first on PYTHONPATH) holding the session's bundle, not on whatever an
    earlier build left in faceledger/data/.
    """
    site = tmp_path_factory.mktemp("site")
    source = REPO / "faceledger"

    def leave_out(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if n == "__pycache__" or (Path(folder) == source and n == "data")]

    shutil.copytree(source, site / "faceledger", ignore=leave_out)
    shutil.copytree(bundle, site / "faceledger" / "data")
    path = [str(site), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path)}


def test_every_benchmark_has_a_smoke_run():
    assert sorted(p.name for p in (REPO / "bench").glob("*.py") if p.name not in HELPERS) == sorted(
        SMALL_RUNS
    )


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(SMALL_RUNS))
def test_benchmark_runs(script: str, with_package_data: dict[str, str], tmp_path: Path):
    if script == "bench_parse.py" and not CORPUS.is_dir() and not CORPUS_REQUIRED:
        pytest.skip(f"bench_parse.py reads the news-feed corpus, which is not at {CORPUS}")
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *SMALL_RUNS[script]],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the checkout: `python -c` would import its faceledger/ first
        env=with_package_data,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert any(ch.isdigit() for ch in proc.stdout), proc.stdout  # it printed figures


@pytest.mark.slow
def test_the_ingest_benchmark_at_its_largest_runs_the_baseline_and_one_full_build(
    with_package_data: dict[str, str], tmp_path: Path
):
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bench_ingest.py"), "--documents", "200", "--largest"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=with_package_data,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    cases = [line for line in proc.stdout.splitlines() if line.startswith(("baseline", "faceledger", "incr"))]
    assert [line.split(":")[0].split(" (")[0] for line in cases] == [
        "baseline",
        "faceledger build --no-cache",
    ]
    assert "200 documents, 1 runs" in proc.stdout
