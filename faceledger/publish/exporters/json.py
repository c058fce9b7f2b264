"""JSON: one file per resource, an array of objects in schema field order.

Each object sits on its own line, so the file diffs line by line and can be
streamed. Lists are JSON arrays, datetimes ISO 8601 strings in UTC with a Z
suffix, dates YYYY-MM-DD strings, missing values null.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from ...core.schema import TableSchema, format_datetime

FORMAT = "json"
SUFFIX = ".json"
MEDIATYPE = "application/json"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# One encoder for every row: json.dumps with these options would build a new one each call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# Arrow types whose Python values JSON cannot hold as they are.
_CONVERTED = (pa.types.is_timestamp, pa.types.is_date, pa.types.is_list)


# Rows encoded at a time when a file is written: memory stays flat in the table's size.
CHUNK_ROWS = 20_000


def _lines(table: pa.Table, schema: TableSchema) -> Iterator[str]:
    names = [spec["name"] for spec in schema["fields"]]
    for start in range(0, table.num_rows, CHUNK_ROWS):
        part = table.slice(start, CHUNK_ROWS)
        columns = []
        for name in names:
            column = part.column(name)
            values = column.to_pylist()
            converted = any(test(column.type) for test in _CONVERTED)
            columns.append([_plain(v) for v in values] if converted else values)
        for row in zip(*columns, strict=True):
            yield _ENCODE(dict(zip(names, row, strict=True)))


def _write(out: IO[str], table: pa.Table, schema: TableSchema) -> None:
    if table.num_rows == 0:
        out.write("[]\n")
        return
    out.write("[\n")
    for number, line in enumerate(_lines(table, schema)):
        out.write(",\n" + line if number else line)
    out.write("\n]\n")


def render(table: pa.Table, schema: TableSchema) -> bytes:
    out = io.StringIO()
    _write(out, table, schema)
    return out.getvalue().encode("utf-8")


def write(table: pa.Table, schema: TableSchema, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        _write(out, table, schema)


def descriptor_extras() -> dict[str, Any]:
    return {"encoding": "utf-8"}


def descriptor_schema(schema: TableSchema) -> TableSchema:
    """JSON readers take the Table Schema as it is."""
    return schema
