"""sqlite/faceledger.db: every resource as a table, ready for Datasette and any SQLite client.

Tables, column types, primary and foreign keys all come from the Table Schemas;
the only choices made here are which text is searchable (SEARCH), and the
`contracts_with_sources` view, whose joins follow the schemas' foreign keys.

SQLite keeps no column comments, so each field's description goes twice: into
the Datasette metadata (datasette.py) and into the `field_descriptions` table,
so that a reader with the bare file (sqlite3, DuckDB) still has them.

The file is the same bytes for the same package and the same SQLite library:
tables are created and filled in one fixed order, the full-text index is then built
and merged into one segment, and the journal is the default rollback one (WAL would
leave bytes of its own in the header). There is no VACUUM: SQLite lays out the same
statements the same way, and a VACUUM of the filled tables cost a fifth of the
database's time at 20,000 documents, for a file 2.4 % smaller that deflates 3.6 % larger.
The header still records the version of the SQLite library that wrote it
(offset 96), so another SQLite version gives other bytes (README, "SQLite").
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..core.files import dump_json, sha256_file
from ..core.package import Package
from ..core.schema import Field, Schema, format_datetime, format_datetimes
from . import datasette

if TYPE_CHECKING:
    import sqlite_utils

FORMAT = "sqlite"
DATABASE = "faceledger.db"
MEDIATYPE = "application/vnd.sqlite3"
DESCRIPTIONS = "field_descriptions"
VIEW = "contracts_with_sources"
# Full-text search, by resource: the text a reader looks for words in.
SEARCH = {"documents": ("title", "excerpt")}
PAGE_SIZE = 4096
# SQLite's virtual-machine steps between two looks at build_database's `stop`: a few milliseconds.
PROGRESS_STEPS = 100_000

# The column type each Table Schema type is stored as (tables are STRICT, so SQLite keeps to it).
# Dates and times are ISO 8601 text, as in the CSV; lists are JSON arrays, which Datasette facets.
COLUMN_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": int,
    "date": str,
    "datetime": str,
    "year": int,
    "list": str,
}


def write(package: Package, folder: Path, built: Path | None = None) -> None:
    """Write sqlite/ into `folder`: the database, its Datasette metadata and a datapackage.json for both.

    `built` is the database build_database already made of this package's tables, on the
    same file system: it is moved in, not made again.
    """
    folder.mkdir(parents=True)
    path = folder / DATABASE
    if built is None:
        build_database(package, path)
    else:
        os.replace(built, path)
    metadata = datasette.metadata(package, DESCRIPTIONS, VIEW, SEARCH)
    (folder / datasette.METADATA).write_bytes(dump_json(metadata))
    (folder / "datapackage.json").write_bytes(dump_json(descriptor(package, folder)))


def build_database(package: Package, path: Path, stop: Callable[[], bool] | None = None) -> None:
    """The database file at `path`. `stop`, polled while SQLite works, aborts it with
    sqlite3.OperationalError once it says so (a database no longer wanted)."""
    # Here, not at the top: the build's own process imports this module for the release's
    # layout, while the database is written by a worker (publish/database_process.py).
    import sqlite_utils

    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        if stop is not None:
            # Its own message when it stops: "interrupted".
            conn.set_progress_handler(lambda: int(stop()), PROGRESS_STEPS)
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        # The file is written into the release's staging folder, which a failed build throws away
        # whole: a journal on disk and a sync per statement would buy nothing and cost most of the time.
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("PRAGMA synchronous = OFF")
        db = sqlite_utils.Database(conn, strict=True)
        for name in creation_order(package):
            _add_table(db, package, name, stop)
        _add_descriptions(db, package)
        view = _view_sql(package)
        if view is not None:
            db.create_view(VIEW, view)
        for name, columns in SEARCH.items():
            if name in package.tables:
                _add_search(db, package.view(name), columns)


def creation_order(package: Package) -> list[str]:
    """The resources in descriptor order, each after the resources its foreign keys point to.

    sqlite-utils checks a foreign key's target column exists when it creates the table.
    """
    names = [r["name"] for r in package.resources]
    done: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done or name in path:
            return
        for fk in package.view(name).foreign_keys:
            if not fk.self_reference and fk.resource in names:
                visit(fk.resource, (*path, name))
        done.append(name)

    for name in names:
        visit(name, ())
    return done


def _add_table(
    db: sqlite_utils.Database, package: Package, name: str, stop: Callable[[], bool] | None = None
) -> None:
    schema = package.view(name)
    columns = {f.name: _column_type(f) for f in schema.fields}
    if any(len(fk.fields) != 1 for fk in schema.foreign_keys):
        raise ValueError(f"{name}: a foreign key of several fields has no SQLite form here yet")
    keys = [(fk.fields[0], fk.resource, fk.reference_fields[0]) for fk in schema.foreign_keys]
    table = db.table(name)
    table.create(
        columns,
        pk=schema.primary_key[0] if len(schema.primary_key) == 1 else schema.primary_key,
        foreign_keys=keys,
        not_null=[f.name for f in schema.fields if f.required],
    )
    names = ", ".join(f"[{f.name}]" for f in schema.fields)
    marks = ", ".join("?" for _ in schema.fields)
    insert = f"INSERT INTO [{name}] ({names}) VALUES ({marks})"
    # Rows straight from Arrow, no dict per row, in the batches sqlite-utils' insert_all took them
    # (999 parameters at most, one transaction each): the header's change counter (offset 24)
    # counts transactions, so other batches would give other bytes.
    size = max(1, min(1000, SQLITE_MAX_VARS // len(schema.fields)))
    for batch in _batches(package, schema, size):
        if stop is not None and stop():  # between statements too: a batch is converted in Python first
            raise sqlite3.OperationalError("interrupted")
        db.conn.execute("BEGIN")
        db.conn.executemany(insert, batch)
        db.conn.execute("COMMIT")


def _column_type(spec: Field) -> type:
    try:
        return COLUMN_TYPES[spec.type]
    except KeyError:
        raise ValueError(f"field {spec.name!r}: no SQLite column type for {spec.type!r}") from None


# Rows converted from Arrow at a time: memory stays flat in the table's size.
CONVERT_ROWS = 5000
# The most parameters sqlite-utils binds in one INSERT.
SQLITE_MAX_VARS = 999


def _batches(package: Package, schema: Schema, size: int) -> Iterator[list[tuple[Any, ...]]]:
    """The resource's rows as SQLite parameters, `size` at a time, converted a column at a time."""
    table = package.tables[schema.resource].data
    step = max(size, CONVERT_ROWS // size * size)
    for start in range(0, table.num_rows, step):
        part = table.slice(start, step)
        columns = [_values(spec, part.column(spec.name)) for spec in schema.fields]
        rows = list(zip(*columns, strict=True))
        for at in range(0, len(rows), size):
            yield rows[at : at + size]


# ensure_ascii=False makes json.dumps build an encoder per call: one, built once.
_JSON_ARRAY = json.JSONEncoder(ensure_ascii=False).encode


def _values(spec: Field, column: pa.ChunkedArray) -> list[Any]:
    """A column's values as SQLite stores them: text as the CSV writes it, lists as JSON arrays.

    Booleans need nothing: Python's bool is an int, and SQLite binds it as 0 or 1.
    """
    if pa.types.is_timestamp(column.type):
        column = format_datetimes(column)
    elif pa.types.is_date(column.type):
        column = column.cast(pa.string())  # YYYY-MM-DD, the year in four digits
    values: list[Any] = column.to_pylist()
    if pa.types.is_decimal(column.type):
        return [None if v is None else float(v) for v in values]
    if spec.item_type is not None:
        if spec.item_type == "string":
            return [None if v is None else _JSON_ARRAY(v) for v in values]
        return [None if v is None else _JSON_ARRAY([_plain(item) for item in v]) for v in values]
    return values


def _plain(value: Any) -> Any:
    """A value as the CSV writes it: datetimes in UTC with a Z, dates as YYYY-MM-DD."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _add_descriptions(db: sqlite_utils.Database, package: Package) -> None:
    table = db.table(DESCRIPTIONS)
    table.create(
        {"resource": str, "field": str, "position": int, "type": str, "description": str},
        pk=("resource", "field"),
        not_null=["position", "type", "description"],
    )
    table.insert_all(
        {
            "resource": name,
            "field": spec.name,
            "position": position,
            "type": spec.type if spec.item_type is None else f"list of {spec.item_type}",
            "description": spec.description,
        }
        for name in (r["name"] for r in package.resources)
        for position, spec in enumerate(package.view(name).fields, start=1)
    )


def _add_search(db: sqlite_utils.Database, schema: Schema, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in schema.field_names]
    if missing:
        raise ValueError(f"{schema.resource} has no field {missing[0]!r} to search: update SEARCH")
    table = db.table(schema.resource)
    table.enable_fts(list(columns), fts_version="FTS5", create_triggers=False)
    fts = f"{schema.resource}_fts"
    # One b-tree segment whatever the insert batches were: the index's bytes follow the rows alone.
    db.execute(f"INSERT INTO [{fts}]([{fts}]) VALUES ('optimize')")
    # The index is built from the rows as they stay: its integrity check (a tenth of a
    # second at 20k documents) is the tests' (tests/test_publish_sqlite.py), not every build's.


def _view_sql(package: Package) -> str | None:
    """contracts, each row once per quote cited for it, with the quote and the document it comes from.

    The joins are the foreign keys evidence declares to contracts and to documents; evidence's
    other foreign keys (to an organization or a system) are empty on a contract's quote.
    """
    if not datasette.view_possible(package):
        return None
    evidence = package.view("evidence")
    to_contract = next(fk for fk in evidence.foreign_keys if fk.resource == "contracts")
    to_document = next(fk for fk in evidence.foreign_keys if fk.resource == "documents")
    references = {name for fk in evidence.foreign_keys for name in fk.fields}
    selected = ["c.*"]
    selected += [
        f"e.[{f}] AS [{_prefixed('evidence', f)}]" for f in evidence.field_names if f not in references
    ]
    selected += [f"d.[{f}] AS [{_prefixed('document', f)}]" for f in package.view("documents").field_names]
    contract_key = ", ".join(f"c.[{k}]" for k in package.view("contracts").primary_key)
    evidence_key = ", ".join(f"e.[{k}]" for k in evidence.primary_key)
    return (
        f"SELECT {', '.join(selected)}\nFROM contracts AS c\n"
        f"JOIN evidence AS e ON e.[{to_contract.fields[0]}] = c.[{to_contract.reference_fields[0]}]\n"
        f"JOIN documents AS d ON d.[{to_document.reference_fields[0]}] = e.[{to_document.fields[0]}]\n"
        f"ORDER BY {contract_key}, {evidence_key}"
    )


def _prefixed(prefix: str, name: str) -> str:
    """A column name that says which table it is from: `quote` is evidence_quote, evidence_id stays."""
    return name if name.startswith(f"{prefix}_") else f"{prefix}_{name}"


def descriptor(package: Package, folder: Path) -> dict[str, Any]:
    """The folder's datapackage.json: the package's metadata, and each file with its size and SHA-256.

    `faceledger verify` checks a format folder, and the zip of it, against this descriptor.
    """
    meta = {k: v for k, v in package.descriptor.items() if k != "resources"}
    files = (
        (DATABASE, "faceledger-sqlite", "sqlite", MEDIATYPE),
        (datasette.METADATA, "datasette-metadata", "json", "application/json"),
    )
    meta["resources"] = [
        {
            "name": name,
            "path": rel,
            "format": fmt,
            "mediatype": mediatype,
            "bytes": (folder / rel).stat().st_size,
            "hash": "sha256:" + sha256_file(folder / rel),
        }
        for rel, name, fmt, mediatype in files
    ]
    return meta
