"""Keys: primary and unique keys hold once per table, and every foreign key resolves."""

from __future__ import annotations

from typing import Any

from ..core.findings import Finding
from ..core.package import Package, Table
from ..core.schema import Schema
from ..core.suggest import did_you_mean
from ..core.tombstones import TOMBSTONES, RedirectCycle, resolve


def foreign_key_problems(package: Package) -> list[Finding]:
    findings = []
    for name in package.schemas:
        table = package.tables[name]
        for fk in package.view(name).foreign_keys:
            source, target_name, target_fields = fk.fields, fk.resource, fk.reference_fields
            target = package.tables[target_name]
            rows = list(zip(*(target.data.column(f).to_pylist() for f in target_fields), strict=True))
            known = set(rows)
            # A row whose key cells are unknown may be the one a value refers to: None matches anything.
            unsure = [
                tuple(v if target.known(i, f) else None for v, f in zip(row, target_fields, strict=True))
                for i, row in enumerate(rows)
                if not target.known(i, *target_fields)
            ]
            values = zip(*(table.data.column(f).to_pylist() for f in source), strict=True)
            for index, value in enumerate(values):
                if any(v is None for v in value) or value in known or _matches(value, unsure):
                    continue
                renamed = _renamed(package, target_name, value) if len(value) == 1 else None
                if renamed is not None:
                    findings.append(
                        Finding(table.path, table.line(index), "renamed-id", renamed, field=",".join(source))
                    )
                    continue
                findings.append(
                    Finding(
                        table.path,
                        table.line(index),
                        "foreign-key",
                        f"{', '.join(map(str, value))} is not {_an(','.join(target_fields))} in {target_name}"
                        + _nearest(value, known),
                        field=",".join(source),
                    )
                )
    return findings


def _an(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _nearest(value: tuple[Any, ...], known: set[tuple[Any, ...]]) -> str:
    """A "did you mean" for a one-field key that is text, from the target's key values."""
    if len(value) != 1 or not isinstance(value[0], str):
        return ""
    return did_you_mean(value[0], (k[0] for k in known if isinstance(k[0], str)))


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
        columns = [table.data.column(k).to_pylist() for k in key]
        for index, value in enumerate(zip(*columns, strict=True)):
            if any(v is None for v in value):
                continue
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
