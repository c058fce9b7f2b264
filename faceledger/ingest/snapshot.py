"""The last build's documents, kept so that the next build can patch them after a one-seed edit.

A merge of every source is global (ingest/merge.py): one seed's related entry can join
another's document. But the common contribution, an edit to one seed's own title,
excerpt or date, touches one document only, when the seed was a document alone and
its related list and addresses did not change (ingest/incremental.py says exactly
when). For that, a build that merged every seed keeps beside the seed cache what it
made: the three derived tables as Arrow, the quotable texts, each seed's findings and
the merge's, and what a later build needs to judge an edit by (every source's article
keys, the seeds' headlines). The next build reads it only if it was made by the same
code, schemas and reference time; anything wrong with the file makes it a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..core.findings import Finding
from .seed_results import stored_finding
from .seeds import SIDECAR_SUFFIX

FILE = "documents.snapshot"
TABLES = ("documents", "document_links", "document_sources")
_TEXTS = pa.schema([("document_id", pa.string()), ("text", pa.string())])
# The record's long columns go as Arrow too: as JSON they were 12 MB at 20,000 seeds, read and
# written in a third of a second. The seeds' own findings, mostly empty, stay in the JSON head.
_STATS = pa.list_(pa.int64(), 8)
_SEEDS = pa.schema([("rel", pa.string()), ("key", pa.string()), ("stat", _STATS)])
_TOKENS = pa.schema([("token", pa.string())])
_HEADLINES = pa.schema([("headline", pa.string()), ("count", pa.int64())])


@dataclass
class Record:
    """What a merge of every seed leaves for the next build to judge an edit by."""

    rels: list[str] = field(default_factory=list)  # the seeds, in order
    keys: list[str | None] = field(default_factory=list)  # each seed's cache key
    stats: list[list[int] | None] = field(default_factory=list)  # each seed's file_stats before it was read
    seeds: list[tuple[list[Finding], list[Finding]]] = field(default_factory=list)  # read, normalized
    merged: list[Finding] = field(default_factory=list)  # the merge's own findings
    tokens: set[str] = field(default_factory=set)  # every source's article keys
    headlines: Counter[str] = field(default_factory=Counter)  # the seeds' (title, published) pairs
    loose: set[str] = field(default_factory=set)  # those of related entries without an address


# A file changed this recently may change again within one tick of the file system's clock
# and keep its times (git's "racily clean" entries): it is hashed every time instead.
RACY_NS = 2_000_000_000


def file_stats(root: Path, rels: list[str], names: list[str]) -> list[list[int] | None]:
    """For each seed of `rels`, what tells that it and its sidecar are the bytes they were, without
    reading them; None for one that cannot be examined or changed too recently to tell.

    `names` is the listing of seeds/ they come from: a sidecar it lacks is not looked for (one
    made since is not in the stat, so the next build hashes its seed again).
    """
    started = time.time_ns()
    listed = {f"seeds/{name}" for name in names}
    return [_file_stat(os.path.join(root, rel), rel + SIDECAR_SUFFIX in listed, started) for rel in rels]


def _file_stat(path: str, sidecar: bool, started: int) -> list[int] | None:
    # `path` is a string: a Path each costs more than the call, at 20k seeds.
    try:
        seed = os.lstat(path)
        try:
            side = os.lstat(path + SIDECAR_SUFFIX) if sidecar else None
        except FileNotFoundError:
            side = None
    except OSError:
        return None
    extra = (
        [-1, -1, 0, 0] if side is None else [side.st_ino, side.st_size, side.st_mtime_ns, side.st_ctime_ns]
    )
    found = [seed.st_ino, seed.st_size, seed.st_mtime_ns, seed.st_ctime_ns, *extra]
    return None if max(found[2], found[3], found[6], found[7]) >= started - RACY_NS else found


def headline(pair: tuple[str, datetime] | None) -> str | None:
    return None if pair is None else f"{pair[0]}\0{pair[1].isoformat()}"


@dataclass
class Snapshot:
    record: Record
    tables: dict[str, pa.Table]
    texts: dict[str, str]


def key(salt: str, now: datetime | None, columns: list[str]) -> str:
    """What a snapshot holds for: the code and schemas (the seed cache's salt), the reference time, the fields."""
    stamp = "" if now is None else now.isoformat()
    return hashlib.sha256(json.dumps([salt, stamp, columns]).encode()).hexdigest()


def _findings(found: list[Finding]) -> list[list[Any]]:
    return [stored_finding(f) for f in found]


def _restored(stored: list[list[Any]]) -> list[Finding]:
    return [Finding.restored(f) for f in stored]


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    # LZ4 costs little time either way and makes the file about a third of the size.
    options = pa.ipc.IpcWriteOptions(compression="lz4" if pa.Codec.is_available("lz4") else None)
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    data: bytes = sink.getvalue().to_pybytes()
    return data


def save(folder: Path, snapshot_key: str, snapshot: Snapshot) -> None:
    """Write the snapshot beside the seed cache, in place of the last one, whole or not at all."""
    record = snapshot.record
    texts = pa.table([list(snapshot.texts), list(snapshot.texts.values())], schema=_TEXTS)
    seeds = pa.table([record.rels, record.keys, pa.array(record.stats, _STATS)], schema=_SEEDS)
    tokens = pa.table([sorted(record.tokens)], schema=_TOKENS)
    headlines = pa.table([list(record.headlines), list(record.headlines.values())], schema=_HEADLINES)
    parts = [_ipc(snapshot.tables[name]) for name in TABLES]
    parts += [_ipc(table) for table in (texts, seeds, tokens, headlines)]
    head = {
        "key": snapshot_key,
        "seeds": [[_findings(read), _findings(found)] for read, found in record.seeds],
        "merged": _findings(record.merged),
        "loose": sorted(record.loose),
        "sizes": [len(part) for part in parts],
    }
    # One staging name: a killed build's leftover is overwritten by the next, never piled up
    # (two builds of one repository at once are not supported, README says).
    staging = folder / f".{FILE}.tmp"
    try:
        with staging.open("wb") as out:
            out.write(json.dumps(head, ensure_ascii=False).encode("utf-8") + b"\n")
            for part in parts:
                out.write(part)
        os.replace(staging, folder / FILE)
    except OSError:  # a snapshot that cannot be written only costs the next build its speed
        staging.unlink(missing_ok=True)


def load(folder: Path, snapshot_key: str, schemas: dict[str, pa.Schema]) -> Snapshot | None:
    """The snapshot made for `snapshot_key`, its tables of these `schemas`; None for any other or a damaged one."""
    path = folder / FILE
    try:
        if path.is_symlink() or not path.is_file():
            return None
        data = path.read_bytes()
        line, _, rest = data.partition(b"\n")
        head = json.loads(line)
        if head.get("key") != snapshot_key:
            return None
        tables, start = [], 0
        for size in head["sizes"]:
            buffer = pa.py_buffer(rest[start : start + size])
            start += size
            tables.append(pa.ipc.open_stream(buffer).read_all())
        derived = dict(zip(TABLES, tables[: len(TABLES)], strict=True))
        texts, seeds, tokens, headlines = tables[len(TABLES) :]
        if start != len(rest):
            return None
        shapes = ((texts, _TEXTS), (seeds, _SEEDS), (tokens, _TOKENS), (headlines, _HEADLINES))
        if not all(table.schema.equals(schema) for table, schema in shapes):
            return None
        if any(not derived[name].schema.equals(schemas[name], check_metadata=True) for name in TABLES):
            return None
        record = Record(
            rels=seeds["rel"].to_pylist(),
            keys=seeds["key"].to_pylist(),
            stats=seeds["stat"].to_pylist(),
            seeds=[(_restored(read), _restored(found)) for read, found in head["seeds"]],
            merged=_restored(head["merged"]),
            tokens=set(tokens["token"].to_pylist()),
            headlines=Counter(dict(zip(*(c.to_pylist() for c in headlines.columns), strict=True))),
            loose=set(head["loose"]),
        )
        if not len(record.rels) == len(record.keys) == len(record.stats) == len(record.seeds):
            return None
        ids = texts.column("document_id").to_pylist()
        return Snapshot(record, derived, dict(zip(ids, texts.column("text").to_pylist(), strict=True)))
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None
