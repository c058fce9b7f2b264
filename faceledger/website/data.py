"""What the site shows, read from the built release: its Parquet tables, descriptor, SHA256SUMS and changes.

Only the release's published files are read, through the Parquet folder's
datapackage.json, so that a change of format or of a resource's fields
reaches the site without an edit here.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..core.layout import DESCRIPTOR, FORMAT
from ..publish.checksums import SUMS
from ..publish.release_folder import CHANGES

# Rows of changes.csv the home page shows; the rest are a download away, and are not read.
NEWEST = 20

Row = dict[str, Any]


class ReleaseUnreadable(FileNotFoundError):
    """The folder is not a built release the site can be rendered from."""


@dataclass(frozen=True)
class Download:
    path: str
    sha256: str
    size: int


class Tables:
    """The release's tables as rows, each read from its Parquet file the first time a page asks for it.

    The site shows few of the resources row by row (documents' sources and links it only counts
    through the descriptor), so the others are never turned into Python objects; of the
    documents, only the columns a listing shows, and whole rows only for the few that
    evidence cites (at 20k documents, all of them as rows were 90 MB).
    """

    def __init__(self, folder: Path, descriptor: dict[str, Any]) -> None:
        self.paths = {
            resource["name"]: folder / FORMAT / resource["path"]
            for resource in descriptor.get("resources", [])
        }
        self.read: dict[tuple[str, tuple[str, ...] | None], list[Row]] = {}

    def get(self, name: str, default: list[Row], columns: tuple[str, ...] | None = None) -> list[Row]:
        if name not in self.paths:
            return default
        if (name, columns) not in self.read:
            self.read[(name, columns)] = rows_of(
                pq.read_table(self.paths[name], columns=list(columns) if columns else None)
            )
        return self.read[(name, columns)]

    def arrow(self, name: str, columns: tuple[str, ...]) -> pa.Table | None:
        """The resource's `columns` as read from Parquet, not turned into rows; None without the resource."""
        if name not in self.paths:
            return None
        return pq.read_table(self.paths[name], columns=list(columns))

    def matching(self, name: str, key: str, values: set[str]) -> list[Row]:
        """The whole rows whose `key` is one of `values`, in the table's order."""
        if name not in self.paths or not values:
            return []
        parquet = pq.ParquetFile(self.paths[name])
        schema = parquet.schema_arrow
        keys = parquet.read(columns=[key]).column(key)
        wanted = pc.is_in(keys, value_set=pa.array(sorted(values), schema.field(key).type))
        # Column by column: a feed's documents are tens of MB as Arrow, the rows cited a few.
        columns = [parquet.read(columns=[column]).column(column).filter(wanted) for column in schema.names]
        return rows_of(pa.Table.from_arrays(columns, schema=schema))

    def count(self, name: str) -> int:
        return pq.ParquetFile(self.paths[name]).metadata.num_rows if name in self.paths else 0


@dataclass
class Release:
    folder: Path
    descriptor: dict[str, Any]
    tables: Tables
    downloads: list[Download]
    # The first NEWEST rows of changes.csv.
    changes: list[Row]
    changelog: str
    # Evidence rows by the id they cite: ("document_id", "doc-…") -> rows.
    cited: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    # Each document's quotable text (title, excerpt, body), when the caller has the seeds: the
    # release carries only excerpts, so without it a quote is shown in its excerpt or alone.
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    def rows(self, name: str, columns: tuple[str, ...] | None = None) -> list[Row]:
        """The rows of resource `name`, with only `columns` when given."""
        return self.tables.get(name, [], columns)

    def by_id(self, name: str, key: str, columns: tuple[str, ...] | None = None) -> dict[str, Row]:
        return {str(row[key]): row for row in self.rows(name, columns)}

    def count(self, name: str) -> int:
        return self.tables.count(name)

    def citing(self, key: str, value: str) -> list[Row]:
        return self.cited.get((key, value), [])

    def schema(self, name: str) -> dict[str, Any]:
        for resource in self.descriptor.get("resources", []):
            if resource["name"] == name:
                schema: dict[str, Any] = resource["schema"]
                return schema
        return {}


def _cell(value: Any) -> Any:
    """A Parquet value as the site shows it: dates in ISO form, lists as lists of cells."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_cell(item) for item in value]
    return value


def digest(table: pa.Table) -> str:
    """The SHA-256 of a table's values, whatever its chunks: a cache key for a page drawn from them."""
    sink = pa.BufferOutputStream()
    whole = table.combine_chunks()
    with pa.ipc.new_stream(sink, whole.schema) as writer:
        writer.write_table(whole)
    return hashlib.sha256(sink.getvalue()).hexdigest()


def rows_of(table: pa.Table) -> list[Row]:
    """The table's rows as the site shows them, converted a column at a time (what _cell does to each value)."""
    columns = []
    for name in table.column_names:
        column = table.column(name)
        values = column.to_pylist()
        if pa.types.is_temporal(column.type) or pa.types.is_nested(column.type):
            values = [_cell(v) for v in values]
        columns.append(values)
    names = table.column_names
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def read_release(folder: Path, texts: dict[str, str] | None = None, downloads: bool = True) -> Release:
    """The release at `folder`; ReleaseUnreadable when its Parquet descriptor or SHA256SUMS is missing.

    With downloads=False, a release whose zips are still being written: SHA256SUMS is not read
    yet, and `downloads` stays empty until read_downloads fills it.
    """
    descriptor_path = folder / FORMAT / DESCRIPTOR
    for needed in (descriptor_path, *([folder / SUMS] if downloads else [])):
        if not needed.is_file():
            raise ReleaseUnreadable(
                f"{folder} is not a built release: {needed.relative_to(folder)} is missing"
            )
    descriptor = json.loads(descriptor_path.read_bytes())
    tables = Tables(folder, descriptor)
    changes_path = folder / CHANGES
    changes = []
    if changes_path.is_file():
        # A first release lists every row as added: tens of megabytes, of which the site shows 20 rows.
        with changes_path.open(encoding="utf-8", newline="") as file:
            changes = list(islice(csv.DictReader(file), NEWEST))
    changelog_path = folder / "CHANGELOG.md"
    release = Release(
        folder,
        descriptor,
        tables,
        [],
        changes,
        changelog_path.read_text(encoding="utf-8") if changelog_path.is_file() else "",
        texts=dict(texts or {}),
    )
    release.cited = _index(release.rows("evidence"), release.schema("evidence"))
    if downloads:
        read_downloads(release)
    return release


def read_downloads(release: Release) -> None:
    """The files a release download holds: the top-level entries of SHA256SUMS (format folders ship in zips)."""
    folder = release.folder
    sums_path = folder / SUMS
    if not sums_path.is_file():
        raise ReleaseUnreadable(f"{folder} is not a built release: {SUMS} is missing")
    found = []
    for line in sums_path.read_text(encoding="utf-8").splitlines():
        digest, _, path = line.partition("  ")
        if path and "/" not in path:
            found.append(Download(path, digest, (folder / path).stat().st_size))
    release.downloads = found


def _index(evidence: list[Row], schema: dict[str, Any]) -> dict[tuple[str, str], list[Row]]:
    """Evidence rows under each id they cite, by the foreign keys the evidence schema declares."""
    keys = [fk["fields"][0] for fk in schema.get("foreignKeys", []) if len(fk["fields"]) == 1]
    cited: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in evidence:
        for key in keys:
            if row.get(key):
                cited[(key, str(row[key]))].append(row)
    return dict(cited)
