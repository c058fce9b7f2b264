"""A build after an edit patches the last build's documents only where that is what a full merge gives.

Each case edits the corpus repository one way, then plans it twice: with the seed cache
and the documents snapshot the previous plan left (ingest/incremental.py), and with no
cache at all. The generated files (every part of the derived tables), the findings and
the quotable texts must be the same; and the edits that can be patched must have been.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from faceledger.build import build, plan
from faceledger.core.findings import BuildFailed
from faceledger.ingest import cache, incremental, parallel, snapshot
from faceledger.ingest.settings import configured

from .support import spy
from .test_site_cache import corpus_repo, needs_corpus, release_bytes


def _state(root: Path) -> tuple[Any, ...]:
    try:
        planned = plan(root)
    except BuildFailed as failed:
        return ("failed", [f.as_dict() for f in failed.findings])
    return planned.files, [f.as_dict() for f in planned.findings], planned.package.texts


@pytest.fixture
def patches(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each edited, added or removed seed was patched (True) or sent the build to a full merge (False)."""
    done: list[bool] = []
    for name in ("_edit", "_add", "_remove"):
        spy(monkeypatch, incremental, name, lambda patched, *args: patched, done)
    return done


def _seed(root: Path, index: int) -> Path:
    return sorted((root / "seeds").glob("*.md"))[index]


def _set(root: Path, index: int, key: str, value: str) -> None:
    path = _seed(root, index)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"(?m)^{key}: .*$", f"{key}: {value}", text, count=1), encoding="utf-8")


def _field(root: Path, index: int, key: str) -> str:
    found = re.search(rf"(?m)^{key}: (.*)$", _seed(root, index).read_text(encoding="utf-8"))
    assert found
    return found.group(1)


def _drop_related(root: Path, index: int) -> None:
    path = _seed(root, index)
    text = path.read_text(encoding="utf-8")
    assert "\nrelated:\n" in text
    path.write_text(text.replace("\nrelated:\n", "\nunrelated:\n", 1), encoding="utf-8")


def _listing(root: Path) -> int:
    """The first feed seed with a related list."""
    seeds = sorted((root / "seeds").glob("*.md"))
    return next(i for i, p in enumerate(seeds) if "\nrelated:\n" in p.read_text(encoding="utf-8"))


PLAIN = "Exampletown police buy a face-recognition system\n\nThe council approved the purchase on Monday.\n"
SIDECAR = "publisher:\n  value: Exampletown Herald\n  source: the paper's masthead\n"

# Each edit, and whether a patch is certain to be right for it.
EDITS = [
    ("a new title", lambda root: _set(root, 0, "title", '"A corrected title"'), [True]),
    ("a new excerpt", lambda root: _set(root, 0, "excerpt", '"A corrected excerpt."'), [True]),
    ("a new date", lambda root: _set(root, 0, "publishedDateTime", "2013-07-05T10:00:00Z"), [True]),
    ("nothing", lambda root: None, []),
    (
        "another seed's headline",
        lambda root: (
            _set(root, 1, "title", _field(root, 2, "title")),
            _set(root, 1, "publishedDateTime", _field(root, 2, "publishedDateTime")),
        ),
        [False],
    ),
    ("its related list gone", lambda root: _drop_related(root, _listing(root)), [False]),
    ("another seed's address", lambda root: _set(root, 3, "webUrl", _field(root, 4, "webUrl")), [False]),
    ("two seeds", lambda root: (_set(root, 5, "title", '"One"'), _set(root, 6, "title", '"Two"')), []),
    (
        "a seed added",
        lambda root: shutil.copyfile(_seed(root, 7), root / "seeds" / "zz-copy.md"),
        [False],  # a copy of another seed, with a related list: it merges
    ),
    ("a seed removed", lambda root: (root / "seeds" / "zz-copy.md").unlink(), [False]),
    ("a plain-text seed added", lambda root: (root / "seeds" / "500_new.txt").write_text(PLAIN), [True]),
    (
        "its sidecar added",
        lambda root: (root / "seeds" / "500_new.txt.meta.yaml").write_text(SIDECAR),
        [True],
    ),
    ("a copy of it added", lambda root: (root / "seeds" / "501_copy.txt").write_text(PLAIN), [False]),
    ("the copy removed", lambda root: (root / "seeds" / "501_copy.txt").unlink(), [False]),
    (
        "the plain-text seed removed",
        lambda root: [(root / "seeds" / name).unlink() for name in ("500_new.txt", "500_new.txt.meta.yaml")],
        [True],
    ),
    ("a title again", lambda root: _set(root, 0, "title", '"Retitled"'), [True]),
]


@needs_corpus
def test_every_edit_plans_as_a_merge_of_every_seed_would(
    tmp_path: Path, patches: list[bool], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 0)  # the seeds' keys are worked out on two workers
    monkeypatch.setattr(parallel, "CHUNK", 40)
    root = corpus_repo(tmp_path / "repo")
    with configured(jobs=2):
        _state(root)
        assert (root / cache.FOLDER / snapshot.FILE).is_file()
        for name, edit, patched in EDITS:
            edit(root)
            patches.clear()
            with configured(cache=True):
                got = _state(root)
            with configured(cache=False):
                assert got == _state(root), name
            assert patches == patched, name


@needs_corpus
def test_a_seed_merged_with_other_sources_is_never_patched(tmp_path: Path, patches: list[bool]):
    root = corpus_repo(tmp_path / "repo")
    package = plan(root).package
    sources = package.tables["document_sources"].data.to_pylist()
    seeds_of = {s["document_id"]: s["seed_path"] for s in sources if s["position"] == 0}
    shared = {s["document_id"] for s in sources if s["position"] > 0}
    rel = next(seeds_of[doc] for doc in sorted(seeds_of) if doc in shared)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'(?m)^title: "', 'title: "Edited ', text, count=1), encoding="utf-8")
    got = _state(root)
    assert patches == [False]
    with configured(cache=False):
        assert got == _state(root)


@needs_corpus
def test_a_patched_build_writes_the_release_a_full_build_writes(tmp_path: Path, patches: list[bool]):
    root = corpus_repo(tmp_path / "repo")
    build(root, dist=tmp_path / "first")
    _set(root, 0, "title", '"A corrected title"')
    patched = release_bytes(build(root, dist=tmp_path / "patched").release)  # type: ignore[arg-type]
    assert patches == [True]
    with configured(cache=False):
        assert patched == release_bytes(build(root, dist=tmp_path / "full").release)  # type: ignore[arg-type]


@needs_corpus
def test_a_damaged_or_foreign_snapshot_is_a_full_merge(tmp_path: Path, patches: list[bool]):
    root = corpus_repo(tmp_path / "repo")
    expected = _state(root)
    path = root / cache.FOLDER / snapshot.FILE
    data = path.read_bytes()
    for damaged in (data[: len(data) // 2], b"not a snapshot", data.replace(b'"key": "', b'"key": "x', 1)):
        path.write_bytes(damaged)
        assert _state(root) == expected
        assert patches == []
        assert path.read_bytes() == data, "the full merge writes the snapshot again"


@needs_corpus
def test_only_seeds_whose_files_changed_are_read_and_a_changed_one_is_never_missed(
    tmp_path: Path, patches: list[bool], monkeypatch: pytest.MonkeyPatch
):
    root = corpus_repo(tmp_path / "repo")
    seeds = sorted((root / "seeds").iterdir())
    for path in seeds:
        os.utime(path, (1_600_000_000, 1_600_000_000))
    # Files changed in the last two seconds are hashed every time (snapshot.RACY_NS): let them age.
    time.sleep(snapshot.RACY_NS / 1e9 + 0.2)
    _state(root)
    hashed: list[str] = []
    keys = incremental.seed_keys

    def counted(root: Path, salt: str, rels: list[str]) -> list[str | None]:
        hashed.extend(rels)
        return keys(root, salt, rels)

    monkeypatch.setattr(incremental, "seed_keys", counted)
    _state(root)
    assert hashed == [], "no seed changed: none is read"
    # The same number of bytes, the old modification time put back: only the change time tells.
    path = _seed(root, 0)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title: "From', 'title: "FROM', 1), encoding="utf-8")
    os.utime(path, (1_600_000_000, 1_600_000_000))
    got = _state(root)
    assert hashed == [path.relative_to(root).as_posix()] and patches == [True]
    assert any("FROM chess" in text for text in got[2].values())
    with configured(cache=False):
        assert got == _state(root)
