"""How long `import faceledger` and `faceledger.load(...)` take, beside baselines run alongside.

Usage: python bench/bench_loader.py [--runs N] [--name RESOURCE]

Reads the package data of the faceledger this interpreter imports (in a clone,
`faceledger build` writes it). Each process case runs in a fresh interpreter,
so import costs count as a user sees them; cases run interleaved, one of each
per round, so machine noise hits them alike. Then `load` is timed in one
process after its first call, when pyarrow is already imported.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time

from timing import interleaved


def in_process(name: str, flavour: str, calls: int) -> list[float]:
    import faceledger

    faceledger.load(name, as_=flavour)  # the first call imports pyarrow (and pandas)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        faceledger.load(name, as_=flavour)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--name", default="documents", help="the resource to load")
    args = parser.parse_args()

    import faceledger

    try:
        path = faceledger.path(args.name)
    except faceledger.DataNotBuilt as exc:
        sys.exit(f"error: {exc}")
    has_pandas = importlib.util.find_spec("pandas") is not None
    load = f"import faceledger; faceledger.load({args.name!r})"
    cases = {
        "python -c pass (baseline)": "pass",
        "import faceledger": "import faceledger",
        "import faceledger; __version__": "import faceledger; faceledger.__version__",
        "import pyarrow (reference)": "import pyarrow",
        "import faceledger, pyarrow.parquet (reference)": "import faceledger, pyarrow.parquet",
        f"import faceledger; load({args.name!r})": load,
        f"pq.read_table({args.name!r}) (reference)": (
            f"import pyarrow.parquet as pq; pq.read_table({str(path)!r})"
        ),
    }
    if has_pandas:
        cases["import pandas (reference)"] = "import pandas"
        cases[f"load({args.name!r}, as_='pandas')"] = (
            f"import faceledger; faceledger.load({args.name!r}, as_='pandas')"
        )

    timings = interleaved({case: [sys.executable, "-c", code] for case, code in cases.items()}, args.runs)

    base = statistics.median(timings["python -c pass (baseline)"])
    arrow = statistics.median(timings["import pyarrow (reference)"])
    numpy = "installed" if importlib.util.find_spec("numpy") else "absent"
    print(f"faceledger {faceledger.__version__}, {args.name}: {path.stat().st_size:,} bytes; numpy {numpy}")
    print(f"fresh processes, runs={args.runs}")
    print(f"{'case':48} {'median ms':>9} {'min ms':>7} {'x baseline':>10} {'- baseline ms':>13}")
    for case, values in timings.items():
        median = statistics.median(values)
        print(
            f"{case:48} {median * 1e3:9.1f} {min(values) * 1e3:7.1f} {median / base:10.2f} {(median - base) * 1e3:13.1f}"
        )
    first_load = statistics.median(timings[f"import faceledger; load({args.name!r})"])
    imports = statistics.median(timings["import faceledger, pyarrow.parquet (reference)"])
    print(f"first load over import pyarrow: {(first_load - arrow) * 1e3:.1f} ms ({first_load / arrow:.2f}x)")
    print(f"first load over the imports it needs: {(first_load - imports) * 1e3:.1f} ms")

    calls = 200
    print(f"\nin one process, after the first call, {calls} calls")
    for flavour in ("arrow", "pandas") if has_pandas else ("arrow",):
        times = in_process(args.name, flavour, calls)
        print(
            f"load({args.name!r}, as_={flavour!r}): median {statistics.median(times) * 1e3:.2f} ms, "
            f"min {min(times) * 1e3:.2f} ms"
        )


if __name__ == "__main__":
    main()
