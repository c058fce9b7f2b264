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

import json
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from ...core.schema import TableSchema, format_datetime
from ..cache import RenderCache, chunks

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
# What that encoder writes for a string (the C function it calls, when there is one).
_STRING = json.encoder.encode_basestring


def _encoded(column: pa.ChunkedArray) -> list[str]:
    """Each value of the column as _ENCODE writes it inside an object; strings and integers without it."""
    values = column.to_pylist()
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return ["null" if v is None else _STRING(v) for v in values]
    if pa.types.is_integer(column.type):
        return ["null" if v is None else str(v) for v in values]
    return [_ENCODE(_plain(v)) for v in values]


def _template(names: list[str]) -> str:
    """An object's line, with a slot for each field's encoded value, keys in schema field order."""
    slots = ",".join(_STRING(name).replace("{", "{{").replace("}", "}}") + ":{}" for name in names)
    return "{{" + slots + "}}\n"


def encode(table: pa.Table, schema: TableSchema) -> bytes:
    """The table's rows as JSON Lines, every line ending in a newline."""
    names = [spec["name"] for spec in schema["fields"]]
    line = _template(names).format
    columns = [_encoded(table.column(name)) for name in names]
    if not columns:
        return b"{}\n" * int(table.num_rows)
    return "".join([line(*row) for row in zip(*columns, strict=True)]).encode("utf-8")


def render(table: pa.Table, schema: TableSchema) -> bytes:
    return b"".join(chunks(None, "jsonl rows", schema, table, partial(encode, schema=schema)))


def write(table: pa.Table, schema: TableSchema, path: Path, cache: RenderCache | None = None) -> None:
    """The release's JSON Lines file; rows encoded before come from `cache` (publish/cache.py), the same bytes."""
    with path.open("wb") as out:
        for data in chunks(cache, "jsonl rows", schema, table, partial(encode, schema=schema)):
            out.write(data)


def descriptor_extras(rows: int) -> dict[str, Any]:
    # frictionless-py 5 cannot read an empty JSON Lines file as a table (its reader fails on the
    # first line it does not find), so a resource without rows is declared a plain file: frictionless
    # then checks its bytes and hash, and the schema still says what its rows would hold.
    return {"format": "jsonl", "encoding": "utf-8", **({"type": "file"} if rows == 0 else {})}


def descriptor_schema(schema: TableSchema) -> TableSchema:
    """JSON Lines readers take the Table Schema as it is."""
    return schema
