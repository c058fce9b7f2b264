"""What `pip install faceledger` costs a data user, against `pip install 'faceledger[build]'`.

Each round makes a fresh virtual environment per case, times `pip install` of the wheel there
(with pip's cache as it is: warm after the first round) and measures what it added to
site-packages with du, and the distributions it added (pip and setuptools of the bare venv aside).
The wheel is built from this checkout unless --wheel names one.

    python bench/bench_install.py [--wheel WHEEL] [--runs N] [--cases light,build]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASES = {"light": "", "build": "[build]"}


def build_wheel(outdir: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(outdir), str(REPO)],
        check=True,
        capture_output=True,
    )
    [wheel] = outdir.glob("faceledger-*.whl")
    return wheel


def site_packages(venv: Path) -> Path:
    [found] = venv.glob("lib/python*/site-packages")
    return found


def du_mb(folder: Path) -> float:
    kib = subprocess.run(["du", "-sk", str(folder)], check=True, capture_output=True, text=True).stdout
    return int(kib.split()[0]) / 1024


def distributions(python: str) -> set[str]:
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--format", "freeze"], check=True, capture_output=True, text=True
    )
    return {line.split("==")[0].lower() for line in listed.stdout.split()}


def install(wheel: Path, extra: str, work: Path) -> tuple[float, float, int]:
    """Seconds to install, and MB of site-packages and distributions beyond a bare venv's."""
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    bare, bare_names = du_mb(site_packages(venv)), distributions(python)
    start = time.perf_counter()
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"{wheel}{extra}"],
        check=True,
    )
    seconds = time.perf_counter() - start
    return seconds, du_mb(site_packages(venv)) - bare, len(distributions(python) - bare_names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="A built wheel (default: build one from this checkout).")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", default=",".join(CASES), help="Comma-separated: light, build.")
    options = parser.parse_args()
    cases = options.cases.split(",")
    with tempfile.TemporaryDirectory(prefix="faceledger-bench-install-") as folder:
        work = Path(folder)
        wheel = options.wheel or build_wheel(work / "dist")
        results: dict[str, list[tuple[float, float, int]]] = {case: [] for case in cases}
        for run in range(options.runs):
            for case in cases:
                results[case].append(install(wheel, CASES[case], work / f"{case}-{run}"))
    print(f"wheel: {wheel.name}")
    print("| install | median s | site-packages MB | distributions installed (faceledger included) |")
    print("|---|---:|---:|---:|")
    for case, rounds in results.items():
        name = f"`pip install {wheel.name.split('-')[0]}{CASES[case]}`"
        seconds = statistics.median(r[0] for r in rounds)
        print(f"| {name} | {seconds:.1f} | {rounds[-1][1]:.0f} | {rounds[-1][2]} |")


if __name__ == "__main__":
    main()
