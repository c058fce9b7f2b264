"""Keys: primary and unique keys hold once per table, and every foreign key resolves."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..core.arrays import positions
from ..core.findings import Finding
from ..core.package import Package, Table
from ..core.schema import Schema
from ..core.suggest import Choices
from ..core.tombstones import TOMBSTONES, RedirectCycle, resolve

# Dangling references of one foreign key given a "did you mean": each costs a fuzzy search of
# every key of the target, and past a hundred the hint says nothing the first ones did not.
HINTED = 100


def foreign_key_problems(package: Package) -> list[Finding]:
    findings = []
    for name in package.schemas:
        table = package.tables[name]
        for fk in package.view(name).foreign_keys:
            target = package.tables[fk.resource]
            if len(fk.fields) == 1:
                dangling = _dangling(table, fk.fields[0], target, fk.reference_fields[0])
            else:
                dangling = _dangling_rows(table, fk.fields, target, fk.reference_fields)
            choices = _Choices(target, fk.reference_fields)
            for hinted, (index, value) in enumerate(dangling):
                findings.append(_dangling_finding(package, table, fk, index, value, choices, hinted < HINTED))
    return findings


def _dangling(table: Table, column: str, target: Table, key: str) -> list[tuple[int, tuple[Any, ...]]]:
    """(row, value) of each cell of `column` that is no `key` of `target`, found by pyarrow."""
    # A target row whose key is unknown may be the one any value refers to: nothing dangles.
    if target.unsure(key):
        return []
    values = table.data.column(column)
    known = target.data.column(key).combine_chunks()
    missing = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=known)))
    chosen = pc.indices_nonzero(pc.fill_null(missing, False))
    return [(i, (v,)) for i, v in zip(chosen.to_pylist(), pc.take(values, chosen).to_pylist(), strict=True)]


def _dangling_rows(
    table: Table, source: tuple[str, ...], target: Table, target_fields: tuple[str, ...]
) -> list[tuple[int, tuple[Any, ...]]]:
    rows = list(zip(*(target.data.column(f).to_pylist() for f in target_fields), strict=True))
    known = set(rows)
    # A row whose key cells are unknown may be the one a value refers to: None matches anything.
    unsure = [
        tuple(v if target.known(i, f) else None for v, f in zip(row, target_fields, strict=True))
        for i, row in enumerate(rows)
        if not target.known(i, *target_fields)
    ]
    values = zip(*(table.data.column(f).to_pylist() for f in source), strict=True)
    return [
        (index, value)
        for index, value in enumerate(values)
        if not (any(v is None for v in value) or value in known or _matches(value, unsure))
    ]


class _Choices:
    """A target's text keys, processed for rapidfuzz once however many values are told the nearest."""

    def __init__(self, target: Table, fields: tuple[str, ...]):
        self.target, self.fields = target, fields
        self._known: Choices | None = None

    def nearest(self, value: str) -> str:
        if self._known is None:
            column = self.target.data.column(self.fields[0])
            self._known = Choices(k for k in pc.unique(column).drop_null().to_pylist() if isinstance(k, str))
        match = self._known.nearest(value)
        return "" if match is None else f"; did you mean {match}?"


def _dangling_finding(
    package: Package, table: Table, fk: Any, index: int, value: tuple[Any, ...], choices: _Choices, hint: bool
) -> Finding:
    source, target_name, target_fields = fk.fields, fk.resource, fk.reference_fields
    renamed = _renamed(package, target_name, value) if len(value) == 1 else None
    if renamed is not None:
        return Finding(table.path, table.line(index), "renamed-id", renamed, field=",".join(source))
    nearest = choices.nearest(value[0]) if hint and len(value) == 1 and isinstance(value[0], str) else ""
    return Finding(
        table.path,
        table.line(index),
        "foreign-key",
        f"{', '.join(map(str, value))} is not {_an(','.join(target_fields))} in {target_name}" + nearest,
        field=",".join(source),
    )


def _an(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _renamed(package: Package, resource: str, value: tuple[Any, ...]) -> str | None:
    """What to cite instead of an id that was renamed (by a tombstone, or evidently since the last release)."""
    old = str(value[0])
    retired = package.tables.get(TOMBSTONES)
    if retired is not None:
        try:
            current = resolve(resource, old, retired.data)
        except RedirectCycle:  # reported by the id checks
            current = None
        if current is not None and current != old:
            return f"{old} was renamed to {current} ({retired.path}): cite {current}"
    successor = package.successors.get((resource, old))
    if successor is None:
        return None
    new, shared = successor.replaced_by, " and ".join(successor.shared)
    return (
        f"{old}, published in {successor.last_version}, is now {new} (the same {shared}): cite {new}, "
        f"and retire {old} with the tombstone the removed-without-tombstone finding gives"
    )


def _matches(value: tuple[Any, ...], patterns: list[tuple[Any, ...]]) -> bool:
    return any(all(p is None or p == v for p, v in zip(pattern, value, strict=True)) for pattern in patterns)


def unique_problems(table: Table, schema: Schema) -> list[Finding]:
    findings = []
    for key in schema.unique_keys():
        first: dict[tuple[Any, ...], int] = {}
        rows = _repeated(table, key)
        columns = [pc.take(table.data.column(k), rows).to_pylist() for k in key]
        for index, value in zip(rows.to_pylist(), zip(*columns, strict=True), strict=True):
            if value in first:
                shown = ", ".join(map(str, value))
                findings.append(
                    Finding(
                        table.path,
                        table.line(index),
                        "duplicate-key",
                        f"{shown} is already used on line {table.line(first[value])}",
                        field=",".join(key),
                    )
                )
            else:
                first[value] = index
    return findings


def _repeated(table: Table, key: tuple[str, ...]) -> pa.Array:
    """The rows, in order, whose key value occurs more than once, none of its fields null (pyarrow finds them).

    Only those rows are read in Python: a key of two fields over 47k document links took
    as long as the rest of the key checks, as a loop over every row.
    """
    data = table.data
    # One field: counting each value and asking which rows hold a repeated one is quicker than
    # listing every value's rows, as the longer keys below do.
    if len(key) == 1:
        values = data.column(key[0])
        counts = pa.table({"value": values}).group_by("value").aggregate([("value", "count")])
        repeated = pc.filter(counts.column("value"), pc.greater(counts.column("value_count"), 1))
        return pc.indices_nonzero(pc.fill_null(pc.is_in(values, value_set=repeated), False))
    names = [f"key{i}" for i in range(len(key))]
    keyed = pa.table(
        {
            **{n: data.column(k) for n, k in zip(names, key, strict=True)},
            "row": positions(data.num_rows),
        }
    )
    whole = pc.is_valid(keyed.column(names[0]))
    for name in names[1:]:
        whole = pc.and_(whole, pc.is_valid(keyed.column(name)))
    groups = keyed.filter(whole).group_by(names, use_threads=False).aggregate([("row", "list")])
    lists = groups.column("row_list")
    rows = pc.list_flatten(pc.filter(lists, pc.greater(pc.list_value_length(lists), 1)))
    return pc.take(rows, pc.sort_indices(rows))
