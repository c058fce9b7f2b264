"""A full and an incremental `faceledger build` of N feed documents, beside a plain YAML parse of them.

Usage: python bench/bench_ingest.py [--documents N] [--runs R] [--one-core] [--largest]

The tree is the repository plus N copies of the corpus's feed documents, each with
its own title and addresses (bench/feeds.py). Cases run in fresh processes,
interleaved round by round, after a warm-up round:

- baseline: one process reads every seed and parses it with python-frontmatter
  (PyYAML's CSafeLoader), nothing else;
- full build: `faceledger build --no-cache` on every core;
- one-core build (with --one-core): the same on one process;
- full validate: `faceledger validate --no-cache` on every core;
- incremental build and validate: one seed's title edited, then `faceledger build` or
  `faceledger validate` with the caches the warm-up filled (the seed and render caches, and
  the documents snapshot the edit is patched into: ingest/incremental.py).

With --largest, for an N too large to build many times (BENCHMARKS.md's 1M figure): the
baseline and the full build only, once each, with no warm-up round.

Printed: median seconds, the ratio to the baseline (full build) or to the full
build (incremental), and peak memory: of the largest process, and of the command
with its workers (sampled every 0.1 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feeds import make_tree  # noqa: E402
from memory import Run, measured  # noqa: E402

# The reference time of the build (no git repository needed): later than every corpus date.
EPOCH = "1893456000"  # 2030-01-01


def baseline(tree: Path) -> None:
    """Read and parse every seed with python-frontmatter, as a plain single-process parser would."""
    import frontmatter

    for path in sorted((tree / "seeds").iterdir()):
        frontmatter.loads(path.read_text(encoding="utf-8"))


def _edit_one(tree: Path, round_: int) -> None:
    """Give one seed another title, as a contributor's fix would."""
    path = sorted((tree / "seeds").glob("feed-*"))[round_ % 7]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('\ntitle: "', f'\ntitle: "Edited {round_}: ', 1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one-core", action="store_true", help="also time a build on one process")
    parser.add_argument(
        "--largest", action="store_true", help="only the baseline and one full build, no warm-up round"
    )
    args = parser.parse_args()
    py = sys.executable
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("FACELEDGER_CACHE", None)
    env.pop("FACELEDGER_JOBS", None)
    # Commands run as an installed faceledger does, from bytecode compiled once (round 0 writes
    # it): a shell that sets this would time Python compiling the source in every run instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory(prefix="faceledger-bench-") as tmp:
        started = time.perf_counter()
        tree = make_tree(Path(tmp) / "tree", args.documents)
        print(
            f"{args.documents:,} feed documents written in {time.perf_counter() - started:.1f} s", flush=True
        )
        build = [py, "-m", "faceledger", "build", "--root", str(tree)]
        validate = [py, "-m", "faceledger", "validate", "--root", str(tree)]
        cases: dict[str, list[str]] = {
            "baseline: python-frontmatter (CSafeLoader), one process": [
                py,
                __file__,
                "--baseline",
                str(tree),
            ],
            "faceledger build --no-cache (every core)": [*build, "--no-cache"],
        }
        if args.one_core:
            cases["faceledger build --no-cache --jobs 1"] = [*build, "--no-cache", "--jobs", "1"]
        if not args.largest:
            cases["faceledger validate --no-cache (every core)"] = [*validate, "--no-cache"]
            cases["incremental: one seed edited, faceledger build"] = build
            cases["incremental: one seed edited, faceledger validate"] = validate
        runs: dict[str, list[Run]] = {name: [] for name in cases}
        # Round 0 warms the page cache and fills the seed cache; --largest has no time for it.
        first = 1 if args.largest else 0
        for round_ in range(first, first + (1 if args.largest else args.runs + 1)):
            for name, command in cases.items():
                if name.startswith("incremental"):
                    _edit_one(tree, round_ * 2 + len(runs[name]))
                run = measured(command, env=env, cwd=Path(tmp))
                if round_:
                    runs[name].append(run)
            print(f"round {round_} done", file=sys.stderr, flush=True)
    base = statistics.median(r.seconds for r in runs[next(iter(cases))])
    full = statistics.median(r.seconds for r in runs["faceledger build --no-cache (every core)"])
    print(f"\n{args.documents:,} documents, {len(runs[next(iter(cases))])} runs, {os.cpu_count()} cores")
    print(f"{'case':55} {'median s':>9} {'ratio':>16} {'peak MB':>8} {'with workers':>13}")
    for name, values in runs.items():
        median = statistics.median(r.seconds for r in values)
        ratio = (
            f"{median / full:.2f}x full"
            if name.startswith("incremental")
            else f"{median / base:.2f}x baseline"
        )
        peak = max(r.peak_mb for r in values)
        tree_peak = max(r.tree_peak_mb for r in values)
        print(f"{name:55} {median:9.2f} {ratio:>16} {peak:8.0f} {tree_peak:13.0f}")
    print(f"\nfull build: {args.documents / full:,.0f} documents/s")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--baseline":
        baseline(Path(sys.argv[2]))
    else:
        main()
