"""Large seed trees for the ingest benchmarks: the corpus's feed documents copied N times.

Each copy gets a unique title and unique addresses (the host gains a `/c<n>` path
prefix), so every copy is its own article, as in a real feed of N items. Related
entries are copied unchanged, as a real feed repeats them across items, so they
merge into the same documents. File names keep the corpus order, so seeds sort
in the order they were made.
"""

from __future__ import annotations

import re
from pathlib import Path

from faceledger.core.package import copy_repository

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "everyday-ai"

_TITLE = re.compile(r'^title: "?(.*?)"?$', re.MULTILINE)
_ADDRESS = re.compile(
    r"^((?:originalUrl|webUrl|ampWebUrl|cdnAmpWebUrl): \"?https?://[^/\s\"']+)", re.MULTILINE
)


def corpus_texts(corpus: Path = CORPUS) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.md"))]


def copy_text(text: str, number: int) -> str:
    """The document `text` as its `number`-th copy: another title, other addresses."""
    text = _TITLE.sub(lambda m: f'title: "{m.group(1)} (copy {number})"', text, count=1)
    return _ADDRESS.sub(lambda m: f"{m.group(1)}/c{number}", text)


def write_seeds(seed_dir: Path, count: int, start: int = 0, corpus: Path = CORPUS) -> list[Path]:
    """`count` feed seeds in `seed_dir`, numbered from `start`."""
    texts = corpus_texts(corpus)
    seed_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(start, start + count):
        name, text = texts[number % len(texts)]
        path = seed_dir / f"feed-{number:07d}-{name}"
        path.write_text(copy_text(text, number), encoding="utf-8")
        written.append(path)
    return written


def make_tree(target: Path, count: int, corpus: Path = CORPUS) -> Path:
    """A copy of the repository with `count` feed seeds added to its own."""
    copy_repository(REPO, target)
    write_seeds(target / "seeds", count, corpus=corpus)
    return target
