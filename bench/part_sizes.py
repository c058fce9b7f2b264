"""Sizes of the repository's derived parts for N documents, projected to 1M documents.

Usage: python bench/part_sizes.py [--seeds N]

Builds a copy of the repository with N extra seeds made from the everyday-ai corpus
(each a copy of a corpus document under a unique title and unique URLs, so that every
copy, and every related entry of it, is a new document), then prints per derived
resource its rows, committed bytes, bytes per row, the largest part, and the part size
1M documents would give (rows per document and bytes per row as measured, over
256 parts). It also prints how many files under dataset/ one more seed changes.
A size, not a speed: nothing is timed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
from pathlib import Path

from faceledger.build import build
from faceledger.core.layout import SHARD_DIGITS
from faceledger.core.package import DERIVED, copy_repository

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "everyday-ai"
PARTS = 16**SHARD_DIGITS
MILLION = 1_000_000
_TITLE = re.compile(r'^(\s*(?:- )?title: )"(.*)"\s*$')
_URL = re.compile(r"^(\s*(?:- )?(?:originalUrl|webUrl): )(['\"]?)(https?://[^/'\"\s]+)(.*)$")
# AMP copies name the article's old address: left out, so a copy is one new article.
_AMP = re.compile(r"^\s*(?:- )?(?:ampWebUrl|cdnAmpWebUrl):")


def corpus_copy(text: str, number: int) -> str:
    """A corpus document as copy `number`: its titles and its (and its related entries') URLs made unique."""
    lines = []
    for line in text.split("\n"):
        if _AMP.match(line):
            continue
        if title := _TITLE.match(line):
            line = f'{title[1]}"{title[2]} (copy {number})"'
        elif url := _URL.match(line):
            line = f"{url[1]}{url[2]}{url[3]}/copy-{number}{url[4]}"
        lines.append(line)
    return "\n".join(lines)


def add_copies(root: Path, first: int, count: int, corpus: Path = CORPUS) -> list[Path]:
    """Write seeds first .. first+count-1 into root/seeds: copies of the corpus documents in turn."""
    sources = sorted(corpus.glob("*.md"))
    written = []
    for number in range(first, first + count):
        source = sources[number % len(sources)]
        target = root / "seeds" / f"{source.name[:10]}-copy-{number:07d}.md"
        target.write_text(corpus_copy(source.read_text(encoding="utf-8"), number), encoding="utf-8")
        written.append(target)
    return written


def dataset_digests(root: Path) -> dict[str, str]:
    folder = root / "dataset"
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def sizes(root: Path) -> dict[str, tuple[int, int, int, int]]:
    """Per derived resource: rows, bytes, parts and the largest part's bytes."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    found = {}
    for resource in descriptor["resources"]:
        if resource["name"] not in DERIVED:
            continue
        parts = [root / rel for rel in resource["path"]]
        rows = sum(p.read_bytes().count(b"\r\n") - 1 for p in parts)  # no cell here holds a CRLF
        found[resource["name"]] = (
            rows,
            sum(p.stat().st_size for p in parts),
            len(parts),
            max(p.stat().st_size for p in parts),
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_repository(REPO, Path(tmp) / "repo")
        add_copies(root, 0, args.seeds)
        build(root, dist=Path(tmp) / "dist")
        measured = sizes(root)
        documents = measured["documents"][0]
        print(f"{args.seeds} seeds -> {documents} documents; {PARTS} parts at most per resource")
        print(
            f"{'resource':18} {'rows':>8} {'MB':>8} {'B/row':>7} {'parts':>6} {'max part KB':>12} {'1M docs: MB/part':>17}"
        )
        for name, (rows, size, parts, largest) in measured.items():
            per_row = size / rows if rows else 0.0
            projected = MILLION * rows / documents * per_row / PARTS / 1e6
            print(
                f"{name:18} {rows:8} {size / 1e6:8.2f} {per_row:7.0f} {parts:6} {largest / 1e3:12.1f} {projected:17.1f}"
            )
        before = dataset_digests(root)
        add_copies(root, args.seeds, 1)
        build(root, dist=Path(tmp) / "dist")
        after = dataset_digests(root)
        changed = sorted(rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel))
        print(f"one more seed changes {len(changed)} files under dataset/: {' '.join(changed)}")


if __name__ == "__main__":
    sys.exit(main())
