"""Normalizing seeds into the `documents`, `document_links` and `document_sources` resources."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from datetime import datetime
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..core import limits
from ..core.findings import Finding
from ..core.package import Track
from ..core.safe_read import UnsafeFile, read_bytes
from ..core.timestamps import reference_time
from . import cache, parallel, seed_results, snapshot, text, urls
from .fields import (
    check_year,
    checked_text,
    parse_timestamp,
    publisher,
    text_value,
    too_long,
    topics,
)
from .merge import Documents, Source, merge
from .related import ADDRESS_KEYS, addresses, related_sources
from .seed_results import SeedResult
from .seeds import (
    SIDECAR_SUFFIX,
    Seed,
    hidden_files,
    is_seed,
    parse_seed,
    read_seed,
    seed_names,
)
from .sidecars import apply_sidecar, check_orphan_sidecars

# The news-feed front matter this project reads; anything else is reported.
FEED_KEYS = {
    "category",
    "title",
    "excerpt",
    "publishedDateTime",
    "originalUrl",
    "webUrl",
    "ampWebUrl",
    "cdnAmpWebUrl",
    "type",
    "quality",
    "heat",
    "published",
    "provider",
    "topics",
    "images",
    "related",
    "secured",
}


def build_documents(
    root: Path,
    track: Track | None = None,
    columns: Sequence[str] | None = None,
    record: snapshot.Record | None = None,
    opened: tuple[cache.SeedCache, list[Finding]] | None = None,
) -> Documents:
    """Every seed normalized, and every source of one article merged into one document.

    `track` wraps the seed loop to show progress. Each row sets the fields it
    has a value for; `columns` (the documents schema's fields) are the fields
    every row then has, null where unset. Without it, as for a bare folder of
    seeds, rows share the fields any row sets. Seeds are normalized on every core
    and their results kept in the seed cache (ingest/cache.py), as ingest/settings.py
    says; neither changes the output. `record`, where given, is filled with what a later
    build needs to patch the result after a one-seed edit (ingest/snapshot.py); `opened`
    is the seed cache and why it was refused, when the caller has it open.
    """
    out = Documents()
    names = seed_names(root / "seeds")
    out.findings += hidden_files(root / "seeds", names=names)
    rels = [f"seeds/{name}" for name in names if is_seed(name)]
    now = reference_time(root)
    if record is not None:
        # Before the seeds are read: a seed that changes after this is hashed again next time.
        record.stats = snapshot.file_stats(root, rels, names)
    with nullcontext(opened) if opened is not None else cache.opened(root) as (store, refusals):
        out.findings += refusals
        keys: dict[str, str | None] = {}
        results = seed_results_of(root, rels, store, now, track, keys)
    for result in results:
        out.findings += result.read
    check_orphan_sidecars(root, names, out)

    described: list[Source] = []
    related: dict[str, list[Source]] = {}
    for result in results:
        out.findings += result.findings
        if result.source is not None:
            described.append(result.source)
            related[result.rel] = result.related
    if record is not None:
        _outline(record, results, keys, described, related)
    del results  # the sources live on in `described` and `related` only until the merge is done
    merged = len(out.findings)
    merge(described, related, out)
    del described, related
    if record is not None:
        record.merged = out.findings[merged:]
    finish(out, columns)
    return out


def _outline(
    record: snapshot.Record,
    results: Sequence[SeedResult],
    keys: dict[str, str | None],
    described: Sequence[Source],
    related: dict[str, list[Source]],
) -> None:
    record.rels = [result.rel for result in results]
    record.keys = [keys.get(result.rel) for result in results]
    record.seeds = [(result.read, result.findings) for result in results]
    for seed in described:
        record.tokens.update(seed.tokens)
        name = snapshot.headline(seed.headline)
        if name is not None:
            record.headlines[name] += 1
        for entry in related.get(seed.seed_path, ()):
            record.tokens.update(entry.tokens)
            name = snapshot.headline(entry.headline)
            if name is not None and not entry.addresses:
                record.loose.add(name)


def finish(out: Documents, columns: Sequence[str] | None) -> None:
    """The merged rows given every field (`columns`, or those any row sets), and all three in key order."""
    rows = out.rows
    names = list(columns) if columns is not None else list(dict.fromkeys(k for row in rows for k in row))
    blank = dict.fromkeys(names)
    # In place, so that each row's old dict is freed as its full one is made, not all at the end.
    for index, row in enumerate(rows):
        rows[index] = {**blank, **row}
    rows.sort(key=itemgetter("document_id"))
    out.links.sort(key=itemgetter("document_id", "related_document_id"))
    order = {name: index for index, name in enumerate(names)}
    for entry in out.sources:
        entry["fields"] = sorted(entry["fields"], key=order.__getitem__) if entry["fields"] else None
    out.sources.sort(key=itemgetter("document_id", "seed_path", "position"))


def normalize_seed(
    root: Path, rel: str, now: datetime | None = None, data: bytes | None = None
) -> SeedResult:
    """One seed read (or taken from `data`, its bytes) and normalized on its own, in a worker or here."""
    seed, read = read_seed(root / rel, rel, root) if data is None else parse_seed(data, rel)
    result = SeedResult(rel, read)
    if seed is None:
        return result
    local = Documents()
    result.source = _seed_source(root, seed, local, now)
    if result.source is not None:
        result.related = related_sources(seed, local.findings, now)
    result.findings = local.findings
    for source in ([result.source] if result.source else []) + result.related:
        # The article keys, worked out here on every core rather than one by one in the merge.
        source.tokens  # noqa: B018
        source.url_key  # noqa: B018
        source.words  # noqa: B018
    return result


def seed_chunk(
    root: Path, place: cache.Place | None, rels: Sequence[str]
) -> list[tuple[str, str | None, bytes, bool]]:
    """Seeds read, looked up in the seed cache and, where it lacks them, normalized: what a worker does.

    Each seed gives its path, its cache key (None with no cache, or when it cannot be
    read: its own reading then reports why), its result as the cache stores it, and
    whether the cache had it. A result is computed without a reference time (it holds
    for any time no kept date passes) and leaves without its seed's text: a line a
    merge finding needs is read again. Reading, hashing and the JSON are done here, on
    every core; the build's own process only decodes.
    """
    out = []
    for rel in rels:
        got = _inputs(root, rel)
        key = cache.entry_key(place.salt, rel, *got) if place is not None and got is not None else None
        blob = cache.lookup(place, key) if place is not None and key is not None else None
        if blob is None:
            result = normalize_seed(root, rel, data=got[0] if got else None)
            out.append((rel, key, seed_results.dumps(seed_results.handed_on(result, root)), False))
        else:
            out.append((rel, key, blob, True))
    return out


def seed_keys(root: Path, salt: str, rels: Sequence[str]) -> list[str | None]:
    """Each seed's cache key (None for one that cannot be read): what a worker does to tell what changed."""
    keys = []
    for rel in rels:
        got = _inputs(root, rel)
        keys.append(None if got is None else cache.entry_key(salt, rel, *got))
    return keys


def _inputs(root: Path, rel: str) -> tuple[bytes, bytes | None] | None:
    """A seed's bytes and its sidecar's, or None when either cannot be read (the seed is then not cached)."""
    try:
        data = read_bytes(root, rel, limits.SEED_BYTES)
        sidecar = rel + SIDECAR_SUFFIX
        extra = read_bytes(root, sidecar, limits.SIDECAR_BYTES) if os.path.lexists(root / sidecar) else None
    except (UnsafeFile, OSError):
        return None
    return data, extra


def seed_results_of(
    root: Path,
    rels: Sequence[str],
    store: cache.SeedCache,
    now: datetime | None,
    track: Track | None = None,
    keys: dict[str, str | None] | None = None,
) -> list[SeedResult]:
    """Each seed's result, in seed order: from the cache where it has one, else computed and cached.

    `keys`, where given, is told each seed's cache key (None for a seed that is not cached).

    A result computed without the reference time holds only if nothing in it is
    later than that time and it has no error (an error can drop an entry whose date
    would be reported too); otherwise the seed is normalized again with it.
    """
    results: dict[str, SeedResult] = {}
    shared = seed_results.Shared()
    chunks: Iterable[list[tuple[str, str | None, bytes, bool]]] = parallel.ordered_map(
        partial(seed_chunk, root, store.place), rels, expected=len(rels)
    )
    if track is not None:
        chunks = track(chunks, -(-len(rels) // parallel.CHUNK))
    for chunk in chunks:
        for rel, key, blob, hit in chunk:
            if keys is not None:
                keys[rel] = key
            if key is not None:
                store.used.add(key)
            try:
                result = seed_results.loads(blob, root, shared)
            except (ValueError, KeyError, TypeError):
                if not hit:
                    raise
                # A damaged entry is a miss: normalized here, as a worker would, and stored again.
                blob = seed_results.dumps(seed_results.handed_on(normalize_seed(root, rel), root))
                result, hit = seed_results.loads(blob, root, shared), False
            results[rel] = result
            if key is not None and not hit and result.clean:
                store.put(key, blob)
    for rel, result in results.items():
        stamp = result.latest()
        if not result.clean or (now is not None and stamp is not None and stamp > now):
            # Rare (an error, or a date past the reference time), so read again rather than keep every seed's bytes.
            results[rel] = normalize_seed(root, rel, now)
    return [results[rel] for rel in rels]


def _seed_source(root: Path, seed: Seed, out: Documents, now: datetime | None = None) -> Source | None:
    meta = seed.metadata
    problems: list[Finding] = []

    def bad(key: str, message: str, code: str = "bad-value", severity: str = "error") -> None:
        problems.append(Finding(seed.path, seed.line(key), code, message, field=key, severity=severity))  # type: ignore[arg-type]

    if seed.source_format == "front-matter":
        for key in sorted(set(meta) - FEED_KEYS):
            bad(key, f"unknown front-matter key {key!r}; it is not published", "unknown-key", "warning")
    title = meta.get("title")
    if not isinstance(title, str) or not text.clean(title):
        line = seed.line("title") if "title" in meta else (seed.line() or 1)
        out.findings.append(
            Finding(seed.path, line, "missing-title", "the document has no title", field="title")
        )
        return None
    for key in ("title", "excerpt"):
        reason = too_long(key, meta.get(key))
        if reason:
            bad(key, reason, "over-limit")
    if any(p.code == "over-limit" for p in problems):
        out.findings += problems
        return None

    row: dict[str, Any] = {
        "title": checked_text(title, "title", bad),
        "excerpt": text_value(meta, "excerpt", bad),
        "topics": topics(meta.get("topics"), lambda m: bad("topics", m), bad),
        "content_sha256": seed.sha256,
        "seed_path": seed.path,
        "source_format": seed.source_format,
    }
    provider = meta.get("provider")
    if isinstance(provider, dict):
        row.update(publisher(provider, bad))
    elif provider is not None:
        bad("provider", "provider must be a mapping with name and domain")
    if "publishedDateTime" in meta:
        row["published_at"], reason = parse_timestamp(meta["publishedDateTime"])
        if reason:
            bad("publishedDateTime", reason, "bad-date")
        else:
            check_year(row["published_at"], now, "publishedDateTime", bad)
    for key in ADDRESS_KEYS:
        if meta.get(key) is not None and urls.canonical_url(meta[key]) is None:
            bad(key, f"{meta[key]!r} is not an absolute http(s) URL", "bad-url")
    row["url"] = urls.canonical_url(meta.get("originalUrl")) or urls.canonical_url(meta.get("webUrl"))

    if seed.source_format == "plain-text":
        apply_sidecar(root, seed, row, out, now)
    elif (root / (seed.path + SIDECAR_SUFFIX)).exists():
        out.findings.append(
            Finding(
                seed.path + SIDECAR_SUFFIX,
                None,
                "sidecar-ignored",
                f"{seed.path} has front matter, so this sidecar would be ignored: move its fields into the "
                "front matter, or remove it",
            )
        )
    out.findings += problems
    if any(p.severity == "error" for p in problems):
        return None
    body = text.clean(seed.body)
    # The address it is published under first, then every other address that leads to it.
    known = tuple(dict.fromkeys([*([row["url"]] if row["url"] else []), *addresses(meta)]))
    values = {k: v for k, v in row.items() if v is not None}
    places: dict[str, tuple[str | int, ...]] = {"title": ("title",), "published_at": ("publishedDateTime",)}
    return Source(seed.path, 0, values, known, where=seed.lines, places=places, body=body, sha256=seed.sha256)
