"""Following the tombstones: removed ids explained, renames paired, unexplained removals and reuses refused."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..core import tombstones as ids
from ..core.findings import Finding
from ..core.layout import location
from .changes import ResourceChanges
from .columns import changed_fields, comparable, keys_of
from .snapshots import Snapshot
from .successors import successors_of


def follow_tombstones(old: Snapshot, new: Snapshot, data: list[ResourceChanges]) -> list[Finding]:
    """Explain removed ids by their tombstones, pair renames, and find ids removed or reused unexplained."""
    old_stones = ids.tombstones(old.tables.get(ids.TOMBSTONES))
    new_stones = ids.tombstones(new.tables.get(ids.TOMBSTONES))
    stones_path = _path(new, ids.TOMBSTONES) or ids.NO_TOMBSTONES
    problems = []
    for where, stone in old_stones.items():
        kept = new_stones.get(where)
        if kept is None or (kept.status, kept.replaced_by) != (stone.status, stone.replaced_by):
            verb = "dropped" if kept is None else "changed"
            problems.append(
                Finding(
                    stones_path,
                    None,
                    f"tombstone-{verb}",
                    f"{stone.resource} {stone.id}: a published tombstone is kept as it is, never {verb}",
                    field="id",
                )
            )
    for changes in data:
        schema = new.schemas.get(changes.resource)
        if (
            schema is None
            or changes.note
            or ids.id_field(schema) is None
            or changes.resource == ids.TOMBSTONES
        ):
            continue
        problems += _explain_removals(changes, old, new, new_stones, stones_path)
        problems += _reused(changes.resource, new, {**old_stones, **new_stones})
    return problems


def _explain_removals(
    changes: ResourceChanges, old: Snapshot, new: Snapshot, stones: ids.Tombstones, stones_path: str
) -> list[Finding]:
    name = changes.resource
    unexplained, renames = [], []
    for key in changes.removed:
        stone = stones.get((name, key))
        if stone is None:
            unexplained.append(key)
            continue
        try:
            successor = ids.resolve(name, key, stones)
        except ids.RedirectCycle:
            successor = None  # the build reports the cycle
        if successor is None:
            changes.reasons[key] = stone.reason
        else:
            renames.append((key, successor))
            changes.reasons[key] = f"renamed to {successor}"
    if renames:
        before_keys = keys_of(old.tables[name], old.schemas[name])
        after_keys = keys_of(new.tables[name], new.schemas[name])
        before = pc.index_in(pa.array([k for k, _ in renames], pa.string()), value_set=before_keys)
        after = pc.index_in(pa.array([s for _, s in renames], pa.string()), value_set=after_keys)
        present = pc.is_valid(after)
        compared = comparable(old.schemas[name], new.schemas[name])
        fields = changed_fields(
            old.tables[name], before.filter(present), new.tables[name], after.filter(present), compared
        ).to_pylist()
        pairs = [pair for pair, ok in zip(renames, present.to_pylist(), strict=True) if ok]
        changes.renamed = [
            (k, s, f.split("\x1f") if f else []) for (k, s), f in zip(pairs, fields, strict=True)
        ]
        gone = {k for k, _ in pairs}
        arrived = {s for _, s in pairs}
        changes.removed = [k for k in changes.removed if k not in gone]
        changes.added = [k for k in changes.added if k not in arrived]
    if not unexplained:
        return []
    where = _path(new, name) or name
    found = successors_of(name, old, new, unexplained)
    problems = [
        Finding(where, None, "removed-without-tombstone", successor.unretired(stones_path))
        for successor in found.values()
    ]
    unexplained = [key for key in unexplained if key not in found]
    if not unexplained:
        return problems
    shown = ", ".join(unexplained[:5]) + (f" and {len(unexplained) - 5} more" if len(unexplained) > 5 else "")
    return [
        *problems,
        Finding(
            where,
            None,
            "removed-without-tombstone",
            f"{len(unexplained)} {name} id(s) published in {old.version} are gone without a tombstone ({shown}): "
            f"add each to {stones_path} as removed (with the reason) or renamed (with its new id)",
        ),
    ]


def _reused(name: str, new: Snapshot, stones: ids.Tombstones) -> list[Finding]:
    retired = [key for (resource, key) in stones if resource == name]
    if not retired:
        return []
    current = keys_of(new.tables[name], new.schemas[name])
    reused = pa.array(retired, pa.string()).filter(
        pc.is_in(pa.array(retired, pa.string()), value_set=current)
    )
    return [
        Finding(
            _path(new, name) or name,
            None,
            "reused-id",
            f"{key} was {stones[name, key].status} after {stones[name, key].last_version}; "
            "a published id is never used again",
        )
        for key in reused.to_pylist()
    ]


def _path(snapshot: Snapshot, name: str) -> str | None:
    try:
        return location(snapshot.resource(name))
    except StopIteration:
        return None
