"""Column-wise comparisons and keys as text: the Arrow work behind a diff."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..core.schema import DATETIME_FORMAT, TableSchema, arrow_schema, primary_key

# Composite keys are written as their values joined by this (ids never contain it).
KEY_SEPARATOR = "|"
# Not pa.scalar(None, ...): building a scalar from a Python value imports pandas, 0.17 s of every command.
_NULL = pa.nulls(1, pa.string())[0]


def changed_fields(
    old: pa.Table, old_rows: pa.ChunkedArray, new: pa.Table, new_rows: pa.ChunkedArray, names: list[str]
) -> pa.Array:
    """For each pair of rows, the names of the fields that differ joined by \\x1f; null when none do."""
    if not names or len(old_rows) == 0:
        return pa.nulls(len(old_rows), pa.string())
    before = old.select(names).take(old_rows).combine_chunks()
    after = new.select(names).take(new_rows).combine_chunks()
    labels = [pc.if_else(differs(before[n], after[n]), pa.scalar(n), _NULL) for n in names]
    # pyarrow 26 drops the rows whose inputs are all null when skipping nulls, so every row
    # starts with an empty label, and the separator it leaves is trimmed off.
    start = pa.array([""] * len(before), pa.string())
    joined = pc.binary_join_element_wise(start, *labels, "\x1f", null_handling="skip")
    joined = pc.utf8_ltrim(joined, characters="\x1f")
    return pc.if_else(pc.equal(joined, ""), _NULL, joined).combine_chunks()


def differs(a: pa.ChunkedArray, b: pa.ChunkedArray) -> pa.ChunkedArray:
    """Element-wise: do two columns of the same type hold different values (nulls included)?"""
    if pa.types.is_list(a.type) or pa.types.is_large_list(a.type):
        # Lists are compared as their joined text and length; an empty list and a missing one
        # are the same value in CSV, so they count as equal here too.
        return pc.or_(
            differs(_list_text(a), _list_text(b)),
            differs(pc.fill_null(pc.list_value_length(a), 0), pc.fill_null(pc.list_value_length(b), 0)),
        )
    changed = pc.or_(pc.fill_null(pc.not_equal(a, b), False), pc.xor(pc.is_null(a), pc.is_null(b)))
    if pa.types.is_floating(a.type):
        both_nan = pc.fill_null(pc.and_(pc.is_nan(a), pc.is_nan(b)), False)
        changed = pc.and_(changed, pc.invert(both_nan))
    return changed


def _list_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.fill_null(pc.binary_join(column.cast(pa.list_(pa.string())), "\x1f"), "")


def same_rows(old: pa.Table, new: pa.Table) -> bool:
    if old.column_names != new.column_names or old.num_rows != new.num_rows:
        return False
    try:
        return bool(old.cast(new.schema).equals(new))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a type changed
        return False


def arrow_types(schema: TableSchema) -> dict[str, pa.DataType]:
    return {f.name: f.type for f in arrow_schema(schema)}


def comparable(old: TableSchema, new: TableSchema) -> list[str]:
    """The non-key fields both versions have with the same type: the ones compared row by row."""
    old_types, key = arrow_types(old), primary_key(new)
    return [f.name for f in arrow_schema(new) if f.name not in key and old_types.get(f.name) == f.type]


def keys_of(table: pa.Table, schema: TableSchema) -> pa.ChunkedArray:
    """Each row's primary key as text: the value, or the values joined by KEY_SEPARATOR."""
    key = primary_key(schema)
    if not key:  # rows without a key cannot be named one by one
        return pa.chunked_array([], pa.string())
    parts = [_text(table.column(k)) for k in key]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, KEY_SEPARATOR)


def _text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_timestamp(column.type):
        return pc.fill_null(pc.strftime(column, format=DATETIME_FORMAT), "")
    return pc.fill_null(column.cast(pa.string()), "")


def sorted_keys(keys: pa.ChunkedArray) -> list[str]:
    return [str(key) for key in keys.take(pc.sort_indices(keys)).to_pylist()]
