"""JSON Lines: one file per resource, one object per line in schema field order.

Each line is a complete JSON object (UTF-8, ending in `\\n`, no array around
them), so pandas (`read_json(lines=True)`), polars (`read_ndjson`), DuckDB and
`jq` read the file as a stream, and it diffs line by line. Lists are JSON arrays,
datetimes ISO 8601 strings in UTC with a Z suffix, dates YYYY-MM-DD strings,
integers JSON integers, missing values null. A table without rows is an empty
file. The release keeps the folder and command-line name `json`; the files are
`.jsonl` and the descriptor names their format `jsonl`, the name frictionless
reads them by.
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
SUFFIX = ".jsonl"
# JSON Lines has no registered media type; this is the one jsonlines.org proposes.
MEDIATYPE = "application/jsonl"
# frictionless-py counts and hashes a JSON Lines file as it reads it: `bytes` can stand as it is.
MEASURED = True


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
    for line in _lines(table, schema):
        out.write(line + "\n")


def render(table: pa.Table, schema: TableSchema) -> bytes:
    out = io.StringIO()
    _write(out, table, schema)
    return out.getvalue().encode("utf-8")


def write(table: pa.Table, schema: TableSchema, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        _write(out, table, schema)


def descriptor_extras(rows: int) -> dict[str, Any]:
    # frictionless-py 5 cannot read an empty JSON Lines file as a table (its reader fails on the
    # first line it does not find), so a resource without rows is declared a plain file: frictionless
    # then checks its bytes and hash, and the schema still says what its rows would hold.
    return {"format": "jsonl", "encoding": "utf-8", **({"type": "file"} if rows == 0 else {})}


def descriptor_schema(schema: TableSchema) -> TableSchema:
    """JSON Lines readers take the Table Schema as it is."""
    return schema
