"""`faceledger diff`: what changed between two versions, and the version bump that calls for.

Schema changes come from schemadiff.py; data changes are found here by primary
key, with Arrow joins and column-wise comparisons (no Python loop over rows),
and the tombstones turn "removed + added" into renames. The same comparison
writes `changes.csv` into every release.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import ids, schemadiff
from .findings import Finding
from .schemas import DATETIME_FORMAT, TableSchema, arrow_schema, primary_key
from .snapshots import Snapshot
from .versioning import Level, Version, VersionError, parse, step

# Composite keys are written as their values joined by this (ids never contain it).
KEY_SEPARATOR = "|"
CHANGES_HEADER = ("resource", "change", "key", "fields", "note")
_NULL = pa.scalar(None, pa.string())


@dataclass
class ResourceChanges:
    resource: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    modified: list[tuple[str, list[str]]] = field(default_factory=list)
    renamed: list[tuple[str, str, list[str]]] = field(default_factory=list)
    # Why each removed key went (from its tombstone), and why rows were not compared one by one.
    reasons: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    # For rows that could not be compared one by one: do the tables differ at all?
    unmatched: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.modified or self.renamed or self.unmatched)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "modified": len(self.modified),
            "renamed": len(self.renamed),
        }


@dataclass
class Diff:
    old: Snapshot
    new: Snapshot
    schema: list[schemadiff.SchemaChange]
    data: list[ResourceChanges]
    problems: list[Finding]

    @property
    def required(self) -> Level:
        """The smallest version bump these changes allow."""
        level = max((change.level for change in self.schema), default=Level.NONE)
        if any(changes.changed for changes in self.data):
            level = max(level, Level.PATCH)
        return level

    def reasons(self, level: Level) -> list[str]:
        return [str(change) for change in self.schema if change.level == level]


def compare(old: Snapshot, new: Snapshot) -> Diff:
    schema = schemadiff.compare(old.descriptor, new.descriptor, old.schemas, new.schemas)
    old_names = [r["name"] for r in old.descriptor.get("resources", [])]
    new_names = [r["name"] for r in new.descriptor.get("resources", [])]
    data, problems = [], []
    for name in new_names:
        if name in old_names:
            changes, found = compare_rows(name, old, new)
            problems += found
        else:
            changes = ResourceChanges(name, added=_sorted(_keys(new.tables[name], new.schemas[name])))
        data.append(changes)
    for name in old_names:
        if name not in new_names:
            removed = _sorted(_keys(old.tables[name], old.schemas[name]))
            data.append(ResourceChanges(name, removed=removed, note="resource removed"))
    problems += follow_tombstones(old, new, data)
    return Diff(old, new, schema, data, problems)


def compare_rows(name: str, old: Snapshot, new: Snapshot) -> tuple[ResourceChanges, list[Finding]]:
    old_table, new_table = old.tables[name], new.tables[name]
    old_schema, new_schema = old.schemas[name], new.schemas[name]
    key = primary_key(new_schema)
    if not key:
        unmatched = not _same_rows(old_table, new_table)
        return ResourceChanges(name, note="no primary key: rows not compared", unmatched=unmatched), []
    old_types, new_types = _types(old_schema), _types(new_schema)
    if key != primary_key(old_schema) or any(old_types.get(k) != new_types[k] for k in key):
        note = "primary key changed: every row is listed as removed and added"
        return ResourceChanges(
            name,
            added=_sorted(_keys(new_table, new_schema)),
            removed=_sorted(_keys(old_table, old_schema)) if primary_key(old_schema) else [],
            note=note,
        ), []
    old_keys, new_keys = _keys(old_table, old_schema), _keys(new_table, new_schema)
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
        unmatched = not _same_rows(old_table, new_table)
        return ResourceChanges(name, note="duplicate keys: rows not compared", unmatched=unmatched), problems
    joined = pa.table({"key": old_keys, "old": _positions(len(old_keys))}).join(
        pa.table({"key": new_keys, "new": _positions(len(new_keys))}), "key", join_type="full outer"
    )
    changes = ResourceChanges(
        name,
        added=_sorted(joined["key"].filter(pc.is_null(joined["old"]))),
        removed=_sorted(joined["key"].filter(pc.is_null(joined["new"]))),
    )
    both = joined.filter(pc.and_(pc.is_valid(joined["old"]), pc.is_valid(joined["new"])))
    fields = changed_fields(
        old_table, both["old"], new_table, both["new"], _comparable(old_schema, new_schema)
    )
    touched = pc.is_valid(fields)
    keys, fields = both["key"].filter(touched), fields.filter(touched)
    order = pc.sort_indices(keys)
    changes.modified = [
        (k, f.split("\x1f"))
        for k, f in zip(keys.take(order).to_pylist(), fields.take(order).to_pylist(), strict=True)
    ]
    return changes, []


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


def _positions(count: int) -> pa.Array:
    # pyarrow has no arange, and numpy is not a dependency of ours.
    return pa.array(range(count), pa.int64())


def _same_rows(old: pa.Table, new: pa.Table) -> bool:
    if old.column_names != new.column_names or old.num_rows != new.num_rows:
        return False
    try:
        return old.cast(new.schema).equals(new)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a type changed
        return False


def _types(schema: TableSchema) -> dict[str, pa.DataType]:
    return {f.name: f.type for f in arrow_schema(schema)}


def _comparable(old: TableSchema, new: TableSchema) -> list[str]:
    """The non-key fields both versions have with the same type: the ones compared row by row."""
    old_types, key = _types(old), primary_key(new)
    return [f.name for f in arrow_schema(new) if f.name not in key and old_types.get(f.name) == f.type]


def _keys(table: pa.Table, schema: TableSchema) -> pa.ChunkedArray:
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


def _sorted(keys: pa.ChunkedArray) -> list[str]:
    return keys.take(pc.sort_indices(keys)).to_pylist()


def follow_tombstones(old: Snapshot, new: Snapshot, data: list[ResourceChanges]) -> list[Finding]:
    """Explain removed ids by their tombstones, pair renames, and find ids removed or reused unexplained."""
    old_stones = ids.tombstones(old.tables.get(ids.TOMBSTONES))
    new_stones = ids.tombstones(new.tables.get(ids.TOMBSTONES))
    stones_path = _path(new, ids.TOMBSTONES) or f"a {ids.TOMBSTONES} resource"
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
        before_keys = _keys(old.tables[name], old.schemas[name])
        after_keys = _keys(new.tables[name], new.schemas[name])
        before = pc.index_in(pa.array([k for k, _ in renames], pa.string()), value_set=before_keys)
        after = pc.index_in(pa.array([s for _, s in renames], pa.string()), value_set=after_keys)
        present = pc.is_valid(after)
        compared = _comparable(old.schemas[name], new.schemas[name])
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
    shown = ", ".join(unexplained[:5]) + (f" and {len(unexplained) - 5} more" if len(unexplained) > 5 else "")
    return [
        Finding(
            _path(new, name) or name,
            None,
            "removed-without-tombstone",
            f"{len(unexplained)} {name} id(s) published in {old.version} are gone without a tombstone ({shown}): "
            f"add each to {stones_path} as removed (with the reason) or renamed (with its new id)",
        )
    ]


def _reused(name: str, new: Snapshot, stones: ids.Tombstones) -> list[Finding]:
    retired = [key for (resource, key) in stones if resource == name]
    if not retired:
        return []
    current = _keys(new.tables[name], new.schemas[name])
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
        return snapshot.resource(name)["path"]
    except StopIteration:
        return None


def version_problems(diff: Diff) -> list[Finding]:
    """Whether NEW's version is a valid step from OLD's that is big enough for the changes."""
    if diff.old.version is None:
        return []
    try:
        old, new = parse(diff.old.version), parse(diff.new.version)
        level = step(old, new)
    except VersionError as exc:
        return [Finding(diff.new.label, None, "invalid-version", str(exc), field="version")]
    if level is Level.NONE or level >= diff.required:
        return []
    reasons = diff.reasons(diff.required)
    why = f": {'; '.join(reasons[:5])}" if reasons else " (the data changed)"
    return [
        Finding(
            diff.new.label,
            None,
            "version-bump-too-small",
            f"{old} -> {new} is a {level} bump, but the changes need a {diff.required} bump "
            f"(at least {old.bumped(diff.required)}){why}",
            field="version",
        )
    ]


def next_version(diff: Diff) -> Version | None:
    """The lowest version the next release can have, when NEW still carries OLD's version."""
    if diff.old.version is None or diff.required is Level.NONE:
        return None
    try:
        old = parse(diff.old.version)
        if parse(diff.new.version) != old:
            return None
    except VersionError:
        return None
    return old.bumped(diff.required)


# Output -------------------------------------------------------------------------------------------


def change_rows(diff: Diff) -> list[tuple[str, str, str, str, str]]:
    """The rows of changes.csv: resource, ADD/MOD/DEL, key, changed fields, note."""
    rows = []
    for changes in diff.data:
        name, note = changes.resource, changes.note or ""
        rows += [(name, "DEL", key, "", changes.reasons.get(key, note)) for key in changes.removed]
        rows += [(name, "ADD", key, "", note) for key in changes.added]
        rows += [(name, "MOD", key, "|".join(fields), "") for key, fields in changes.modified]
        for old_key, new_key, fields in changes.renamed:
            rows.append((name, "DEL", old_key, "", f"renamed to {new_key}"))
            rows.append((name, "ADD", new_key, "|".join(fields), f"renamed from {old_key}"))
    order = {name: i for i, name in enumerate(c.resource for c in diff.data)}
    return sorted(rows, key=lambda row: (order[row[0]], row[2], row[1]))


def changes_csv(diff: Diff) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CHANGES_HEADER)
    writer.writerows(change_rows(diff))
    return out.getvalue().encode("utf-8")


def as_dict(diff: Diff) -> dict[str, Any]:
    return {
        "old": {"source": diff.old.label, "version": diff.old.version},
        "new": {"source": diff.new.label, "version": diff.new.version},
        "required_bump": str(diff.required),
        "schema": [change.as_dict() for change in diff.schema],
        "data": {
            changes.resource: {
                **changes.counts(),
                "note": changes.note,
                "added_keys": changes.added,
                "removed_keys": [{"key": k, "reason": changes.reasons.get(k)} for k in changes.removed],
                "modified_keys": [{"key": k, "fields": f} for k, f in changes.modified],
                "renamed_keys": [{"from": a, "to": b, "fields": f} for a, b, f in changes.renamed],
            }
            for changes in diff.data
        },
        "problems": [problem.as_dict() for problem in diff.problems],
    }


def summary(diff: Diff) -> list[str]:
    """One line per changed resource and per schema change, for the changelog."""
    lines = [f"{change} ({change.level})" for change in diff.schema]
    for changes in diff.data:
        if changes.changed:
            counts = ", ".join(f"{n} {what}" for what, n in changes.counts().items() if n)
            lines.append(f"{changes.resource}: {counts}")
    return lines


def text(diff: Diff, limit: int = 20) -> str:
    """A report for people; `limit` caps the keys listed per resource and kind of change."""
    lines = [
        f"{diff.old.label} ({diff.old.version or 'nothing'}) -> {diff.new.label} ({diff.new.version})",
        "",
    ]
    lines.append("Schema changes" if diff.schema else "Schema: no changes")
    lines += [f"  {str(change.level):5}  {change}" for change in diff.schema]
    lines.append("")
    lines.append("Data changes" if any(c.changed or c.note for c in diff.data) else "Data: no changes")
    for changes in diff.data:
        if not (changes.changed or changes.note):
            continue
        counts = ", ".join(f"{n} {what}" for what, n in changes.counts().items() if n) or "no rows changed"
        lines.append(f"  {changes.resource}: {counts}" + (f" ({changes.note})" if changes.note else ""))
        listed = [
            *(f"    + {k}" for k in changes.added),
            *(
                f"    - {k}" + (f"  {changes.reasons[k]}" if k in changes.reasons else "")
                for k in changes.removed
            ),
            *(f"    ~ {k}  {', '.join(f)}" for k, f in changes.modified),
            *(f"    > {a} -> {b}" + (f"  {', '.join(f)}" if f else "") for a, b, f in changes.renamed),
        ]
        lines += listed[:limit]
        if len(listed) > limit:
            lines.append(f"    ... and {len(listed) - limit} more (see --format json or changes.csv)")
    lines += ["", f"Required bump: {diff.required}"]
    upcoming = next_version(diff)
    if upcoming is not None:
        lines.append(f"The version is unchanged: the next release must be at least {upcoming}")
    return "\n".join(lines)
