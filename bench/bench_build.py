"""Wall time of `faceledger build`, beside baselines run in the same session.

Usage: python bench/bench_build.py [--runs N]

Each measurement runs in a fresh interpreter, so import costs count as a user sees
them. Cases run interleaved (one of each per round) so machine noise hits them
alike; medians and ratios to the bare-interpreter baseline are printed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from faceledger.core.package import copy_repository

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import interleaved  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "everyday-ai"


def copy_repo(target: Path, extra_seeds: Path | None = None) -> Path:
    copy_repository(REPO, target)
    if extra_seeds is not None:
        for path in sorted(extra_seeds.glob("*.md")):
            shutil.copyfile(path, target / "seeds" / path.name)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        repo = copy_repo(Path(tmp) / "repo")
        corpus = copy_repo(Path(tmp) / "corpus", CORPUS if CORPUS.is_dir() else None)
        cases = {
            "python -c pass (baseline)": [py, "-c", "pass"],
            "import faceledger": [py, "-c", "import faceledger"],
            "import pyarrow (reference)": [py, "-c", "import pyarrow"],
            "faceledger build (repo data)": [py, "-m", "faceledger", "build", "--root", str(repo)],
            "faceledger build (repo + 109-doc corpus)": [
                py,
                "-m",
                "faceledger",
                "build",
                "--root",
                str(corpus),
            ],
        }
        timings = interleaved(cases, args.runs)
    base = statistics.median(timings["python -c pass (baseline)"])
    print(f"{'case':45} {'median s':>9} {'min s':>7} {'x baseline':>10}   (runs={args.runs})")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"{name:45} {median:9.3f} {min(values):7.3f} {median / base:10.1f}")


if __name__ == "__main__":
    main()
