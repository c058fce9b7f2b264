"""Seeds read on several processes and through the seed cache give the same bytes as one process without it.

The corpus's 109 feed documents are built on one process without the cache (the
reference), on two processes in small chunks (so results come back out of order),
and again from the warm cache; every file the build writes, and every finding,
must be the same. The cache must never hand back a result the seed's bytes, the
schemas or the reference time would not give.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from faceledger.build import build
from faceledger.core.findings import BuildFailed, Finding
from faceledger.core.package import copy_repository
from faceledger.ingest import cache, documents, parallel, repository, seed_results, snapshot
from faceledger.ingest.merge import Documents, merge
from faceledger.ingest.repository import read_repository
from faceledger.ingest.settings import configured

from .support import CORPUS, CORPUS_REQUIRED, GIT_ENV, REPO, derived_text

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir() and not CORPUS_REQUIRED, reason=f"the corpus is not at {CORPUS}"
)
OUTPUTS = ("dataset", "dist", "datapackage.json", "README.md", "docs")


def corpus_repo(target: Path) -> Path:
    copy_repository(REPO, target)
    for path in sorted(CORPUS.glob("*.md")):
        shutil.copyfile(path, target / "seeds" / path.name)
    return target


def outputs(root: Path) -> dict[str, bytes]:
    found = {}
    for part in OUTPUTS:
        path = root / part
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        found.update({p.relative_to(root).as_posix(): p.read_bytes() for p in files})
    return found


def built(root: Path, jobs: int, use_cache: bool) -> tuple[dict[str, bytes], list[str]]:
    with configured(jobs=jobs, cache=use_cache):
        result = build(root)
    return outputs(root), [str(f) for f in result.findings]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # The corpus is smaller than a pool is worth; chunks of 7 make the two workers interleave.
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 0)
    monkeypatch.setattr(parallel, "CHUNK", 7)


def test_two_processes_and_the_cache_give_what_one_process_gives(tmp_path: Path, small_chunks: None):
    one = corpus_repo(tmp_path / "one")
    two = corpus_repo(tmp_path / "two")
    reference, reference_findings = built(one, jobs=1, use_cache=False)
    assert not (one / cache.FOLDER).exists()
    cold, cold_findings = built(two, jobs=2, use_cache=True)
    assert (two / cache.FOLDER / cache.DATABASE).is_file()
    warm, warm_findings = built(two, jobs=2, use_cache=True)
    assert len(reference) > 20 and any(k.startswith("dist/") for k in reference)
    assert cold == reference and warm == reference
    assert cold_findings == reference_findings and warm_findings == reference_findings


def test_a_cached_result_equals_a_fresh_one_for_every_corpus_seed(tmp_path: Path):
    root = corpus_repo(tmp_path / "repo")
    for path in sorted((root / "seeds").iterdir()):
        rel = path.relative_to(root).as_posix()
        fresh = seed_results.handed_on(documents.normalize_seed(root, rel), root)
        again = seed_results.loads(seed_results.dumps(fresh), root)
        assert again == fresh, rel
        if fresh.source is not None:
            assert again.source.tokens == fresh.source.tokens and again.source.url_key == fresh.source.url_key


def _poison(root: Path, rel: str, title: str) -> None:
    """Put a result in the cache, under the key of the seed as it is, that the seed would never give."""
    key = cache.entry_key(cache.fingerprint(root), rel, (root / rel).read_bytes(), None)
    result = documents.normalize_seed(root, rel)
    result.source.values["publisher"] = title  # a value no quote depends on
    with sqlite3.connect(root / cache.FOLDER / cache.DATABASE) as db:
        db.execute(
            "INSERT OR REPLACE INTO seeds (key, salt, value) VALUES (?, ?, ?)",
            (key, cache.fingerprint(root), seed_results.dumps(result)),
        )
    # Without the last build's documents, the next build reads every entry (ingest/snapshot.py).
    (root / cache.FOLDER / snapshot.FILE).unlink(missing_ok=True)


def _titles(root: Path) -> str:
    return derived_text(root, "documents")


SEED = "seeds/000_feff060093cf589f.txt"


def test_the_cache_is_keyed_by_the_seed_bytes_and_the_schemas(repo: Path):
    build(repo)
    _poison(repo, SEED, "Poisoned title")
    build(repo)
    # The entry is used while its key matches: the poison shows that the cache is read at all.
    assert "Poisoned title" in _titles(repo)
    # An edited seed has another key.
    seed = repo / SEED
    seed.write_bytes(seed.read_bytes() + b"\n")
    build(repo)
    assert "Poisoned title" not in _titles(repo)
    # So does every seed once a Table Schema changes.
    _poison(repo, SEED, "Poisoned again")
    schema = repo / "schema" / "documents.json"
    data = json.loads(schema.read_text(encoding="utf-8"))
    data["description"] = data.get("description", "") + " Edited."
    schema.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    build(repo)
    assert "Poisoned again" not in _titles(repo)
    with sqlite3.connect(repo / cache.FOLDER / cache.DATABASE) as db:
        salts = {salt for (salt,) in db.execute("SELECT DISTINCT salt FROM seeds")}
    assert salts == {cache.fingerprint(repo)}  # entries of the old schemas are gone


def test_a_committed_cache_is_never_read(repo: Path):
    env = {**os.environ, **GIT_ENV}
    build(repo)
    _poison(repo, SEED, "Poisoned title")
    for args in (["init", "-q"], ["add", "-A"], ["add", "-f", cache.FOLDER], ["commit", "-qm", "a cache"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    result = build(repo)
    assert "Poisoned title" not in _titles(repo)
    refused = [f for f in result.findings if f.code == "cache-ignored"]
    assert len(refused) == 1 and "committed to git" in refused[0].message


def test_a_linked_or_damaged_cache_is_not_read(repo: Path, tmp_path: Path):
    build(repo)
    _poison(repo, SEED, "Poisoned title")
    elsewhere = tmp_path / "elsewhere"
    shutil.move(repo / cache.FOLDER, elsewhere)
    (repo / cache.FOLDER).symlink_to(elsewhere, target_is_directory=True)
    result = build(repo)
    assert "Poisoned title" not in _titles(repo)
    assert [f.code for f in result.findings if f.code == "cache-ignored"] == ["cache-ignored"]
    (repo / cache.FOLDER).unlink()
    (repo / cache.FOLDER).mkdir()
    (repo / cache.FOLDER / cache.DATABASE).write_bytes(b"not a database" * 100)
    before = outputs(repo)
    result = build(repo)
    assert outputs(repo) == before  # the same build, only slower


def test_the_cache_can_be_turned_off(repo: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FACELEDGER_CACHE", "off")
    build(repo)
    assert not (repo / cache.FOLDER).exists()


def test_a_cached_result_is_not_used_past_the_reference_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = corpus_repo(tmp_path / "repo")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # 2030: every date is in the past
    with configured(cache=True):
        warm = build(root)
    assert not [f for f in warm.findings if f.code == "future-date"]
    # 2020: the corpus has later articles; the cache, filled above, must not hide them.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1577836800")
    with pytest.raises(BuildFailed) as cached, configured(cache=True):
        build(root)
    with pytest.raises(BuildFailed) as fresh, configured(cache=False, jobs=1):
        build(root)
    cached_findings = [str(f) for f in cached.value.findings]
    assert any("future-date" in f for f in cached_findings)
    assert cached_findings == [str(f) for f in fresh.value.findings]


def test_another_version_of_the_code_has_another_fingerprint(repo: Path, tmp_path: Path):
    copy = tmp_path / "code"
    shutil.copytree(
        REPO / "faceledger", copy / "faceledger", ignore=shutil.ignore_patterns("data", "__pycache__")
    )
    script = "import sys, pathlib; from faceledger.ingest import cache; print(cache.fingerprint(pathlib.Path(sys.argv[1])))"

    def fingerprint() -> str:
        env = {**os.environ, "PYTHONPATH": str(copy)}
        done = subprocess.run(
            [sys.executable, "-c", script, str(repo)], env=env, cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert fingerprint() == cache.fingerprint(repo)  # the same code, the same key
    text = copy / "faceledger" / "ingest" / "text.py"
    text.write_text(text.read_text(encoding="utf-8") + "\n# another version\n", encoding="utf-8")
    assert fingerprint() != cache.fingerprint(repo)


def test_lines_read_again_from_the_file_are_the_lines_its_text_gives(tmp_path: Path):
    root = corpus_repo(tmp_path / "repo")
    # Another item of the feed that lists the same related articles: their merge findings have lines.
    listing = next(p for p in sorted((root / "seeds").glob("*.md")) if "\nrelated:" in p.read_text("utf-8"))
    text = listing.read_text(encoding="utf-8").replace('\ntitle: "', '\ntitle: "Another item: ', 1)
    text = re.sub(r"^((?:originalUrl|webUrl): \"?https?://[^/\s\"]+)", r"\1/another", text, flags=re.M)
    # ... with other dates for them, so that the merge reports a value not kept, at its line.
    text = re.sub(r"^(\s+publishedDateTime: )20", r"\g<1>19", text, flags=re.M)
    (root / "seeds" / ("zz-" + listing.name)).write_text(text, encoding="utf-8")
    rels = [p.relative_to(root).as_posix() for p in sorted((root / "seeds").iterdir()) if p.suffix != ".yaml"]

    def merged(handed_on: bool) -> list[Finding]:
        out, described, related = Documents(), [], {}
        for rel in rels:
            result = documents.normalize_seed(root, rel)
            if handed_on:  # as from a worker or the cache: lines read again from the file
                result = seed_results.loads(seed_results.dumps(seed_results.handed_on(result, root)), root)
            if result.source is not None:
                described.append(result.source)
                related[rel] = result.related
        merge(described, related, out)
        return out.findings

    kept = merged(handed_on=False)
    assert [f for f in kept if f.code == "document-merged" and f.line]
    assert merged(handed_on=True) == kept


def _dies_on_a_marked_item(items):
    # A worker that dies as an out-of-memory kill would; here, in this process, it does the work.
    if any(item == "die" for item in items) and parallel.multiprocessing.parent_process() is not None:
        os._exit(1)
    return [item.upper() for item in items]


def test_a_worker_that_dies_leaves_its_work_to_this_process(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 0)
    items = [f"item{n}" for n in range(40)] + ["die"] + [f"item{n}" for n in range(40, 80)]
    chunks = list(
        parallel.ordered_map(_dies_on_a_marked_item, items, expected=len(items), workers=2, chunk=5)
    )
    assert [item for chunk in chunks for item in chunk] == [item.upper() for item in items]


def test_the_cache_forgets_what_builds_no_longer_ask_for(repo: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cache, "KEPT_ANYWAY", 0)
    seed = repo / SEED
    original = seed.read_bytes()

    def entries() -> int:
        with sqlite3.connect(repo / cache.FOLDER / cache.DATABASE) as db:
            return db.execute("SELECT count(*) FROM seeds").fetchone()[0]

    build(repo)
    seeds = entries()
    assert seeds >= 2
    for edit in range(3 * seeds):  # each edit leaves the seed's old entry behind
        seed.write_bytes(original + b"\n" * (edit + 1))
        build(repo)
        assert entries() <= cache.KEPT_BEYOND * seeds + 1
    seed.write_bytes(original)
    build(repo)  # the original's entry may be gone: it is made again
    assert entries() <= cache.KEPT_BEYOND * seeds + 1


def test_a_feed_read_in_a_child_process_gives_the_same_package_and_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # The corpus is under the size a child is worth (repository.APART_FROM): read it in one anyway.
    monkeypatch.setattr(repository, "APART_FROM", 0)
    readers = tmp_path / "readers"

    def track(items, total):  # called where the seeds are read: here, or in the child
        with readers.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return items

    root = corpus_repo(tmp_path / "repo")
    with configured(jobs=1, cache=False):
        here = read_repository(root, track)
    with configured(jobs=2, cache=False):
        apart = read_repository(root, track)
    with configured(jobs=2, cache=True):
        cold = read_repository(root, track)  # no snapshot of a last build yet: in a child
        warm = read_repository(root, track)  # one to patch: here
    first, second, third, fourth = (int(line) for line in readers.read_text(encoding="utf-8").split())
    assert first == os.getpid() and second != os.getpid()
    assert third != os.getpid() and fourth == os.getpid()
    assert cold.texts == warm.texts == here.texts and cold.findings == warm.findings == here.findings
    assert apart.findings == here.findings and apart.texts == here.texts
    assert set(apart.tables) == set(here.tables)
    for name, table in here.tables.items():
        other = apart.tables[name]
        assert other.data.equals(table.data), name
        assert (other.lines, other.unknown, other.path) == (table.lines, table.unknown, table.path), name

    other = corpus_repo(tmp_path / "other")
    reference, reference_findings = built(root, jobs=1, use_cache=False)
    two, two_findings = built(other, jobs=2, use_cache=True)
    assert two == reference and two_findings == reference_findings
