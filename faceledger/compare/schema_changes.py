"""What changed between two versions' descriptors and Table Schemas, and how much it matters.

Each change is classified by what it does to someone who uses the data:
- major: their code or their data may stop working. A resource or field
  removed or renamed, a type or format changed, fields reordered, a new
  required field, a constraint tightened, the primary key or missing values
  changed.
- minor: something new they can ignore. A new resource, a new optional field,
  a constraint loosened (following the Frictionless "data package version"
  pattern, which counts a less restrictive constraint as backward compatible).
- patch: descriptions and other metadata.
Changes to the data alone are patch-level; diff.py finds those.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.layout import UNMEASURED_BYTES
from ..core.schema import ForeignKey, TableSchema, field_names, primary_key
from ..core.versions import Level

# Field properties that change how a cell is read: any change to them is breaking. These are
# Table Schema's, not only those our reader follows (core/schema_types.py): other tools read a
# release too, and an old version may predate the check that refuses the rest.
READING = (
    "type",
    "itemType",
    "delimiter",
    "trueValues",
    "falseValues",
    "decimalChar",
    "groupChar",
    "bareNumber",
)
# Descriptor properties that say where or how a file is stored, or count it, not what it holds.
STORAGE = {
    "path",
    "schema",
    "bytes",
    UNMEASURED_BYTES,
    "hash",
    "rows",
    "format",
    "mediatype",
    "encoding",
    "dialect",
    "type",
    "scheme",
}
LOWER_BOUNDS = {"minimum", "exclusiveMinimum", "minLength"}
UPPER_BOUNDS = {"maximum", "exclusiveMaximum", "maxLength"}


@dataclass(frozen=True)
class SchemaChange:
    resource: str
    level: Level
    message: str
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "field": self.field,
            "level": str(self.level),
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"{self.resource}.{self.field}" if self.field else self.resource
        return f"{where}: {self.message}"


def compare(
    old: dict[str, Any],
    new: dict[str, Any],
    old_schemas: dict[str, TableSchema],
    new_schemas: dict[str, TableSchema],
) -> list[SchemaChange]:
    """Changes from the `old` descriptor and schemas to the `new` ones, package metadata first."""
    # Against nothing (a first release) only the resources are news.
    changes = [
        SchemaChange("(package)", Level.PATCH, f"{key} changed")
        for key in (_changed_keys(old, new, ignore={"resources", "version"}) if old else [])
    ]
    old_resources = {r["name"]: r for r in old.get("resources", [])}
    new_resources = {r["name"]: r for r in new.get("resources", [])}
    for name in old_resources:
        if name not in new_resources:
            changes.append(SchemaChange(name, Level.MAJOR, "resource removed"))
    for name, resource in new_resources.items():
        if name not in old_resources:
            changes.append(SchemaChange(name, Level.MINOR, "new resource"))
            continue
        changes += [
            SchemaChange(name, Level.PATCH, f"resource {key} changed")
            for key in _changed_keys(old_resources[name], resource, ignore=STORAGE)
        ]
        changes += compare_schemas(name, old_schemas[name], new_schemas[name])
    return changes


def compare_schemas(resource: str, old: TableSchema, new: TableSchema) -> list[SchemaChange]:
    old_fields = {spec["name"]: spec for spec in old["fields"]}
    new_fields = {spec["name"]: spec for spec in new["fields"]}
    removed = [name for name in old_fields if name not in new_fields]
    added = [name for name in new_fields if name not in old_fields]
    changes = []
    for before, after in _renames(old, new, removed, added):
        changes.append(SchemaChange(resource, Level.MAJOR, f"field renamed to {after!r}", before))
        removed.remove(before)
        added.remove(after)
    changes += [SchemaChange(resource, Level.MAJOR, "field removed", name) for name in removed]
    for name in added:
        if new_fields[name].get("constraints", {}).get("required"):
            changes.append(SchemaChange(resource, Level.MAJOR, "new required field", name))
        else:
            changes.append(SchemaChange(resource, Level.MINOR, "new optional field", name))
    kept = [name for name in field_names(old) if name in new_fields]
    if kept != [name for name in field_names(new) if name in old_fields]:
        changes.append(SchemaChange(resource, Level.MAJOR, "fields reordered (CSV readers go by position)"))
    for name in kept:
        changes += compare_fields(resource, old_fields[name], new_fields[name])
    if primary_key(old) != primary_key(new):
        message = f"primary key changed from {primary_key(old)} to {primary_key(new)}"
        changes.append(SchemaChange(resource, Level.MAJOR, message))
    if old.get("missingValues", [""]) != new.get("missingValues", [""]):
        changes.append(SchemaChange(resource, Level.MAJOR, "missing values changed"))
    old_fks, new_fks = _foreign_keys(old), _foreign_keys(new)
    changes += [
        SchemaChange(resource, Level.MAJOR, f"new foreign key {new_fks[k]}") for k in new_fks.keys() - old_fks
    ]
    changes += [
        SchemaChange(resource, Level.MINOR, f"foreign key removed {old_fks[k]}")
        for k in old_fks.keys() - new_fks
    ]
    ignore = {"fields", "primaryKey", "foreignKeys", "missingValues", "$schema"}
    changes += [
        SchemaChange(resource, Level.PATCH, f"schema {key} changed")
        for key in _changed_keys(old, new, ignore)
    ]
    return sorted(changes, key=lambda c: (-c.level, c.field or "", c.message))


def compare_fields(resource: str, old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    name = old["name"]
    changes = []
    for key in READING:
        before, after = old.get(key), new.get(key)
        if key == "type":
            before, after = before or "string", after or "string"
        if before != after:
            changes.append(
                SchemaChange(resource, Level.MAJOR, f"{key} changed from {before!r} to {after!r}", name)
            )
    before, after = old.get("format", "default"), new.get("format", "default")
    if before != after:
        level = Level.MINOR if after == "default" else Level.MAJOR
        changes.append(SchemaChange(resource, level, f"format changed from {before!r} to {after!r}", name))
    old_rules, new_rules = old.get("constraints", {}), new.get("constraints", {})
    for key in sorted(set(old_rules) | set(new_rules)):
        before, after = old_rules.get(key), new_rules.get(key)
        if before == after:
            continue
        tighter = tightens(key, before, after)
        level, verb = (Level.MAJOR, "tightened") if tighter else (Level.MINOR, "loosened")
        changes.append(
            SchemaChange(resource, level, f"constraint {key} {verb}: {before!r} -> {after!r}", name)
        )
    ignore = {*READING, "format", "constraints", "name"}
    changes += [
        SchemaChange(resource, Level.PATCH, f"{key} changed", name) for key in _changed_keys(old, new, ignore)
    ]
    return changes


def tightens(key: str, before: Any, after: Any) -> bool:
    """Whether a constraint going from `before` to `after` (None: absent) can refuse a value it accepted."""
    if after is None or after is False:
        return False
    if before is None or before is False:
        return True
    if key == "enum":
        return not set(_hashable(before)) <= set(_hashable(after))
    try:
        if key in LOWER_BOUNDS:
            return bool(after > before)
        if key in UPPER_BOUNDS:
            return bool(after < before)
    except TypeError:  # bounds of different kinds cannot be ordered: assume the worst
        return True
    # A changed pattern or an unknown constraint may refuse anything.
    return True


def _hashable(values: Any) -> list[str]:
    return (
        [json.dumps(v, sort_keys=True) for v in values] if isinstance(values, list) else [json.dumps(values)]
    )


def _renames(
    old: TableSchema, new: TableSchema, removed: list[str], added: list[str]
) -> list[tuple[str, str]]:
    """Removed and added fields at the same position with the same type: most likely a rename."""
    old_at = {name: i for i, name in enumerate(field_names(old))}
    new_at = {name: i for i, name in enumerate(field_names(new))}
    specs_old = {spec["name"]: spec for spec in old["fields"]}
    specs_new = {spec["name"]: spec for spec in new["fields"]}
    pairs = []
    for before in removed:
        for after in added:
            if old_at[before] == new_at[after] and _reading(specs_old[before]) == _reading(specs_new[after]):
                pairs.append((before, after))
                break
    return pairs


def _reading(spec: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(spec.get(key) or (key == "type" and "string") or None for key in READING)


def _foreign_keys(schema: TableSchema) -> dict[str, str]:
    """Each foreign key, by its JSON as written, described as `fields -> resource(fields)`.

    Keyed by the JSON rather than the normalized key: rewriting a key's
    shorthand is a change a reader of the schema sees, and is reported as one.
    """
    described = {}
    for fk in schema.get("foreignKeys", []):
        key = ForeignKey.from_spec(fk, "")
        target = f"{'itself' if key.self_reference else key.resource}({', '.join(key.reference_fields)})"
        described[json.dumps(fk, sort_keys=True)] = f"{', '.join(key.fields)} -> {target}"
    return described


def _names(fields: Any) -> str:
    return ", ".join(fields) if isinstance(fields, list) else str(fields)


def _changed_keys(old: Mapping[str, Any], new: Mapping[str, Any], ignore: set[str]) -> list[str]:
    keys = (set(old) | set(new)) - ignore
    return sorted(key for key in keys if old.get(key) != new.get(key))
