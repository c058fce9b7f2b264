"""Stable identifiers: what became of an id a release published and a later version retired.

The `tombstones` resource records every id that a release published and a
later version dropped: `removed` (with the reason) or `renamed` (with the id
that replaces it, which may itself be renamed later). checks/ids.py refuses
data that uses a retired id again; compare/ reports renames as renames and
refuses a published id that disappears without a tombstone.

Only resources whose primary key is a single field have ids in this sense;
rows keyed by several fields (links between ids) follow the ids they join.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from .schema import TableSchema, primary_key

TOMBSTONES = "tombstones"
REMOVED, RENAMED = "removed", "renamed"


@dataclass(frozen=True)
class Tombstone:
    """A row of the tombstones resource: one attribute per field of its Table Schema, by name."""

    resource: str
    id: str
    status: str
    replaced_by: str | None
    last_version: str
    reason: str


Tombstones = Mapping[tuple[str, str], Tombstone]
FIELDS = tuple(f.name for f in fields(Tombstone))


def id_field(schema: TableSchema) -> str | None:
    """The field holding a resource's ids: its primary key when that is a single field."""
    key = primary_key(schema)
    return key[0] if len(key) == 1 else None


def tombstone_rows(rows: Any) -> list[Tombstone]:
    """Tombstones in table order, from the tombstones table as Arrow or as row mappings."""
    if rows is None:
        return []
    records: Iterable[Mapping[str, Any]] = rows.to_pylist() if hasattr(rows, "to_pylist") else rows
    # An empty cell is a missing value, as CSV writes it; ids are text whatever a file typed them as.
    return [Tombstone(**_cells(row)) for row in records]


def _cells(row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: None if row.get(name) in (None, "") else str(row[name]) for name in FIELDS}


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
            raise RedirectCycle(f"{resource}: the renames of {id} loop: {' -> '.join([*seen, str(current)])}")
        seen.append(str(current))
    return current
