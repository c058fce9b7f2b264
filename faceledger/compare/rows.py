"""Rows compared by primary key, with Arrow joins and column-wise comparisons (no Python loop over rows).

The tombstones then turn "removed + added" into renames (renames.py). The same
comparison writes `changes.csv` into every release.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..core.arrays import positions
from ..core.findings import Finding
from ..core.schema import primary_key
from . import schema_changes
from .changes import Diff, ResourceChanges
from .columns import arrow_types, changed_fields, comparable, keys_of, same_rows, sorted_keys
from .renames import follow_tombstones
from .snapshots import Snapshot


def compare(old: Snapshot, new: Snapshot) -> Diff:
    schema = schema_changes.compare(old.descriptor, new.descriptor, old.schemas, new.schemas)
    old_names = [r["name"] for r in old.descriptor.get("resources", [])]
    new_names = [r["name"] for r in new.descriptor.get("resources", [])]
    data, problems = [], []
    for name in new_names:
        if name in old_names:
            changes, found = compare_rows(name, old, new)
            problems += found
        else:
            changes = ResourceChanges(name, added=sorted_keys(keys_of(new.tables[name], new.schemas[name])))
        data.append(changes)
    for name in old_names:
        if name not in new_names:
            removed = sorted_keys(keys_of(old.tables[name], old.schemas[name]))
            data.append(ResourceChanges(name, removed=removed, note="resource removed"))
    problems += follow_tombstones(old, new, data)
    return Diff(old, new, schema, data, problems)


def compare_rows(name: str, old: Snapshot, new: Snapshot) -> tuple[ResourceChanges, list[Finding]]:
    old_table, new_table = old.tables[name], new.tables[name]
    old_schema, new_schema = old.schemas[name], new.schemas[name]
    key = primary_key(new_schema)
    if not key:
        unmatched = not same_rows(old_table, new_table)
        return ResourceChanges(name, note="no primary key: rows not compared", unmatched=unmatched), []
    old_types, new_types = arrow_types(old_schema), arrow_types(new_schema)
    if key != primary_key(old_schema) or any(old_types.get(k) != new_types[k] for k in key):
        note = "primary key changed: every row is listed as removed and added"
        return ResourceChanges(
            name,
            added=sorted_keys(keys_of(new_table, new_schema)),
            removed=sorted_keys(keys_of(old_table, old_schema)) if primary_key(old_schema) else [],
            note=note,
        ), []
    old_keys, new_keys = keys_of(old_table, old_schema), keys_of(new_table, new_schema)
    problems = [
        Finding(
            where,
            None,
            "duplicate-key",
            f"{name}: a primary key value appears more than once; rows not compared",
        )
        for where, keys in ((old.label, old_keys), (new.label, new_keys))
        if pc.count_distinct(keys).as_py() != len(keys)
    ]
    if problems:
        unmatched = not same_rows(old_table, new_table)
        return ResourceChanges(name, note="duplicate keys: rows not compared", unmatched=unmatched), problems
    joined = pa.table({"key": old_keys, "old": positions(len(old_keys))}).join(
        pa.table({"key": new_keys, "new": positions(len(new_keys))}), "key", join_type="full outer"
    )
    changes = ResourceChanges(
        name,
        added=sorted_keys(joined["key"].filter(pc.is_null(joined["old"]))),
        removed=sorted_keys(joined["key"].filter(pc.is_null(joined["new"]))),
    )
    both = joined.filter(pc.and_(pc.is_valid(joined["old"]), pc.is_valid(joined["new"])))
    fields = changed_fields(
        old_table, both["old"], new_table, both["new"], comparable(old_schema, new_schema)
    )
    touched = pc.is_valid(fields)
    keys, fields = both["key"].filter(touched), fields.filter(touched)
    order = pc.sort_indices(keys)
    changes.modified = [
        (k, f.split("\x1f"))
        for k, f in zip(keys.take(order).to_pylist(), fields.take(order).to_pylist(), strict=True)
    ]
    return changes, []
