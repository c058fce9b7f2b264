"""Stable identifiers: a published id is never reused, and a retired one says what became of it.

The `tombstones` resource records every id that a release published and a
later version dropped: `removed` (with the reason) or `renamed` (with the id
that replaces it, which may itself be renamed later). The build refuses data
that uses a retired id again; `faceledger diff` refuses a published id that
disappears without a tombstone, and reports renames as renames.

Only resources whose primary key is a single field have ids in this sense;
rows keyed by several fields (links between ids) follow the ids they join.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .findings import Finding
from .schemas import TableSchema, primary_key

if TYPE_CHECKING:
    from .assembly import Package

TOMBSTONES = "tombstones"
REMOVED, RENAMED = "removed", "renamed"


@dataclass(frozen=True)
class Tombstone:
    resource: str
    id: str
    status: str
    replaced_by: str | None
    last_version: str
    reason: str


Tombstones = Mapping[tuple[str, str], Tombstone]


def id_field(schema: TableSchema) -> str | None:
    """The field holding a resource's ids: its primary key when that is a single field."""
    key = primary_key(schema)
    return key[0] if len(key) == 1 else None


def tombstone_rows(rows: Any) -> list[Tombstone]:
    """Tombstones in table order, from the tombstones table as Arrow or as row mappings."""
    if rows is None:
        return []
    records: Iterable[Mapping[str, Any]] = rows.to_pylist() if hasattr(rows, "to_pylist") else rows
    return [
        Tombstone(
            str(row["resource"]),
            str(row["id"]),
            str(row["status"]),
            None if row.get("replaced_by") in (None, "") else str(row["replaced_by"]),
            str(row.get("last_version") or ""),
            str(row.get("reason") or ""),
        )
        for row in records
    ]


def tombstones(rows: Any) -> dict[tuple[str, str], Tombstone]:
    """Tombstones by (resource, id)."""
    return {(stone.resource, stone.id): stone for stone in tombstone_rows(rows)}


class RedirectCycle(ValueError):
    pass


def resolve(resource: str, id: str, retired: Any) -> str | None:
    """The id that `id` is now known by: itself, its rename's successor, or None if it was removed.

    `retired` is the tombstones table (Arrow, or rows as mappings, or the
    mapping `tombstones()` returns). Renames are followed to the end of the
    chain; a chain that loops raises RedirectCycle.
    """
    stones = retired if isinstance(retired, Mapping) else tombstones(retired)
    seen = [id]
    current: str | None = id
    while current is not None and (resource, current) in stones:
        stone = stones[resource, current]
        current = stone.replaced_by if stone.status == RENAMED else None
        if current in seen:
            raise RedirectCycle(f"{resource}: the renames of {id} loop: {' -> '.join([*seen, current])}")
        seen.append(current)
    return current


def id_problems(package: Package) -> list[Finding]:
    """Tombstones that make no sense, and data that uses a retired id again."""
    if TOMBSTONES not in package.tables:
        return []
    table = package.tables[TOMBSTONES]
    rows = tombstone_rows(table.data)
    stones = {(stone.resource, stone.id): stone for stone in rows}
    id_fields = {
        name: field
        for name, schema in package.schemas.items()
        if (field := id_field(schema)) and name != TOMBSTONES and name in package.tables
    }
    ids = {name: _ids(package.tables[name].data, field) for name, field in id_fields.items()}
    findings = [
        Finding(table.path, table.line(index), code, message, field=field)
        for index, stone in enumerate(rows)
        for code, message, field in _tombstone_problems(stone, stones, ids)
    ]
    for name, field in id_fields.items():
        data = package.tables[name]
        for index, value in enumerate(data.data.column(field).to_pylist()):
            stone = stones.get((name, str(value)))
            if stone is not None:
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


def _tombstone_problems(
    stone: Tombstone, stones: Tombstones, ids: Mapping[str, set[str]]
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
    if successor is not None and successor not in ids[stone.resource]:
        message = f"{stone.id} is renamed to {successor}, which is not an id in {stone.resource}"
        return [("unknown-replacement", message, "replaced_by")]
    return []


def _ids(table: Any, field: str) -> set[str]:
    return {str(v) for v in table.column(field).to_pylist()}
