"""Table Schemas: the single source of truth for every resource's fields.

Nothing else in the code names a field list; Arrow types, CSV parsing, the
exporters and the data dictionary are all derived from the JSON in schema/.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

TableSchema = Mapping[str, Any]

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def arrow_type(field: Mapping[str, Any]) -> pa.DataType:
    kind = field.get("type", "string")
    if kind == "list":
        return pa.list_(arrow_type({"type": field.get("itemType", "string")}))
    try:
        return _ARROW_TYPES[kind]
    except KeyError:
        raise ValueError(f"field {field.get('name')!r}: type {kind!r} is not supported") from None


_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("ms", tz="UTC"),
    "year": pa.int32(),
}


def arrow_schema(schema: TableSchema, description: str | None = None) -> pa.Schema:
    fields = []
    for field in schema["fields"]:
        required = field.get("constraints", {}).get("required", False)
        meta = {"description": field.get("description", "")}
        fields.append(pa.field(field["name"], arrow_type(field), nullable=not required, metadata=meta))
    meta = {"description": description or schema.get("description", "")}
    return pa.schema(fields, metadata=meta)


def field_names(schema: TableSchema) -> list[str]:
    return [field["name"] for field in schema["fields"]]


def primary_key(schema: TableSchema) -> list[str]:
    key = schema.get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)
