"""CSV: UTF-8, RFC 4180 (CRLF line ends, minimal quoting), a header row.

Datetimes are written as ISO 8601 in UTC with a Z suffix, lists joined with
the field's delimiter, missing values as empty cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from ...core.schema import DATETIME_FORMAT, Field, Schema, TableSchema

FORMAT = "csv"
SUFFIX = ".csv"
MEDIATYPE = "text/csv"


def _formatter(spec: Field) -> Callable[[Any], str]:
    delimiter = spec.delimiter or ","

    def fmt(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            return delimiter.join(fmt(item) for item in value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, datetime):
            return value.strftime(DATETIME_FORMAT)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else repr(value)
        return str(value)

    return fmt


def render(table: pa.Table, schema: TableSchema) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    specs = Schema.from_dict(schema, "").fields
    writer.writerow(spec.name for spec in specs)
    columns = [
        [fmt(v) for v in table.column(spec.name).to_pylist()]
        for spec, fmt in ((spec, _formatter(spec)) for spec in specs)
    ]
    writer.writerows(zip(*columns, strict=True))
    return out.getvalue().encode("utf-8")


def write(table: pa.Table, schema: TableSchema, path: Path) -> None:
    path.write_bytes(render(table, schema))


def descriptor_extras() -> dict[str, Any]:
    return {"encoding": "utf-8", "dialect": {"lineTerminator": "\r\n"}}


def descriptor_schema(schema: TableSchema) -> TableSchema:
    """CSV readers take the Table Schema as it is."""
    return schema
