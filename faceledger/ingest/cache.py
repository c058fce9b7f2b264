"""The seed cache: each seed's result kept by the bytes it came from, so a rebuild reads only what changed.

An entry's key is the SHA-256 of the code and schema fingerprint, the seed's path
and its bytes (and its sidecar's): an edited seed, another version of faceledger
or of a parsing library, or an edited schema simply finds nothing. Entries are
JSON (ingest/seed_results.py) in one SQLite file under `.faceledger-cache/`, which
git ignores; deleting the folder only costs the next build its speed.

A cache the build did not write is never read: one that git tracks (a pull
request can commit a git-ignored file) or that is not a plain folder inside the
repository is ignored with a warning. `FACELEDGER_CACHE=off` turns it off; another
value names the folder to use.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..core import cache_store
from ..core.findings import Finding
from . import settings

FOLDER = settings.CACHE_FOLDER
DATABASE = "seeds.sqlite3"
TABLE = "seeds"
# Entries written at a time, so that a large first build does not hold every result's JSON.
WRITE_EVERY = 1000
# The cache keeps entries a build did not use until they are more than twice those it used, plus these.
KEPT_BEYOND = 2
KEPT_ANYWAY = 1000
# Libraries whose version can change what a seed normalizes to.
PARSERS = ("PyYAML", "yaml-rs", "ftfy", "w3lib", "python-frontmatter", "pycountry")


def fingerprint(root: Path) -> str:
    """What every entry's key starts from: faceledger's source, the parsers' versions and the Table Schemas."""
    digest = hashlib.sha256(cache_store.code_digest())
    digest.update(cache_store.versions(PARSERS))
    schema_dir = root / "schema"
    if schema_dir.is_dir():
        for path in sorted(schema_dir.glob("*.json")):
            if path.is_file() and not path.is_symlink():
                digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def entry_key(salt: str, rel: str, *contents: bytes | None) -> str:
    digest = hashlib.sha256(f"{salt}\0{rel}\0".encode())
    for content in contents:
        digest.update(b"-" if content is None else hashlib.sha256(content).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class Place:
    """Where a worker process looks entries up: the cache's file and the build's salt."""

    database: Path
    salt: str


# Each process's own read-only connection: one opened before a fork must not be used after it.
_readers: dict[tuple[int, Path], sqlite3.Connection | None] = {}


def lookup(place: Place, key: str) -> bytes | None:
    """The entry stored under `key`, or None (none, or a cache that cannot be read: both a miss)."""
    slot = (os.getpid(), place.database)
    if slot not in _readers:
        try:
            _readers[slot] = sqlite3.connect(place.database, timeout=30)
        except sqlite3.Error:
            _readers[slot] = None
    connection = _readers[slot]
    if connection is None:
        return None
    try:
        row = connection.execute(
            f"SELECT value FROM {TABLE} WHERE salt = ? AND key = ?", [place.salt, key]
        ).fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else bytes(row[0])


class SeedCache(cache_store.Store):
    """Results by key, looked up by the workers (`lookup`) and written by the build in large transactions."""

    def __init__(self, connection: sqlite3.Connection | None, salt: str, database: Path | None = None):
        super().__init__(connection, TABLE, salt)
        self.database = database

    @property
    def place(self) -> Place | None:
        """Where workers look entries up, or None when this build uses no cache."""
        if self.connection is None or self.database is None:
            return None
        return Place(self.database, self.salt)

    def put(self, key: str, value: bytes) -> None:
        if self.connection is not None:
            self.new[key] = value
            if len(self.new) >= WRITE_EVERY:
                self.flush()


@contextmanager
def opened(root: Path) -> Iterator[tuple[SeedCache, list[Finding]]]:
    """The seed cache for the repository at `root` (an empty one when it is off or refused), and why not."""
    place = settings.cache_folder(root)
    salt = fingerprint(root) if place is not None else ""
    if place is None:
        yield SeedCache(None, salt), []
        return
    reason = cache_store.refusal(root, place, DATABASE)
    if reason is not None:
        where = place.relative_to(root).as_posix() if place.is_relative_to(root) else str(place)
        message = f"the seed cache {reason}; it was not used (delete it to build faster again)"
        yield SeedCache(None, salt), [Finding(where, None, "cache-ignored", message, severity="warning")]
        return
    try:
        connection = cache_store.connect(place, DATABASE, TABLE)
    except (OSError, sqlite3.Error) as exc:
        message = f"the seed cache cannot be opened ({exc}); it was not used"
        yield SeedCache(None, salt), [Finding(FOLDER, None, "cache-ignored", message, severity="warning")]
        return
    cache = SeedCache(connection, salt, place / DATABASE)
    try:
        yield cache, []
        cache.flush()
        cache.trim(KEPT_BEYOND, KEPT_ANYWAY)
    finally:
        connection.close()
        # What this process looked up itself (a small tree, or one core): a long-lived program
        # that builds many repositories must not keep a connection to each.
        reader = _readers.pop((os.getpid(), place / DATABASE), None)
        if reader is not None:
            reader.close()
