"""The derived tables after a small change: the last build's, patched, instead of every seed merged again.

A patch is made only when it is certain to be what a merge of every seed gives
(docs/identity.md says how sources become documents). An edited seed must have
been a document on its own, made of no other source and named in none of the
merge's findings, and stay one: its related list the same, no new article key or
headline that another source holds, and its old headline no other seed's. Then only
its document's row, its own `document_sources` row, its quotable text and its own
findings change. One seed added or removed is patched the same way when it lists no
related articles and is (or was) a document alone. Any other change (two seeds
edited, a seed that could join or leave another document) merges every seed again,
as does a snapshot made by other code, schemas or reference time, or one that cannot
be read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..core.findings import Finding
from ..core.package import Table, Track
from ..core.timestamps import reference_time
from . import cache, parallel, seed_results, snapshot
from .documents import build_documents, finish, seed_keys, seed_results_of
from .merge import Documents, Source, merge
from .seed_results import SeedResult
from .seeds import hidden_files, is_seed, seed_names
from .sidecars import check_orphan_sidecars

Tabulate = Callable[[str, list[dict[str, Any]]], Table]


def derived(
    root: Path, columns: Sequence[str], tabulate: Tabulate, track: Track | None = None
) -> tuple[Documents, dict[str, Table]]:
    """The documents' texts and findings, and the derived tables (`tabulate` makes one from rows)."""
    schemas = {name: tabulate(name, []).data.schema for name in snapshot.TABLES}
    now = reference_time(root)
    with cache.opened(root) as (store, refusals):
        place = store.place
        folder = place.database.parent if place is not None else None
        key = snapshot.key(store.salt, now, list(columns))
        found = snapshot.load(folder, key, schemas) if folder is not None else None
        if found is not None:
            patched = _patched(root, found, store, now, columns, refusals, tabulate, track)
            if patched is not None:
                assert folder is not None
                if patched[2] is not None:
                    snapshot.save(folder, key, patched[2])
                return patched[0], patched[1]
        record = snapshot.Record()
        out = build_documents(root, track, columns, record, (store, refusals))
    rows = {"documents": out.rows, "document_links": out.links, "document_sources": out.sources}
    out.rows, out.links, out.sources = [], [], []  # the tables hold them now
    # Each table's rows go as soon as it is made, before the next is: a feed's rows as Python
    # objects are several times their Arrow size.
    tables = {name: tabulate(name, rows.pop(name)) for name in snapshot.TABLES}
    if folder is not None and None not in record.keys:
        data = {name: table.data for name, table in tables.items()}
        snapshot.save(folder, key, snapshot.Snapshot(record, data, out.texts))
    return out, tables


def _patched(
    root: Path,
    found: snapshot.Snapshot,
    store: cache.SeedCache,
    now: datetime | None,
    columns: Sequence[str],
    refusals: list[Finding],
    tabulate: Tabulate,
    track: Track | None,
) -> tuple[Documents, dict[str, Table], snapshot.Snapshot | None] | None:
    """The documents from `found` where that is certain to be right, and the snapshot to keep
    (None when it is `found` as it was), or None for a full merge."""
    names = seed_names(root / "seeds")
    rels = [f"seeds/{name}" for name in names if is_seed(name)]
    record = found.record
    build = _Build(root, found, store, now, columns, tabulate)
    added = _added(rels, record.rels)
    removed = _added(record.rels, rels)
    if removed is not None:
        if not _remove(build, removed):
            return None
    elif rels != record.rels and added is None:
        return None
    if added is not None:
        # Judged as an edit of a seed that had no key: changed, and made a document of its own.
        record.rels.insert(added, rels[added])
        record.keys.insert(added, None)
        record.stats.insert(added, None)
        record.seeds.insert(added, ([], []))
    # A seed whose file is as it was when the last build read it keeps its key; the rest are hashed.
    stats = snapshot.file_stats(root, rels, names)
    todo = [
        i
        for i, (now_, then) in enumerate(zip(stats, record.stats, strict=True))
        if now_ is None or now_ != then
    ]
    chunks: Iterable[list[str | None]] = parallel.ordered_map(
        partial(seed_keys, root, store.salt), [rels[i] for i in todo], expected=len(todo)
    )
    if track is not None:
        chunks = track(chunks, -(-len(todo) // parallel.CHUNK))
    keys = list(record.keys)
    for i, key in zip(todo, (key for chunk in chunks for key in chunk), strict=True):
        keys[i] = key
    if None in keys:
        return None
    # Every seed's entry is still this build's: the cache must not forget the ones it did not read.
    store.used.update(key for key in keys if key is not None)
    changed = [i for i, (new, old) in enumerate(zip(keys, record.keys, strict=True)) if new != old]
    if len(changed) > 1:
        return None
    change = _add if added is not None else _edit
    if changed and not change(build, changed[0], keys):
        return None
    kept = found if changed or removed is not None or stats != record.stats else None
    record.stats = stats
    out = Documents(texts=found.texts)
    out.findings = hidden_files(root / "seeds", names=names) + refusals
    out.findings += [finding for read, _ in record.seeds for finding in read]
    check_orphan_sidecars(root, names, out)
    out.findings += [finding for _, normalized in record.seeds for finding in normalized]
    out.findings += record.merged
    tables = {
        name: dataclasses.replace(tabulate(name, []), data=found.tables[name]) for name in snapshot.TABLES
    }
    return out, tables, kept


@dataclass
class _Build:
    """What a patch of the last build's snapshot needs of this build."""

    root: Path
    found: snapshot.Snapshot
    store: cache.SeedCache
    now: datetime | None
    columns: Sequence[str]
    tabulate: Tabulate

    def before(self, index: int) -> SeedResult | None:
        """The seed's result as the last build had it, from the seed cache, or None if it is gone."""
        key = self.found.record.keys[index]
        place = self.store.place
        stored = cache.lookup(place, key) if place is not None and key is not None else None
        try:
            return None if stored is None else seed_results.loads(stored, self.root)
        except (ValueError, KeyError, TypeError):
            return None

    def now_result(self, index: int) -> SeedResult:
        (result,) = seed_results_of(self.root, [self.found.record.rels[index]], self.store, self.now)
        return result

    def alone(self, source: Source) -> Documents:
        """The document `source` makes on its own, as a merge of every seed makes it."""
        out = Documents()
        merge([source], {source.seed_path: []}, out)
        finish(out, self.columns)
        return out


def _edit(build: _Build, index: int, keys: list[str | None]) -> bool:
    """Patch the snapshot for the one edited seed at `index`, where that is certain to be right; whether it was."""
    found, tabulate = build.found, build.tabulate
    record, rel = found.record, found.record.rels[index]
    old = build.before(index)
    if old is None:
        return False
    new = build.now_result(index)
    if old.source is None or new.source is None or not (old.clean and new.clean):
        return False
    if any(finding.path == rel for finding in record.merged):
        return False
    if [_signature(s) for s in old.related] != [_signature(s) for s in new.related]:
        return False
    before, after = set(old.source.tokens), set(new.source.tokens)
    if (after - before) & record.tokens:
        return False
    was, now_named = snapshot.headline(old.source.headline), snapshot.headline(new.source.headline)
    if was is not None and record.headlines[was] != 1:
        return False
    if now_named not in (None, was) and (record.headlines[now_named] or now_named in record.loose):
        return False
    sources = found.tables["document_sources"]
    mine = pc.indices_nonzero(pc.and_(pc.equal(sources["seed_path"], rel), pc.equal(sources["position"], 0)))
    if len(mine) != 1:
        return False
    at = mine[0].as_py()
    document_id = sources["document_id"][at].as_py()
    if pc.sum(pc.equal(sources["document_id"], document_id)).as_py() != 1:
        return False  # other sources made the document with it
    alone = build.alone(new.source)
    if alone.findings or alone.rows[0]["document_id"] != document_id:
        return False
    documents = found.tables["documents"]
    (row,) = pc.indices_nonzero(pc.equal(documents["document_id"], document_id)).to_pylist()
    found.tables["documents"] = _splice(documents, row, tabulate("documents", alone.rows).data)
    found.tables["document_sources"] = _splice(sources, at, tabulate("document_sources", alone.sources).data)
    found.texts[document_id] = alone.texts[document_id]
    record.keys[index] = keys[index]
    record.seeds[index] = (new.read, new.findings)
    record.tokens = (record.tokens - before) | after
    if was is not None:
        del record.headlines[was]
    if now_named is not None:
        record.headlines[now_named] += 1
    return True


def _add(build: _Build, index: int, keys: list[str | None]) -> bool:
    """Insert the one added seed at `index` into the snapshot, where it is certain to be a document
    alone (no related list, no article key or headline another source holds); whether it was."""
    found, tabulate, record = build.found, build.tabulate, build.found.record
    new = build.now_result(index)
    if new.source is None or new.related or not new.clean:
        return False
    tokens = set(new.source.tokens)
    name = snapshot.headline(new.source.headline)
    if tokens & record.tokens or (name is not None and (record.headlines[name] or name in record.loose)):
        return False
    alone = build.alone(new.source)
    document_id = alone.rows[0]["document_id"]
    documents, sources = found.tables["documents"], found.tables["document_sources"]
    if alone.findings or pc.any(pc.equal(documents["document_id"], document_id)).as_py():
        return False
    # Both tables are in document_id order, and the document is new: its rows go before the later ids.
    row = pc.sum(pc.less(documents["document_id"], document_id)).as_py() or 0
    at = pc.sum(pc.less(sources["document_id"], document_id)).as_py() or 0
    found.tables["documents"] = _splice(documents, row, tabulate("documents", alone.rows).data, 0)
    found.tables["document_sources"] = _splice(
        sources, at, tabulate("document_sources", alone.sources).data, 0
    )
    found.texts[document_id] = alone.texts[document_id]
    record.keys[index] = keys[index]
    record.seeds[index] = (new.read, new.findings)
    record.tokens |= tokens
    if name is not None:
        record.headlines[name] += 1
    return True


def _remove(build: _Build, index: int) -> bool:
    """Take the one removed seed at `index` out of the snapshot, where it was a document alone with
    no related list, in no merge finding, and its headline no other seed's; whether it was."""
    found, record, rel = build.found, build.found.record, build.found.record.rels[index]
    old = build.before(index)
    if old is None or any(finding.path == rel for finding in record.merged):
        return False
    if old.source is None or old.related:
        return False
    name = snapshot.headline(old.source.headline)
    if name is not None and record.headlines[name] != 1:
        return False
    sources = found.tables["document_sources"]
    mine = pc.indices_nonzero(pc.equal(sources["seed_path"], rel)).to_pylist()
    if len(mine) != 1:
        return False
    document_id = sources["document_id"][mine[0]].as_py()
    if pc.sum(pc.equal(sources["document_id"], document_id)).as_py() != 1:
        return False
    documents = found.tables["documents"]
    (row,) = pc.indices_nonzero(pc.equal(documents["document_id"], document_id)).to_pylist()
    found.tables["documents"] = _splice(documents, row, documents.slice(0, 0))
    found.tables["document_sources"] = _splice(sources, mine[0], sources.slice(0, 0))
    del found.texts[document_id]
    record.tokens -= set(old.source.tokens)
    if name is not None:
        del record.headlines[name]
    for column in (record.rels, record.keys, record.stats, record.seeds):
        del column[index]
    return True


def _added(rels: list[str], before: list[str]) -> int | None:
    """Where `rels` has one seed more than `before` and is otherwise the same, or None."""
    if len(rels) != len(before) + 1:
        return None
    at = next((i for i, (a, b) in enumerate(zip(rels, before, strict=False)) if a != b), len(before))
    return at if rels[at + 1 :] == before[at:] and rels[:at] == before[:at] else None


def _signature(source: Source) -> tuple[Any, ...]:
    """Everything of a related entry that the merge reads."""
    return (
        source.position,
        source.at,
        source.values,
        source.addresses,
        source.tokens,
        source.url_key,
        source.body,
        source.sha256,
        source.where is not None,
        source.places,
    )


def _splice(table: pa.Table, index: int, row: pa.Table, replaced: int = 1) -> pa.Table:
    """`table` with `row` at `index` in place of `replaced` rows, in one chunk as a table made from rows is."""
    return pa.concat_tables([table.slice(0, index), row, table.slice(index + replaced)]).combine_chunks()
