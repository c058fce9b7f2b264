"""`faceledger validate` against `frictionless validate` on the same curated facts at N rows.

Generates the package with bench/facts_package.py (the real curated rows replicated to N
rows in all, the documents side the repository's own seeds), once clean and once with 1 %
of its rows given a known error, then times both validators on each in fresh processes,
interleaved, and prints medians, the ratio frictionless / faceledger, and how many errors
each reports against how many were injected. `faceledger validate` runs its default path,
without the frictionless second opinion (`--frictionless`).

    .venv/bin/python bench/bench_validate.py                      # 1,000,000 rows, 3 runs
    .venv/bin/python bench/bench_validate.py --rows 100000 --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from facts_package import generate  # noqa: E402
from timing import interleaved  # noqa: E402


def commands(root: Path) -> dict[str, list[str]]:
    bin_dir = Path(sys.executable).parent
    return {
        "faceledger": [str(bin_dir / "faceledger"), "validate", "--root", str(root)],
        # Past 1,000 errors (its default limit) frictionless stops: raised so it reads every row.
        "frictionless": [
            str(bin_dir / "frictionless"),
            "validate",
            "--limit-errors",
            "10000000",
            str(root / "datapackage.json"),
        ],
    }


def faceledger_errors(root: Path) -> int:
    bin_dir = Path(sys.executable).parent
    proc = subprocess.run(
        [str(bin_dir / "faceledger"), "validate", "--root", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    return sum(1 for f in json.loads(proc.stdout) if f["severity"] == "error")


def frictionless_errors(root: Path) -> int:
    bin_dir = Path(sys.executable).parent
    proc = subprocess.run(
        [
            str(bin_dir / "frictionless"),
            "validate",
            "--json",
            "--limit-errors",
            "10000000",
            "datapackage.json",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )
    report = json.loads(proc.stdout)
    return len(report["errors"]) + sum(len(task["errors"]) for task in report["tasks"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--error-rate", type=float, default=0.01)
    args = parser.parse_args()
    print(
        f"{'package':<9} {'rows':>9} {'injected':>8} {'faceledger s':>12} {'frictionless s':>14} {'ratio':>6}"
        f" {'fl errors':>9} {'fr errors':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as scratch:
        for label, rate in (("clean", 0.0), ("errors", args.error_rate)):
            root = Path(scratch) / label
            made = generate(root, args.rows, round(args.rows * rate))
            times = interleaved(commands(root), args.runs, check=not made.errors)
            ours, theirs = (statistics.median(times[k]) for k in ("faceledger", "frictionless"))
            print(
                f"{label:<9} {made.rows:>9} {len(made.errors):>8} {ours:>12.2f} {theirs:>14.2f} {theirs / ours:>6.1f}"
                f" {faceledger_errors(root):>9} {frictionless_errors(root):>9}"
            )
    print(
        "ratio: frictionless / faceledger median seconds; fl/fr errors: errors each reports "
        "(frictionless reports a duplicate primary key twice and does not check quotes or privacy)"
    )


if __name__ == "__main__":
    main()
