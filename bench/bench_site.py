"""The site's render time and page weights: at the repository's size, and with a generated documents table.

Usage: python bench/bench_site.py [--documents N] [--runs R]

Builds a copy of the repository, then times `render` of its release's site in
fresh interpreters (imports count, as in a build), beside the same release
with its documents table grown to N rows (the rows repeated with new ids and
titles; evidence still cites the original four). Prints the median seconds and,
for each, the number of files, the largest page and the site's total size.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from faceledger.build import build
from faceledger.core.package import copy_repository

REPO = Path(__file__).resolve().parent.parent
RENDER = "import sys; from pathlib import Path; from faceledger.website.render import render; render(Path(sys.argv[1]), Path(sys.argv[2]))"


def grow_documents(release: Path, target: Path, documents: int) -> Path:
    """A copy of `release` (without its site) whose documents table has `documents` rows."""
    shutil.copytree(release, target, ignore=shutil.ignore_patterns("site"))
    path = target / "parquet" / "documents.parquet"
    table = pq.read_table(path)
    grown = table.take(pa.array([i % table.num_rows for i in range(documents)]))
    # The first rows keep their ids, so the evidence that quotes them still finds them.
    ids = [
        *table.column("document_id").to_pylist(),
        *(f"doc-{i:016x}" for i in range(table.num_rows, documents)),
    ]
    titles = [f"Generated document {i}: {title}" for i, title in enumerate(grown.column("title").to_pylist())]
    grown = grown.set_column(
        grown.schema.get_field_index("document_id"), "document_id", pa.array(ids[:documents])
    )
    grown = grown.set_column(grown.schema.get_field_index("title"), "title", pa.array(titles))
    pq.write_table(grown, path)
    return target


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user and system, the process and its children) of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def weights(site: Path) -> tuple[int, int, int]:
    """Files, the largest HTML page's bytes, and the total bytes of the site."""
    files = [p for p in site.rglob("*") if p.is_file()]
    pages = [p.stat().st_size for p in files if p.suffix == ".html"]
    return len(files), max(pages), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_repository(REPO, Path(tmp) / "repo")
        release = build(root, dist=Path(tmp) / "dist").release
        assert release is not None
        grown = grow_documents(release, Path(tmp) / "grown" / release.name, args.documents)
        py = sys.executable
        cases = {
            "render, repository data": [py, "-c", RENDER, str(release), str(Path(tmp) / "out-repo")],
            f"render, {args.documents:,} documents": [
                py,
                "-c",
                RENDER,
                str(grown),
                str(Path(tmp) / "out-grown"),
            ],
        }
        # CPU time is reported beside wall time: on a shared machine it is the steadier figure.
        # Cases run interleaved; every run renders the same files over the last run's.
        timings: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, command in cases.items():
                timings[name].append(timed(command))
        print("| case | median wall s | median CPU s | files | largest page KB | total KB |")
        print("|---|---:|---:|---:|---:|---:|")
        for (name, runs), out in zip(timings.items(), ("out-repo", "out-grown"), strict=True):
            files, largest, total = weights(Path(tmp) / out)
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            print(
                f"| {name} | {wall:.2f} | {cpu:.2f} | {files} | {largest / 1000:.1f} | {total / 1000:.0f} |"
            )


if __name__ == "__main__":
    main()
