"""The render cache: derived bytes (site pages, charts, release files, deflate streams) kept by their inputs.

After one seed is edited most of a release and its site is what the last build
wrote; rendering it again is the slow part (Jinja for the documents list,
vl-convert for the charts, CSV and JSON Lines text, zlib). An entry's key is the SHA-256 of a fingerprint of faceledger's code,
its templates and the libraries that render (Jinja2, MarkupSafe, vl-convert, zlib),
then what was rendered (a template's name, a chart's slug) and the values handed
to it, pickled. Pickling is faithful: two pickles are the same bytes only for
values that are equal and of the same types, so an entry found is the bytes a
render would give, and a value that does not pickle the same way twice (a set in
another order) only misses. Values that cannot be pickled are rendered every time.

Entries live in one SQLite file beside the seed cache, in the git-ignored
`.faceledger-cache/` (ingest/settings.py, which also says when caching is off);
deleting it only costs the next build its speed. As with the seed cache, a folder
or file the build did not make (a symlink, or one git tracks) is never read.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..core import cache_store
from ..ingest import settings

DATABASE = "renders.sqlite3"
TABLE = "renders"
# New entries are written once they hold this many bytes, so that a first build does not hold them all.
WRITE_EVERY = 32 << 20
# Libraries whose version can change what a page or chart renders to.
RENDERERS = ("Jinja2", "MarkupSafe", "vl-convert-python")
# Entries kept beyond the ones a build used, before the unused ones are forgotten.
KEPT_BEYOND = 2
KEPT_ANYWAY = 200


def fingerprint() -> str:
    """faceledger's source and templates, and the renderers' versions: what every key starts from."""
    digest = hashlib.sha256(cache_store.code_digest())
    templates = cache_store.PACKAGE / "website" / "templates"
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        digest.update(path.relative_to(templates).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(cache_store.versions(RENDERERS))
    # The zips' deflate streams are zlib's: another zlib may deflate the same bytes otherwise.
    digest.update(f"zlib={zlib.ZLIB_RUNTIME_VERSION}\0".encode())
    return digest.hexdigest()


class RenderCache(cache_store.Store):
    """Rendered bytes by key; with no connection it renders everything and keeps nothing."""

    def __init__(self, connection: sqlite3.Connection | None = None, salt: str = "") -> None:
        super().__init__(connection, TABLE, salt)
        self.pending = 0  # bytes in `new`
        self.hits = 0
        # Each chunk's digest by its table and first row: the CSV and JSON Lines files digest the
        # same chunks. The table is kept beside it, so that an id is never taken for another table's.
        self.digests: dict[tuple[int, int], tuple[pa.Table, str]] = {}
        # The release's zips render on threads of their own (publish/zips.py).
        self.lock = threading.RLock()

    def key(self, kind: str, values: Any) -> str | None:
        try:
            pickled = pickle.dumps(values, protocol=5)
        except (pickle.PicklingError, TypeError, AttributeError):
            return None
        return hashlib.sha256(f"{self.salt}\0{kind}\0".encode() + pickled).hexdigest()

    def rendered(self, kind: str, values: Any, render: Callable[[], bytes]) -> bytes:
        """What `render()` gives, from the cache when `kind` and `values` were rendered before."""
        key = self.key(kind, values) if self.connection is not None else None
        if key is None:
            return render()
        found = self._get(key)
        if found is not None:
            return found
        data = render()
        with self.lock:
            self.new[key] = data
            self.pending += len(data)
            if self.pending >= WRITE_EVERY:
                self.flush()
        return data

    def _get(self, key: str) -> bytes | None:
        with self.lock:
            self.used.add(key)
            if key in self.new:
                return self.new[key]
            if self.connection is None:
                return None
            try:
                row = self.connection.execute(
                    f"SELECT value FROM {TABLE} WHERE key = ? AND salt = ?", [key, self.salt]
                ).fetchone()
            except sqlite3.Error:  # a damaged file: render without it
                self.connection = None
                return None
            if row is None:
                return None
            self.hits += 1
            return bytes(row[0])

    def flush(self) -> None:
        with self.lock:
            super().flush()
            self.pending = 0

    def save(self) -> None:
        """Write this render's new entries, and forget the entries it did not use once they pile up."""
        with self.lock:
            self.flush()
            self.trim(KEPT_BEYOND, KEPT_ANYWAY)


@contextmanager
def opened(root: Path | None, trim: bool = True) -> Iterator[RenderCache]:
    """The render cache of the repository at `root`; one that keeps nothing when root is None or caching is off.

    With trim=False it keeps what it renders and forgets nothing: for a use of part of the
    cache (`faceledger validate` renders only the repository's parts), whose idea of
    which entries are unused would cost a build its release's.
    """
    place = settings.cache_folder(root) if root is not None else None
    if root is None or place is None or cache_store.refusal(root, place, DATABASE) is not None:
        yield RenderCache()
        return
    try:
        connection = cache_store.connect(place, DATABASE, TABLE)
    except (OSError, sqlite3.Error):
        yield RenderCache()
        return
    cache = RenderCache(connection, fingerprint())
    try:
        yield cache
        if trim:
            cache.save()
        else:
            cache.flush()
    finally:
        connection.close()


# Rows of a table rendered, and cached, at a time: an edited row costs its chunk, not its table.
CHUNK_ROWS = 2000


def table_digest(table: pa.Table) -> str:
    """The SHA-256 of the table in Arrow's IPC stream form: its schema, metadata and values."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue()).hexdigest()


def table_rendered(
    cache: RenderCache | None,
    kind: str,
    values: Any,
    table: pa.Table,
    encode: Callable[[pa.Table], bytes],
    digest: Callable[[], str] | None = None,
) -> bytes:
    """`encode(table)`, from `cache` when the same rows (and `values`) were encoded before.

    With no cache the table is not digested: that is most of a lookup's cost. `digest`,
    if given, gives table_digest(table) some other way.
    """
    if cache is None or cache.connection is None:
        return encode(table)
    found = digest() if digest is not None else table_digest(table)
    return cache.rendered(kind, (values, found), partial(encode, table))


def _chunk_digest(cache: RenderCache, table: pa.Table, start: int) -> str:
    known = cache.digests.get((id(table), start))
    if known is not None and known[0] is table:
        return known[1]
    found = table_digest(table.slice(start, CHUNK_ROWS))
    cache.digests[(id(table), start)] = (table, found)
    return found


def chunks(
    cache: RenderCache | None, kind: str, values: Any, table: pa.Table, encode: Callable[[pa.Table], bytes]
) -> Iterator[bytes]:
    """`encode` of each CHUNK_ROWS rows of `table` in turn, from `cache` for rows encoded before.

    `values` is everything else the encoding depends on (the Table Schema, say); the
    encoding of a chunk must not depend on the rows around it.
    """
    for start in range(0, table.num_rows, CHUNK_ROWS):
        digest = partial(_chunk_digest, cache, table, start) if cache is not None else None
        yield table_rendered(cache, kind, values, table.slice(start, CHUNK_ROWS), encode, digest)
