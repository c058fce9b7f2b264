"""CSV: UTF-8, RFC 4180 (CRLF line ends, minimal quoting), a header row.

Datetimes are written as ISO 8601 in UTC with a Z suffix (the year always four
digits), lists joined with the field's delimiter, missing values as empty cells.

A release's CSV files are formula-safe: a free-text cell (a string or list of
strings without a pattern or enum constraint) that a spreadsheet would run as a
formula, because it starts with = + - @, a tab or a carriage return, is written
with a leading `'` (OWASP's advice), and so is one that already starts with `'`
followed by those, so the escape can be undone without doubt. Numbers are never
prefixed. The repository's own dataset/*.csv are written without it (`render`'s
default): they are the data package frictionless reads, and the prefix would
change the value. Parquet and JSON always hold the value as it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from ...core.schema import Field, Schema, TableSchema, format_datetime, free_text
from ..cache import RenderCache, chunks

FORMAT = "csv"
SUFFIX = ".csv"
MEDIATYPE = "text/csv"
# frictionless-py counts and hashes a CSV file as it reads it: `bytes` can stand as it is.
MEASURED = True


# What a spreadsheet runs as a formula when a cell starts with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(cell: str) -> str:
    """`cell` as a spreadsheet shows it as text: a leading ' before a formula start (or an escaped one)."""
    return "'" + cell if cell.lstrip("'").startswith(FORMULA_STARTS) else cell


def _formatter(spec: Field, safe: bool = False) -> Callable[[Any], str]:
    delimiter = spec.delimiter or ","
    if safe and free_text(spec):
        plain = _formatter(spec)
        return lambda value: formula_safe(plain(value))

    def fmt(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            return delimiter.join(fmt(item) for item in value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, datetime):
            return format_datetime(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else repr(value)
        return str(value)

    return fmt


def _cells(column: pa.ChunkedArray, spec: Field, safe: bool) -> list[str]:
    """A column's cells as text; strings and integers, most of any table, without the general formatter."""
    values = column.to_pylist()
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        cells = ["" if v is None else v for v in values]
        return [formula_safe(c) for c in cells] if safe and free_text(spec) else cells
    if pa.types.is_integer(column.type):
        return ["" if v is None else str(v) for v in values]
    if pa.types.is_timestamp(column.type):
        return ["" if v is None else format_datetime(v) for v in values]
    if pa.types.is_list(column.type) and pa.types.is_string(column.type.value_type):
        delimiter = spec.delimiter or ","
        cells = ["" if v is None else delimiter.join(["" if i is None else i for i in v]) for v in values]
        return [formula_safe(c) for c in cells] if safe and free_text(spec) else cells
    fmt = _formatter(spec, safe)
    return [fmt(v) for v in values]


# Rows formatted at a time when a file is written: memory stays flat in the table's size.
CHUNK_ROWS = 20_000


def _write_rows(out: IO[str], table: pa.Table, schema: TableSchema, safe: bool) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    specs = Schema.from_dict(schema, "").fields
    writer.writerow(spec.name for spec in specs)
    for start in range(0, table.num_rows, CHUNK_ROWS):
        part = table.slice(start, CHUNK_ROWS)
        writer.writerows(zip(*[_cells(part.column(spec.name), spec, safe) for spec in specs], strict=True))


def render(table: pa.Table, schema: TableSchema, safe: bool = False) -> bytes:
    """The table as CSV; `safe` writes formula-like free text with a leading ' (a release's files)."""
    out = io.StringIO(newline="")
    _write_rows(out, table, schema, safe)
    return out.getvalue().encode("utf-8")


def _encoded_rows(table: pa.Table, specs: Sequence[Field], safe: bool) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(
        zip(*[_cells(table.column(spec.name), spec, safe) for spec in specs], strict=True)
    )
    return out.getvalue().encode("utf-8")


def write(table: pa.Table, schema: TableSchema, path: Path, cache: RenderCache | None = None) -> None:
    """The release's CSV file; rows rendered before come from `cache` (publish/cache.py), the same bytes."""
    specs = Schema.from_dict(schema, "").fields
    header = io.StringIO(newline="")
    csv.writer(header, lineterminator="\r\n").writerow(spec.name for spec in specs)
    with path.open("wb") as out:
        out.write(header.getvalue().encode("utf-8"))
        for data in chunks(cache, "csv rows", schema, table, partial(_encoded_rows, specs=specs, safe=True)):
            out.write(data)


def descriptor_extras(rows: int) -> dict[str, Any]:
    return {"encoding": "utf-8", "dialect": {"lineTerminator": "\r\n"}}


def descriptor_schema(schema: TableSchema) -> TableSchema:
    """CSV readers take the Table Schema as it is."""
    return schema
