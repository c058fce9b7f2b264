"""Wall time of `faceledger diff` between two releases of 100,000 documents, beside baselines.

Usage: python bench/bench_diff.py [--documents N] [--runs N]

Two releases are generated deterministically and written by the real exporters
(publish/release_folder.write_release): version 1.0.0, then 1.0.1 with 1% of the documents
modified, 1% removed and 1% renamed (with tombstones) and 1% added. Each
timed case runs in a fresh interpreter, so imports count as a user sees them;
cases run interleaved (one of each per round) and the medians are compared with
the baseline of just reading both releases' Parquet files. The diff's counts
are checked against what was generated, so the time is that of a correct diff.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
from timing import interleaved

from faceledger.compare import rows, snapshots
from faceledger.compare.report import changes_csv
from faceledger.core.package import Package, Table
from faceledger.core.schema import arrow_schema, read_json
from faceledger.publish.release_folder import write_release

REPO = Path(__file__).resolve().parent.parent
RESOURCES = ("documents", "document_links", "tombstones")
WORDS = [
    "police",
    "facial",
    "recognition",
    "contract",
    "agency",
    "vendor",
    "system",
    "camera",
    "database",
    "search",
    "border",
    "airport",
    "surveillance",
    "biometric",
    "identity",
    "match",
    "million",
    "award",
    "pilot",
    "program",
    "city",
    "county",
    "state",
    "federal",
]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def document(rng: random.Random, number: int) -> dict:
    digest = f"{rng.getrandbits(256):064x}"
    domain = rng.choice(["example.com", "news.example.org", "daily.example.net"])
    return {
        "document_id": f"doc-{number:016x}",
        "title": sentence(rng, 10),
        "excerpt": sentence(rng, 25),
        "publisher": domain.split(".")[0].title(),
        "publisher_domain": domain,
        "published_at": datetime(2015, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(5_000_000)),
        "url": f"https://{domain}/{number}/{'-'.join(rng.choice(WORDS) for _ in range(6))}",
        "topics": rng.sample(["AI", "Privacy", "Policing", "Immigration", "Retail"], rng.randrange(3))
        or None,
        "word_count": rng.randrange(50, 3000),
        "content_sha256": digest,
        "seed_path": f"seeds/{number:08d}.md",
        "source_format": "front-matter",
    }


def versions(count: int) -> tuple[dict[str, list[dict]], dict[str, list[dict]], dict[str, int]]:
    """The rows of both versions, and the changes made from one to the other."""
    rng = random.Random(20250301)
    old_docs = [document(rng, n) for n in range(count)]
    step = 100  # 1% of the documents each for: modified, added, removed + renamed
    # Links join documents that stay, as the build's foreign keys would require.
    kept = [d["document_id"] for i, d in enumerate(old_docs) if i % step not in (2, 3)]
    links = [
        {"document_id": d, "related_document_id": kept[(i * 7 + 1) % len(kept)], "position": 1}
        for i, d in enumerate(kept[: count // 2])
    ]
    links.sort(key=lambda link: (link["document_id"], link["related_document_id"]))
    old = {"documents": old_docs, "document_links": links, "tombstones": []}
    new_docs, stones, expected = [], [], {"modified": 0, "removed": 0, "renamed": 0, "added": 0}
    for i, doc in enumerate(old_docs):
        if i % step == 1:
            new_docs.append(
                {**doc, "title": doc["title"] + " (updated)", "word_count": doc["word_count"] + 1}
            )
            expected["modified"] += 1
        elif i % step == 2:
            stones.append(tombstone(doc, "removed", None))
            expected["removed"] += 1
        elif i % step == 3:
            renamed = {**doc, "document_id": doc["document_id"].replace("doc-0", "doc-f")}
            new_docs.append(renamed)
            stones.append(tombstone(doc, "renamed", renamed["document_id"]))
            expected["renamed"] += 1
        else:
            new_docs.append(doc)
    for n in range(count, count + count // step):
        new_docs.append(document(rng, n))
        expected["added"] += 1
    new_docs.sort(key=lambda d: d["document_id"])
    return old, {"documents": new_docs, "document_links": links, "tombstones": stones}, expected


def tombstone(doc: dict, status: str, successor: str | None) -> dict:
    return {
        "resource": "documents",
        "id": doc["document_id"],
        "status": status,
        "replaced_by": successor,
        "last_version": "1.0.0",
        "reason": "Benchmark change.",
    }


def package(root: Path, version: str, rows: dict[str, list[dict]]) -> Package:
    descriptor = read_json(REPO / "datapackage.json")
    descriptor["version"] = version
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in RESOURCES]
    schemas = {r["name"]: read_json(REPO / r["schema"]) for r in descriptor["resources"]}
    tables = {
        name: Table(name, pa.Table.from_pylist(rows[name], schema=arrow_schema(schemas[name])))
        for name in schemas
    }
    return Package(root, descriptor, schemas, tables)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        dist = Path(tmp)
        start = time.perf_counter()
        old_rows, new_rows, expected = versions(args.documents)
        old, new = package(dist, "1.0.0", old_rows), package(dist, "1.0.1", new_rows)
        stamp = datetime(2025, 1, 1, tzinfo=UTC)
        first_changes = rows.compare(snapshots.nothing(), snapshots.from_package(old))
        write_release(old, dist, changes_csv(first_changes), stamp)
        changes = rows.compare(snapshots.from_package(old), snapshots.from_package(new))
        write_release(new, dist, changes_csv(changes), stamp)
        print(f"generated and wrote both releases in {time.perf_counter() - start:.1f} s")
        first, second = dist / "faceledger-1.0.0", dist / "faceledger-1.0.1"

        check = subprocess.run(
            [
                py,
                "-c",
                "from faceledger.cli import app; app()",
                "diff",
                str(first),
                str(second),
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        report = json.loads(check.stdout)["data"]["documents"]
        found = {what: report[what] for what in expected}
        assert found == expected, (found, expected)
        print(f"diff finds the generated changes: {found}")

        parquet = [str(p) for p in sorted(dist.rglob("parquet/*.parquet"))]
        cli = [py, "-c", "from faceledger.cli import app; app()", "diff"]
        cases = {
            "python -c pass": [py, "-c", "pass"],
            "read both releases' Parquet (baseline)": [
                py,
                "-c",
                "import sys, pyarrow.parquet as pq; [pq.read_table(p) for p in sys.argv[1:]]",
                *parquet,
            ],
            "faceledger diff OLD NEW": [*cli, str(first), str(second)],
            "faceledger diff OLD NEW --format json": [*cli, str(first), str(second), "--format", "json"],
            "faceledger diff OLD/csv NEW/csv": [*cli, str(first / "csv"), str(second / "csv")],
        }
        timings = interleaved(cases, args.runs)

        in_process = []
        for _ in range(args.runs):
            before, after = snapshots.read_folder(first), snapshots.read_folder(second)
            begin = time.perf_counter()
            rows.compare(before, after)
            in_process.append(time.perf_counter() - begin)

    base = statistics.median(timings["read both releases' Parquet (baseline)"])
    print(
        f"\n{args.documents:,} documents, {args.runs} runs, {sys.platform}, Python {sys.version.split()[0]}"
    )
    print(f"{'case':42} {'median s':>9} {'min s':>7} {'x baseline':>10}")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"{name:42} {median:9.3f} {min(values):7.3f} {median / base:10.1f}")
    print(f"{'compare() alone, in process':42} {statistics.median(in_process):9.3f} {min(in_process):7.3f}")


if __name__ == "__main__":
    main()
