"""Cost of the curated-fact checks as the facts grow.

Builds a scratch repository whose curated CSVs hold N copies of the real facts (identifiers
suffixed, quotes and documents unchanged) and times `assemble` with the fact checks and,
side by side, without them (the baseline: reading and typing the same CSVs, keys, foreign keys).
The copies repeat the same few dozen texts, so the privacy scan's caches hit more often than on
real data: read the larger sizes as a lower bound on the cost.

    .venv/bin/python bench/facts_checks.py            # N = 1, 30, 300
    .venv/bin/python bench/facts_checks.py 1000 --runs 3
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from faceledger import checks as assembly

REPO = Path(__file__).resolve().parents[1]
CURATED = ("organizations", "systems", "contracts", "evidence")
ID = re.compile(r"(org|sys|con|ev)-[a-z0-9]+(-[a-z0-9]+)*")


def scaled_repo(root: Path, copies: int) -> int:
    for name in ("seeds", "schema", "dataset"):
        shutil.copytree(REPO / name, root / name)
    shutil.copyfile(REPO / "datapackage.json", root / "datapackage.json")
    rows = 0
    for name in CURATED:
        path = root / "dataset" / f"{name}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            header, *body = list(csv.reader(handle))
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for copy in range(copies):
                for row in body:
                    writer.writerow([f"{c}-n{copy}" if ID.fullmatch(c) else c for c in row])
        rows += copies * len(body)
    return rows


def median_seconds(root: Path, checks: list, runs: int) -> float:
    saved = list(assembly.CHECKS)
    assembly.CHECKS[:] = checks
    try:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = assembly.assemble(root)
            times.append(time.perf_counter() - start)
            assert not [f for f in result.findings if f.severity == "error"], result.findings[:3]
        return statistics.median(times)
    finally:
        assembly.CHECKS[:] = saved


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("copies", nargs="*", type=int, default=[1, 30, 300])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'copies':>7} {'rows':>7} {'baseline s':>11} {'with checks s':>14} {'ratio':>6}")
    for copies in args.copies:
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch)
            rows = scaled_repo(root, copies)
            base = median_seconds(root, [], args.runs)
            full = median_seconds(root, list(assembly.CHECKS), args.runs)
            print(f"{copies:>7} {rows:>7} {base:>11.3f} {full:>14.3f} {full / base:>6.2f}")


if __name__ == "__main__":
    main()
