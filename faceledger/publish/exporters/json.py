"""JSON: one file per resource, an array of objects in schema field order.

Each object sits on its own line, so the file diffs line by line and can be
streamed. Lists are JSON arrays, datetimes ISO 8601 strings in UTC with a Z
suffix, dates YYYY-MM-DD strings, missing values null.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

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


def render(table: pa.Table, schema: TableSchema) -> bytes:
    names = [spec["name"] for spec in schema["fields"]]
    columns = []
    for name in names:
        column = table.column(name)
        values = column.to_pylist()
        columns.append([_plain(v) for v in values] if any(t(column.type) for t in _CONVERTED) else values)
    lines = [_ENCODE(dict(zip(names, row, strict=True))) for row in zip(*columns, strict=True)]
    body = ",\n".join(lines)
    return (f"[\n{body}\n]\n" if lines else "[]\n").encode("utf-8")


def write(table: pa.Table, schema: TableSchema, path: Path) -> None:
    path.write_bytes(render(table, schema))


def descriptor_extras() -> dict[str, Any]:
    return {"encoding": "utf-8"}


def descriptor_schema(schema: TableSchema) -> TableSchema:
    """JSON readers take the Table Schema as it is."""
    return schema
