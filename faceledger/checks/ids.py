"""Tombstones that make sense, and no retired id used again (see core/tombstones.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..core.findings import Finding
from ..core.layout import location
from ..core.package import Package
from ..core.suggest import did_you_mean
from ..core.tombstones import (
    FIELDS,
    NO_TOMBSTONES,
    REMOVED,
    TOMBSTONES,
    RedirectCycle,
    Tombstone,
    Tombstones,
    id_field,
    resolve,
    tombstone_rows,
)


def id_problems(package: Package) -> list[Finding]:
    """Tombstones that make no sense, and data that uses a retired id again."""
    if TOMBSTONES not in package.tables:
        return []
    table = package.tables[TOMBSTONES]
    # A tombstone with a bad cell (reported already) says nothing known: it retires no id.
    rows = [(i, stone) for i, stone in enumerate(tombstone_rows(table.data)) if table.known(i, *FIELDS)]
    stones = {(stone.resource, stone.id): stone for _, stone in rows}
    id_fields = {
        name: field
        for name, schema in package.schemas.items()
        if (field := id_field(schema)) and name != TOMBSTONES and name in package.tables
    }
    # Every id of every table is only needed to follow a tombstone: none, none needed.
    ids = {name: _ids(package.tables[name].data, field) for name, field in id_fields.items()} if rows else {}
    # Where a rename leads cannot be told if a tombstone on the way, or an id, is unknown.
    unsure = {name for name, field in id_fields.items() if package.tables[name].unsure(field)}
    if table.unknown:
        unsure = set(id_fields)
    findings = [
        Finding(table.path, table.line(index), code, message, field=field)
        for index, stone in rows
        for code, message, field in _tombstone_problems(stone, stones, ids, unsure)
    ]
    for name, field in id_fields.items():
        data = package.tables[name]
        for index, value in _retired(data.data.column(field), {i for n, i in stones if n == name}):
            stone = stones[name, str(value)]
            findings.append(
                Finding(
                    data.path,
                    data.line(index),
                    "reused-id",
                    f"{value} was {stone.status} after {stone.last_version} ({stone.reason}); "
                    "a published id is never used again: give this row a new id",
                    field=field,
                )
            )
    return findings


def unretired_problems(package: Package) -> list[Finding]:
    """Ids the last release published that this version lost with an evident successor and no tombstone.

    Comparing versions (compare/renames.py) finds the same; said here too, a build whose
    references to such an id fail still names the tombstone to add.
    """
    retired = package.tables.get(TOMBSTONES)
    stones_path = retired.path if retired is not None else NO_TOMBSTONES
    return [
        Finding(
            location(package.resource(name)),
            None,
            "removed-without-tombstone",
            successor.unretired(stones_path),
            severity="warning",
        )
        for (name, _), successor in package.successors.items()
    ]


def _tombstone_problems(
    stone: Tombstone, stones: Tombstones, ids: Mapping[str, set[str]], unsure: set[str]
) -> list[tuple[str, str, str]]:
    if stone.resource not in ids:
        message = f"{stone.resource!r} is not a resource whose primary key is a single field"
        return [("unknown-resource", message, "resource")]
    if stone.status == REMOVED:
        if stone.replaced_by is not None:
            return [
                (
                    "unexpected-replacement",
                    "a removed id has no replacement: use status renamed",
                    "replaced_by",
                )
            ]
        return []
    if stone.replaced_by is None:
        return [("missing-replacement", "a renamed id needs the id that replaces it", "replaced_by")]
    try:
        successor = resolve(stone.resource, stone.id, stones)
    except RedirectCycle as exc:
        return [("redirect-cycle", str(exc), "replaced_by")]
    if successor is not None and successor not in ids[stone.resource] and stone.resource not in unsure:
        message = (
            f"{stone.id} is renamed to {successor}, which is not an id in {stone.resource}"
            + did_you_mean(successor, ids[stone.resource])
        )
        return [("unknown-replacement", message, "replaced_by")]
    return []


def _retired(column: Any, retired: set[str]) -> list[tuple[int, Any]]:
    """(row, value) of each cell of an id column that a tombstone retires, picked by pyarrow."""
    if not retired:
        return []
    text = column if pa.types.is_string(column.type) else pc.cast(column, pa.string())
    chosen = pc.indices_nonzero(
        pc.fill_null(pc.is_in(text, value_set=pa.array(sorted(retired), pa.string())), False)
    )
    return list(zip(chosen.to_pylist(), pc.take(column, chosen).to_pylist(), strict=True))


def _ids(table: Any, field: str) -> set[str]:
    return {str(v) for v in table.column(field).to_pylist() if v is not None}
