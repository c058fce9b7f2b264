"""The per-seed cost of ingest: front-matter parsing and seed normalization, beside libyaml.

Usage: python bench/bench_parse.py [--documents N] [--runs R] [--corpus DIR] [--before CHECKOUT]

The feed corpus is repeated to N documents (each copy's URLs get their own host, so the
canonical_url cache sees about as many distinct URLs as a real feed rather than 109). Cases
run interleaved, one of each per round, and print the median time per document and its ratio
to the baseline: PyYAML's CSafeLoader, which python-frontmatter uses by default. "strict only"
is this checkout with the fast parser switched off. --before times read_seed and the per-seed
work of another checkout (say the main branch) on the same files, in a subprocess that runs
its cases in the same rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BASELINE = "yaml.load, CSafeLoader (baseline)"
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "everyday-ai"


def make_seeds(corpus: Path, documents: int, folder: Path) -> list[Path]:
    sources = sorted(corpus.glob("*.md"))
    if not sources:
        sys.exit(f"error: no corpus documents in {corpus}")
    (folder / "seeds").mkdir()
    paths = []
    for number in range(documents):
        text = sources[number % len(sources)].read_text(encoding="utf-8")
        copy = number // len(sources)
        path = folder / "seeds" / f"{number:05d}.md"
        path.write_text(text.replace("://", f"://c{copy}.") if copy else text, encoding="utf-8")
        paths.append(path)
    return paths


def per_seed_work(folder: Path, paths: list[Path]) -> tuple[Callable[[], None], Callable[[], None]]:
    """read_seed over every file, and read_seed with the normalization of each seed after it.

    Both keep what they make until the round ends, as build_documents keeps every seed and
    source until the merge: what a seed holds on to costs garbage-collector time too.
    """
    from faceledger.ingest import urls
    from faceledger.ingest.documents import _seed_source
    from faceledger.ingest.merge import Documents
    from faceledger.ingest.related import related_sources
    from faceledger.ingest.seeds import read_seed

    clear = getattr(getattr(urls, "_canonical_url", None), "cache_clear", lambda: None)
    rels = [p.relative_to(folder).as_posix() for p in paths]

    def read() -> None:
        seeds = [read_seed(path, rel, folder)[0] for path, rel in zip(paths, rels, strict=True)]
        assert all(seeds)

    def work() -> None:
        clear()
        out = Documents()
        kept = []
        for path, rel in zip(paths, rels, strict=True):
            seed, _ = read_seed(path, rel, folder)
            if seed is not None and (source := _seed_source(folder, seed, out)) is not None:
                kept.append((seed, source, related_sources(seed, out.findings)))

    return read, work


def timed(case: Callable[[], None]) -> float:
    start = time.perf_counter()
    case()
    return time.perf_counter() - start


def worker(folder: Path, documents: int) -> None:
    """Run in another checkout's interpreter: time one case per line read ("read" or "work")."""
    paths = sorted((folder / "seeds").glob("*.md"))[:documents]
    read, work = per_seed_work(folder, paths)
    cases = {"read": read, "work": work}
    for line in sys.stdin:
        print(timed(cases[line.strip()]), flush=True)


def in_subprocess(
    checkout: Path, folder: Path, documents: int
) -> tuple[dict[str, Callable[[], float]], Callable[[], None]]:
    """The cases of `checkout`, each timed in one long-lived interpreter that imports it."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--worker", str(folder), "--documents", str(documents)],
        env={**os.environ, "PYTHONPATH": str(checkout.resolve())},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def case(name: str) -> Callable[[], float]:
        def run() -> float:
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(name + "\n")
            proc.stdin.flush()
            return float(proc.stdout.readline())

        return run

    def stop() -> None:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()

    cases = {
        f"read_seed, before ({checkout})": case("read"),
        f"per-seed work, before ({checkout})": case("work"),
    }
    return cases, stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--corpus", type=Path, default=Path(os.environ.get("FACELEDGER_CORPUS", DEFAULT_CORPUS))
    )
    parser.add_argument("--before", type=Path, help="another checkout whose per-seed work to time alongside")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.documents)

    import yaml
    from frontmatter.default_handlers import YAMLHandler

    from faceledger.ingest import feedyaml

    with tempfile.TemporaryDirectory(prefix="faceledger-bench-") as temp:
        folder = Path(temp)
        paths = make_seeds(args.corpus, args.documents, folder)
        texts = [YAMLHandler().split(p.read_text(encoding="utf-8").strip())[0] for p in paths]
        read, work = per_seed_work(folder, paths)
        fast_parser = feedyaml.yaml_rs

        def each(parse: Callable[[str], object]) -> None:
            for text in texts:
                parse(text)

        def strict_only(case: Callable[[], None]) -> Callable[[], None]:
            def run() -> None:
                feedyaml.yaml_rs = None
                try:
                    case()
                finally:
                    feedyaml.yaml_rs = fast_parser

            return run

        cases: dict[str, Callable[[], None]] = {
            # Parsing alone: each result is dropped at once.
            BASELINE: lambda: each(lambda t: yaml.load(t, Loader=yaml.CSafeLoader)),
            "feedyaml.load, strict (node tree)": lambda: each(feedyaml.load),
            "feedyaml.load_data (fast path)": lambda: each(feedyaml.load_data),
            "read_seed, strict only": strict_only(read),
            "read_seed (fast path)": read,
            "per-seed work, strict only": strict_only(work),
            "per-seed work (fast path)": work,
        }
        subprocess_cases, stop = (
            in_subprocess(args.before, folder, args.documents) if args.before else ({}, None)
        )
        for case in cases.values():  # warm-up: imports, page cache
            case()
        for measured in subprocess_cases.values():
            measured()
        times: dict[str, list[float]] = {name: [] for name in [*cases, *subprocess_cases]}
        for _ in range(args.runs):
            for name, case in cases.items():
                times[name].append(timed(case))
            for name, measured in subprocess_cases.items():
                times[name].append(measured())
        if stop:
            stop()
        vouched = sum(feedyaml.fast_load(t) is not feedyaml.DECLINED for t in texts)

    # Each round's ratio to that round's baseline, then the median: other jobs on the machine
    # slow whole rounds, and a ratio within a round cancels most of that.
    base = times[BASELINE]
    print(f"{args.documents:,} documents, {args.runs} runs; the fast path read {vouched:,} of them")
    print("(per-seed work = read_seed + documents._seed_source + related_sources)")
    print(f"{'case':<60} {'us/doc':>9} {'x baseline':>11}")
    for name, seconds in times.items():
        ratio = statistics.median(t / b for t, b in zip(seconds, base, strict=True))
        print(f"{name:<60} {statistics.median(seconds) / args.documents * 1e6:>9.1f} {ratio:>11.2f}")


if __name__ == "__main__":
    main()
