"""The render cache (website/cache.py): a build with it writes the same bytes as one without, and renders less."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pyarrow as pa
import pytest

from faceledger.build import build
from faceledger.ingest.settings import CACHE_FOLDER
from faceledger.publish import cache
from faceledger.website import charts, pages

from .support import CORPUS, CORPUS_REQUIRED, GIT_ENV, copy_repo, spy

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir() and not CORPUS_REQUIRED, reason=f"the news-feed corpus is not at {CORPUS}"
)


def corpus_repo(target: Path) -> Path:
    """A copy of the repository with the news-feed corpus among its seeds."""
    root = copy_repo(target)
    for path in sorted(CORPUS.glob("*.md")):
        shutil.copyfile(path, root / "seeds" / path.name)
    return root


def edit_a_title(root: Path) -> None:
    """Retitle one feed seed (no evidence quotes one): a documents list page changes, and little else."""
    seed = sorted((root / "seeds").glob("*.md"))[0]
    text = seed.read_text(encoding="utf-8")
    assert '\ntitle: "' in text
    seed.write_text(text.replace('\ntitle: "', '\ntitle: "Edited ', 1), encoding="utf-8")


def release_bytes(release: Path) -> dict[str, bytes]:
    return {
        p.relative_to(release).as_posix(): p.read_bytes() for p in sorted(release.rglob("*")) if p.is_file()
    }


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates and charts rendered during the test, counted where the work is done."""
    done = spy(monkeypatch, pages, "render", lambda _, template, **values: template)
    return spy(monkeypatch, charts, "_svg", lambda _, chart, title, description: f"chart {title}", done)


@needs_corpus
def test_with_and_without_the_cache_a_build_writes_the_same_release_and_site(
    tmp_path: Path, renders: list[str], monkeypatch: pytest.MonkeyPatch
):
    root = corpus_repo(tmp_path / "repo")
    cold = release_bytes(build(root, dist=tmp_path / "cold").release)  # type: ignore[arg-type]
    everything = len(renders)
    assert (root / CACHE_FOLDER / cache.DATABASE).is_file()

    renders.clear()
    assert release_bytes(build(root, dist=tmp_path / "warm").release) == cold  # type: ignore[arg-type]
    assert renders == [], "a build of unchanged input renders no page or chart again"

    edit_a_title(root)
    renders.clear()
    edited = release_bytes(build(root, dist=tmp_path / "edited").release)  # type: ignore[arg-type]
    # The documents list page the seed is on, the home page (its changes), the changelog at most.
    assert 0 < len(renders) <= 3 < everything, renders
    assert not any(name.startswith("chart ") for name in renders)

    monkeypatch.setenv("FACELEDGER_CACHE", "off")
    uncached = release_bytes(build(root, dist=tmp_path / "uncached").release)  # type: ignore[arg-type]
    assert edited == uncached
    assert edited != cold


@needs_corpus
def test_after_a_title_edit_only_the_documents_list_page_it_is_on_is_drawn_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(pages, "PAGE_SIZE", 50)
    # The rows a list page turns into Python: only a page the cache does not have.
    drawn = spy(monkeypatch, pages, "_documents_page", lambda _, chunk, *rest: chunk.num_rows)
    root = corpus_repo(tmp_path / "repo")
    build(root, dist=tmp_path / "cold")
    assert len(drawn) > 2 and set(drawn[:-1]) == {50}
    drawn.clear()
    edit_a_title(root)
    edited = build(root, dist=tmp_path / "edited").release
    assert drawn == [50]
    monkeypatch.setenv("FACELEDGER_CACHE", "off")
    uncached = build(root, dist=tmp_path / "uncached").release
    assert release_bytes(edited) == release_bytes(uncached)  # type: ignore[arg-type]


def test_a_damaged_cache_file_is_ignored_and_the_site_is_the_same(tmp_path: Path):
    root = copy_repo(tmp_path / "repo")
    first = release_bytes(build(root, dist=tmp_path / "first").release)  # type: ignore[arg-type]
    (root / CACHE_FOLDER / cache.DATABASE).write_bytes(b"not a database" * 100)
    assert release_bytes(build(root, dist=tmp_path / "second").release) == first  # type: ignore[arg-type]


def test_off_the_cache_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FACELEDGER_CACHE", "off")
    root = copy_repo(tmp_path / "repo")
    build(root, dist=tmp_path / "dist")
    assert not (root / CACHE_FOLDER / cache.DATABASE).exists()


def test_a_key_is_the_values_and_their_types():
    keys = cache.RenderCache(None, "salt")
    assert keys.key("page.html", {"n": 1}) == keys.key("page.html", {"n": 1})
    assert len({keys.key("page.html", v) for v in ({"n": 1}, {"n": 1.0}, {"n": "1"}, {"n": True})}) == 4
    assert keys.key("page.html", {"n": 1}) != keys.key("other.html", {"n": 1})
    # What pickle cannot hold is rendered every time, never looked up.
    assert keys.key("page.html", {"f": lambda: 1}) is None


def test_a_committed_render_cache_is_never_read(tmp_path: Path):
    # A pull request can commit a git-ignored file: rendered bytes it supplies must never be published.
    root = copy_repo(tmp_path / "repo")
    first = release_bytes(build(root, dist=tmp_path / "first").release)  # type: ignore[arg-type]
    with sqlite3.connect(root / CACHE_FOLDER / cache.DATABASE) as db:
        (count,) = db.execute("SELECT count(*) FROM renders").fetchone()
        db.execute("UPDATE renders SET value = ?", [b"<p>POISONED</p>"])
    assert count > 10
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q"], ["add", "-A"], ["add", "-f", CACHE_FOLDER], ["commit", "-qm", "a cache"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)
    second = release_bytes(build(root, dist=tmp_path / "second").release)  # type: ignore[arg-type]
    assert second == first
    assert not any(b"POISONED" in data for data in second.values())


def test_a_chunk_is_digested_once_for_every_format_that_encodes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    rows = pa.table({"id": [f"doc-{i}" for i in range(cache.CHUNK_ROWS * 2 + 1)]})
    other = pa.table({"id": [f"other-{i}" for i in range(cache.CHUNK_ROWS * 2 + 1)]})
    digested: list[int] = []
    real = cache.table_digest

    def counted(table: pa.Table) -> str:
        digested.append(table.num_rows)
        return real(table)

    monkeypatch.setattr(cache, "table_digest", counted)
    with cache.opened(tmp_path) as opened:
        assert opened.connection is not None
        for kind in ("csv rows", "jsonl rows"):
            for table in (rows, other):
                encoded = b"".join(cache.chunks(opened, kind, None, table, lambda t: repr(t["id"]).encode()))
                assert encoded == b"".join(
                    repr(table.slice(s, cache.CHUNK_ROWS)["id"]).encode()
                    for s in range(0, table.num_rows, cache.CHUNK_ROWS)
                )
    assert digested == [cache.CHUNK_ROWS, cache.CHUNK_ROWS, 1] * 2
