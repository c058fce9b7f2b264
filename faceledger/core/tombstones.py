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

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, fields
from typing import Any

from .schema import TableSchema, primary_key

TOMBSTONES = "tombstones"
# Where a tombstone goes in a package that has no tombstones resource (yet).
NO_TOMBSTONES = f"a {TOMBSTONES} resource"
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


@dataclass(frozen=True)
class Successor:
    """A published id that is gone without a tombstone, and the current row that evidently carries it on.

    compare/successors.py finds these from the fields a resource's schema marks
    `x-faceledger-identity`; the tombstone a curator adds for one is `tombstone`.
    """

    resource: str
    id: str
    replaced_by: str
    last_version: str
    shared: tuple[str, ...]  # the fields whose values the two rows share
    evidence: str  # those fields and values, e.g. "the same seed_path: seeds/004_2521c0302a7bf621.txt"

    @property
    def tombstone(self) -> Tombstone:
        reason = f"The id changed: {self.replaced_by} is the same row (same {' and '.join(self.shared)})."
        return Tombstone(self.resource, self.id, RENAMED, self.replaced_by, self.last_version, reason)

    def unretired(self, stones_path: str) -> str:
        """What the finding about its missing tombstone says, wherever it is found."""
        return (
            f"{self.id}, published in {self.last_version}, is gone without a tombstone; {self.replaced_by} is "
            f"evidently the same row ({self.evidence}): add this line to {stones_path}: "
            f"{tombstone_line(self.tombstone)}"
        )


def tombstone_line(stone: Tombstone) -> str:
    """The tombstone as a line of the tombstones CSV file, quoted where it needs to be."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(["" if v is None else v for v in astuple(stone)])
    return out.getvalue()


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
