"""Parquet: Arrow types from the Table Schema, zstd, descriptions in the metadata."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ...core.schema import Field, TableSchema
from ..cache import RenderCache

FORMAT = "parquet"
SUFFIX = ".parquet"
MEDIATYPE = "application/vnd.apache.parquet"
# frictionless-py reads Parquet through pyarrow, never as a byte stream: it cannot count the bytes,
# and would call a recorded `bytes` wrong (it leaves a hash it cannot compute alone).
MEASURED = False


def write(table: pa.Table, schema: TableSchema, path: Path, cache: RenderCache | None = None) -> None:
    """The Parquet file; zstd is quick, so `cache` (publish/cache.py) is not asked."""
    # The Table Schema rides along so a reader needs nothing but the file.
    meta = dict(table.schema.metadata or {})
    meta[b"frictionless:schema"] = json.dumps(schema, ensure_ascii=False, sort_keys=True).encode()
    pq.write_table(
        table.replace_schema_metadata(meta),
        path,
        compression="zstd",
        write_statistics=True,
    )


def descriptor_schema(schema: TableSchema) -> dict[str, Any]:
    """The Table Schema as frictionless-py can check it against this file.

    frictionless-py reads Parquet through pandas, which hands list cells over
    as NumPy arrays that its `list` and `array` types both reject, so list
    fields are declared `any` here; and it hands an integer column with nulls
    over as floats with NaN, which its `integer` type rejects, so integer
    fields that may be empty are declared `number`. The columns themselves are
    real Arrow lists and int64, and the canonical type is kept in
    `x-faceledger-type` (the file's own metadata carries the canonical schema).
    """
    adjusted = copy.deepcopy(dict(schema))
    for spec in adjusted["fields"]:
        field = Field.from_spec(spec)
        if field.item_type is not None:
            spec["x-faceledger-type"] = {"type": "list", "itemType": field.item_type}
            spec["type"] = "any"
            spec.pop("itemType", None)
            spec.pop("delimiter", None)
        elif spec.get("type") == "integer" and not spec.get("constraints", {}).get("required"):
            spec["x-faceledger-type"] = {"type": "integer"}
            spec["type"] = "number"
    return adjusted


def descriptor_extras(rows: int) -> dict[str, Any]:
    return {}
