"""What keeps a rebuild of many seeds cheap without changing a byte: decoding and the collector.

The seed cache is read by the workers and its entries decoded once per distinct related
article; the garbage collector is paused while sources are made; `faceledger validate`
does not import the release writers. Each is checked for what it must not change.
"""

from __future__ import annotations

import gc
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from faceledger.build import build
from faceledger.core.package import copy_repository
from faceledger.ingest import cache, documents, parallel, seed_results, snapshot
from faceledger.ingest.merge import Documents, merge
from faceledger.ingest.repository import read_repository
from faceledger.ingest.settings import configured

from .support import CORPUS, CORPUS_REQUIRED, REPO

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir() and not CORPUS_REQUIRED, reason=f"the corpus is not at {CORPUS}"
)


def _corpus(target: Path) -> Path:
    copy_repository(REPO, target)
    for path in sorted(CORPUS.glob("*.md")):
        shutil.copyfile(path, target / "seeds" / path.name)
    return target


def _entries(root: Path) -> Iterator[bytes]:
    """Each corpus seed's result as the seed cache stores it."""
    for path in sorted((root / "seeds").glob("*.md")):
        rel = path.relative_to(root).as_posix()
        yield seed_results.dumps(seed_results.handed_on(documents.normalize_seed(root, rel), root))


@needs_corpus
def test_a_related_article_listed_by_many_seeds_is_decoded_once(tmp_path: Path):
    root = _corpus(tmp_path / "repo")
    shared = seed_results.Shared()
    entries = []
    for blob in _entries(root):
        # The same seed's result loaded twice, as two seeds listing the same articles would be.
        first, again = seed_results.loads(blob, root, shared), seed_results.loads(blob, root, shared)
        assert first == again
        entries += list(zip(first.related, again.related, strict=True))
        if first.source is not None:
            # A seed's own values are its own: nothing another source changes.
            assert first.source.values is not again.source.values
    assert len(entries) > 50
    assert all(a.values is b.values and a.tokens is b.tokens for a, b in entries)


@needs_corpus
def test_seeds_loaded_together_keep_one_copy_of_what_they_repeat(tmp_path: Path):
    root = _corpus(tmp_path / "repo")
    shared = seed_results.Shared()
    sources = []
    for blob in _entries(root):
        result = seed_results.loads(blob, root, shared)
        assert result == seed_results.loads(blob, root)  # sharing changes no value
        if result.source is not None:
            sources.append(result.source)
    assert len(sources) > 50
    first = sources[0]
    names = {name: name for name in first.values}
    for source in sources:
        # Across seeds: the field names and where the agreed fields are.
        assert all(names.get(name, name) is name for name in source.values)
        assert source.places is first.places
        # Within one seed: its digest, its path and its first address, each kept once.
        assert source.sha256 is source.values["content_sha256"]
        assert source.seed_path is source.values["seed_path"]
        assert source.addresses[0] is source.values["url"]
        if source.url_key is not None:
            assert source.url_key is source.tokens[0]


def _listing(root: Path) -> str:
    """A feed seed with related articles."""
    rels = sorted(p.relative_to(root).as_posix() for p in (root / "seeds").glob("*.md"))
    return next(rel for rel in rels[3:] if documents.normalize_seed(root, rel).related)


def _damage(root: Path, rel: str, how: str) -> str:
    key = cache.entry_key(cache.fingerprint(root), rel, (root / rel).read_bytes(), None)
    with sqlite3.connect(root / cache.FOLDER / cache.DATABASE) as db:
        (value,) = db.execute("SELECT value FROM seeds WHERE key = ?", [key]).fetchone()
        line, _, contents = bytes(value).partition(b"\n")
        assert contents, "the seed lists related articles, whose contents follow the entry's line"
        # Garbage, or an entry cut short inside the contents its line points to.
        damaged = b'{"rel": "not what dumps wrote"' if how == "garbage" else line + b"\n" + contents[:-5]
        db.execute("UPDATE seeds SET value = ? WHERE key = ?", (damaged, key))
    # Without the last build's documents, the next build reads every entry (ingest/snapshot.py).
    (root / cache.FOLDER / snapshot.FILE).unlink()
    return key


@needs_corpus
@pytest.mark.parametrize("how", ["garbage", "cut short"])
def test_a_damaged_entry_read_by_a_worker_is_a_miss_and_is_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
):
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 0)
    monkeypatch.setattr(parallel, "CHUNK", 7)
    root = _corpus(tmp_path / "repo")
    with configured(jobs=2, cache=True):
        build(root)
        files = {p: p.read_bytes() for p in sorted((root / "dataset").rglob("*.csv"))}
        rel = _listing(root)
        key = _damage(root, rel, how)
        build(root)
    assert {p: p.read_bytes() for p in sorted((root / "dataset").rglob("*.csv"))} == files
    with sqlite3.connect(root / cache.FOLDER / cache.DATABASE) as db:
        (value,) = db.execute("SELECT value FROM seeds WHERE key = ?", [key]).fetchone()
    assert seed_results.loads(value, root).rel == rel
    assert not value.endswith(b'"rel": "not what dumps wrote"') and value.count(b"\n") == 1


@needs_corpus
def test_an_entry_holds_each_related_content_once_outside_its_line(tmp_path: Path):
    root = _corpus(tmp_path / "repo")
    result = seed_results.handed_on(documents.normalize_seed(root, _listing(root)), root)
    assert result.related
    line, _, contents = seed_results.dumps(result).partition(b"\n")
    for entry in result.related:
        title = entry.values["title"].encode("utf-8")
        assert title not in line and title in contents


def test_reading_a_repository_leaves_the_collector_as_it_found_it(tmp_path: Path):
    root = tmp_path / "repo"
    copy_repository(REPO, root)
    assert gc.isenabled()
    read_repository(root)
    assert gc.isenabled()
    gc.disable()
    try:
        read_repository(root)
        assert not gc.isenabled()
    finally:
        gc.enable()
    (root / "seeds" / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    read_repository(root)  # a seed that does not parse is a finding, and the collector is back on
    assert gc.isenabled()


def test_validate_does_not_import_the_release_writers():
    script = (
        "import sys, faceledger.validate\n"
        "loaded = [m for m in ('pandas', 'jinja2', 'sqlite_utils', 'faceledger.website.render',"
        " 'faceledger.publish.release_folder') if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


@needs_corpus
def test_sources_that_share_their_content_merge_as_sources_that_do_not(tmp_path: Path):
    root = _corpus(tmp_path / "repo")
    listing = next(p for p in sorted((root / "seeds").glob("*.md")) if "\nrelated:" in p.read_text("utf-8"))
    for number in range(30):
        # Other items of the feed listing the same related articles, some with other excerpts
        # of them: the merge then reports more values not kept than its finding names.
        text = listing.read_text(encoding="utf-8").replace('\ntitle: "', f'\ntitle: "Item {number}: ', 1)
        text = re.sub(r"^((?:originalUrl|webUrl): \"?https?://[^/\s\"]+)", rf"\1/i{number}", text, flags=re.M)
        if number % 3:  # two other excerpts, each given by many items (so by one shared content)
            text = text.replace('\n    excerpt: "', f'\n    excerpt: "Variant {number % 2}: ')
        (root / "seeds" / f"zz-{number:02d}-{listing.name}").write_text(text, encoding="utf-8")
    rels = [p.relative_to(root).as_posix() for p in sorted((root / "seeds").iterdir()) if p.suffix != ".yaml"]

    def merged(shared: seed_results.Shared | None) -> Documents:
        out, described, related = Documents(), [], {}
        for rel in rels:
            result = seed_results.handed_on(documents.normalize_seed(root, rel), root)
            if shared is not None:
                result = seed_results.loads(seed_results.dumps(result), root, shared)
            if result.source is not None:
                described.append(result.source)
                related[rel] = result.related
        merge(described, related, out)
        return out

    alone, together = merged(None), merged(seed_results.Shared())
    assert any("more values" in f.message for f in alone.findings)
    assert together.findings == alone.findings
    assert (together.rows, together.sources, together.links) == (alone.rows, alone.sources, alone.links)
    assert together.texts == alone.texts


def test_a_build_on_one_process_keeps_no_connection_to_the_cache(tmp_path: Path):
    root = tmp_path / "repo"
    copy_repository(REPO, root)
    with configured(jobs=1, cache=True):
        read_repository(root)
        read_repository(root)  # the second one reads entries through this process's own connection
    assert not [slot for slot in cache._readers if slot[1] == root / cache.FOLDER / cache.DATABASE]
