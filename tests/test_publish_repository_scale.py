"""At a few thousand seeds, the committed parts stay small and one more seed changes a few of them.

The seeds are copies of the everyday-ai corpus under unique titles and URLs
(bench/part_sizes.py), so every copy and every related entry is a new document.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from faceledger.build import build
from faceledger.core.layout import SHARD_DIGITS

from .support import REPO, copy_repo

PARTS = 16**SHARD_DIGITS
SEEDS = 2_000
# GitHub warns above 50 MB and refuses files over 100 MB; issue #9 asks for none over 50 MB.
LIMIT = 50_000_000
# Issue #9 measured 131 MB for 100k documents in one documents.csv (1.31 KB a row, with bodies).
ISSUE_BYTES_PER_ROW = 1_310
RELATED = re.compile(r"^  - title: ", re.M)


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("part_sizes", REPO / "bench" / "part_sizes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_parts_stay_small_and_one_more_seed_changes_only_its_documents_parts(tmp_path: Path):
    sizes = bench()
    if not sizes.CORPUS.is_dir():
        pytest.skip(f"no corpus at {sizes.CORPUS}")
    root = copy_repo(tmp_path / "repo")
    sizes.add_copies(root, 0, SEEDS)
    build(root, dist=tmp_path / "dist")  # raises BuildFailed on any error
    measured = sizes.sizes(root)
    documents = measured["documents"][0]
    assert documents > 2 * SEEDS  # each copy brings its related entries as documents too
    for name, (rows, size, parts, largest) in measured.items():
        # ~10,000 documents fill every shard; links come only from the seeds with related lists.
        assert parts == PARTS or (name == "document_links" and parts > PARTS * 0.9), (name, parts)
        # The shard is a hash: each part holds rows/256 on average, here ~40 rows (a Poisson
        # spread: the largest ~1.6x the mean, links, a few per seed, more); at 1M documents
        # ~3,900 rows a part, the largest within ~5% of the mean.
        assert largest < 3 * size / parts, name
        # Projected to 1M documents at the bytes per row measured here (documents ~540 B,
        # document_sources ~270 B, document_links ~46 B a row; 1 source row and 0.7 link rows
        # per document): ~2.1, ~1.1 and ~0.1 MB per part. At the issue's 1.31 KB a document
        # row it is 5.1 MB; a part would pass 50 MB only at ~10M documents of that size.
        per_part = max(size / rows, ISSUE_BYTES_PER_ROW if name == "documents" else 0) * rows / documents
        projected = per_part * 1_000_000 / PARTS * 1.05
        assert projected < LIMIT / 5, (name, projected)

    before = sizes.dataset_digests(root)
    number = next(n for n in range(SEEDS, SEEDS + 200) if len(RELATED.findall(copy_text(sizes, n))) >= 2)
    [seed] = sizes.add_copies(root, number, 1)
    related = len(RELATED.findall(seed.read_text(encoding="utf-8")))
    build(root, dist=tmp_path / "dist")
    after = sizes.dataset_digests(root)
    changed = sorted(rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel))
    # The seed's document and each related one: a documents part and a document_sources part
    # each, and the seed's links in one document_links part. Nothing else, the curated files least.
    assert changed and len(changed) <= 2 * (1 + related) + 1, changed
    assert all(
        re.fullmatch(r"dataset/(documents|document_links|document_sources)/[0-9a-f]{2}\.csv", rel)
        for rel in changed
    )
    assert set(before) <= set(after)  # no part removed


def copy_text(sizes: ModuleType, number: int) -> str:
    sources = sorted(sizes.CORPUS.glob("*.md"))
    return str(sizes.corpus_copy(sources[number % len(sources)].read_text(encoding="utf-8"), number))
