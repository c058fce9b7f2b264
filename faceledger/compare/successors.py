"""What became of an id that is gone without a tombstone: the current row that is evidently the same.

A resource's Table Schema marks the fields that identify a row whatever its id
with `x-faceledger-identity` (core/schema.py): documents are the same article
when they have the same URL (compared as article keys, docs/identity.md), the
same seed file, the same seed bytes, or the same title and publication time.
When an id disappears and exactly one current row shares an identity with the
row it named, that row is its successor: the finding about the missing
tombstone names it and the tombstone line to add, and a reference to the old
id is told the one to use (checks/keys.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..core import tombstones as ids
from ..core.schema import Field, Schema, format_datetime
from ..ingest.identity import article_key
from .columns import keys_of
from .snapshots import Snapshot, from_package


def successors_of(name: str, old: Snapshot, new: Snapshot, gone: Sequence[str]) -> dict[str, ids.Successor]:
    """For each id of `name` in `gone` (published in OLD, not in NEW), its evident successor in NEW."""
    schema = new.schemas.get(name)
    key = ids.id_field(schema) if schema is not None else None
    if not gone or schema is None or key is None or name not in old.tables or name not in new.tables:
        return {}
    before, after = old.tables[name], new.tables[name]
    groups = {
        group: fields
        for group, fields in Schema.from_dict(schema, name).identities().items()
        if all(f.name in before.column_names and f.name in after.column_names for f in fields)
    }
    if not groups:
        return {}
    index, published = _index(after, key, groups), _index(before, key, groups)
    lost = before.filter(pc.is_in(keys_of(before, old.schemas[name]), value_set=pa.array(gone, pa.string())))
    found = {}
    for row in lost.to_pylist():
        candidates: dict[str, list[Field]] = {}
        for group, fields in groups.items():
            same = _identity(fields, [row[f.name] for f in fields])
            if same is None or len(published[group, same]) > 1:
                continue  # unknown, or shared with another row already: it tells nothing apart
            matches = index.get((group, same), set())
            if len(matches) == 1:
                candidates.setdefault(next(iter(matches)), []).extend(fields)
        if len(candidates) == 1:
            successor, shared = candidates.popitem()
            names = tuple(f.name for f in shared)
            evidence = f"the same {' and '.join(names)}: {', '.join(_text(row[n]) for n in names)}"
            found[str(row[key])] = ids.Successor(
                name, str(row[key]), successor, str(old.version), names, evidence
            )
    return found


def lost(previous: Snapshot, package: Any) -> dict[tuple[str, str], ids.Successor]:
    """Every id PREVIOUS published that `package` lost without a tombstone and has a successor for."""
    if previous.version is None or len(package.tables) != len(package.resources):
        return {}
    new = from_package(package)
    stones = ids.tombstones(new.tables.get(ids.TOMBSTONES))
    found = {}
    for name, schema in new.schemas.items():
        if name == ids.TOMBSTONES or name not in previous.schemas or ids.id_field(schema) is None:
            continue
        if ids.id_field(previous.schemas[name]) != ids.id_field(schema) or name not in previous.tables:
            continue
        published = keys_of(previous.tables[name], previous.schemas[name])
        gone = published.filter(pc.invert(pc.is_in(published, value_set=keys_of(new.tables[name], schema))))
        missing = [key for key in gone.to_pylist() if (name, key) not in stones]
        found.update({(name, k): s for k, s in successors_of(name, previous, new, missing).items()})
    return found


def _index(
    table: pa.Table, key: str, groups: dict[str, tuple[Field, ...]]
) -> dict[tuple[str, tuple[Any, ...]], set[str]]:
    """The ids of the rows of `table` with each identity, by (identity, values)."""
    index: dict[tuple[str, tuple[Any, ...]], set[str]] = {}
    keys = [str(v) for v in table.column(key).to_pylist()]
    for group, fields in groups.items():
        columns = [table.column(f.name).to_pylist() for f in fields]
        for row, values in zip(keys, zip(*columns, strict=True), strict=True):
            same = _identity(fields, values)
            if same is not None:
                index.setdefault((group, same), set()).add(row)
    return index


def _identity(fields: Sequence[Field], values: Sequence[Any]) -> tuple[Any, ...] | None:
    """The values that say which thing a row is, as compared; None when one of them is unknown."""
    same = []
    for spec, value in zip(fields, values, strict=True):
        if value is None:
            return None
        if spec.format == "uri":
            value = article_key(value) or value
        same.append(tuple(value) if isinstance(value, list) else value)
    return tuple(same)


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return format_datetime(value)
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)
