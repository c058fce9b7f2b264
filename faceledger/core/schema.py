"""Table Schemas: the single source of truth for every resource's fields.

Nothing else in the code names a field list; Arrow types, CSV parsing, the
exporters and the data dictionary are all derived from the JSON in schema/.
`Schema` is the typed view of one Table Schema: fields, keys and foreign keys
read once, with Table Schema's shorthands (a key written as one name, a
foreign key to its own resource written without one) resolved here so no
caller handles them again. The JSON itself stays the published form.

pyarrow is imported by the methods that return Arrow types only: joins.py
reads foreign keys from here on behalf of `import faceledger`, which stays light.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .schema_types import (
    COMPARED,
    DEFAULT_DELIMITER,
    DEFAULT_FORMAT,
    DEFAULT_TYPE,
    TYPES,
    FieldType,
    Parser,
    comparable,
)

if TYPE_CHECKING:
    import pyarrow as pa

TableSchema = Mapping[str, Any]

# strftime's %Y gives `999` for the year 999 on some platforms: format_datetime pads it to four digits.
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# Marks the fields that identify a row whatever its id: the fields sharing a value of the marker
# together say "this is the same thing" (docs/identity.md). A row whose id disappears is
# evidently the row that shares one of them (compare/successors.py).
IDENTITY = "x-faceledger-identity"


def format_datetime(value: datetime) -> str:
    """A UTC datetime as `YYYY-MM-DDTHH:MM:SSZ`, the year always four digits (0999, not 999)."""
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T"
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z"
    )


def format_datetimes(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """format_datetime of every value of a timestamp column at once (nulls stay null).

    Floored to the second first, as format_datetime drops the fraction: a cast would round
    a time before 1970 towards zero, and strftime would print the fraction.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    whole = pc.floor_temporal(column, unit="second").cast(pa.timestamp("s", tz="UTC"))
    return pc.strftime(whole, format=DATETIME_FORMAT)


def free_text(spec: Field) -> bool:
    """Whether a field holds free text: strings with no pattern or enum to keep a formula out."""
    textual = spec.type == "string" or (spec.item_type == "string" and spec.delimiter is not None)
    return textual and "pattern" not in spec.constraints and "enum" not in spec.constraints


def read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def names(value: Any) -> tuple[str, ...]:
    """Field names as Table Schema writes them in keys: one name, or a list of them (else none)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return ()


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    item_type: str | None
    delimiter: str | None
    format: str
    description: str
    required: bool
    unique: bool
    constraints: Mapping[str, Any] = field(hash=False)
    raw: Mapping[str, Any] = field(hash=False, repr=False)

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> Field:
        kind = spec.get("type", DEFAULT_TYPE)
        listed = kind in TYPES and TYPES[kind].items
        # Checked schemas have an object here; a version read for a diff may not, and is not held to it.
        rules = spec.get("constraints", {})
        rules = rules if isinstance(rules, Mapping) else {}
        return cls(
            name=spec["name"],
            type=kind,
            item_type=spec.get("itemType", DEFAULT_TYPE) if listed else None,
            delimiter=spec.get("delimiter", DEFAULT_DELIMITER) if listed else None,
            format=spec.get("format", DEFAULT_FORMAT),
            description=spec.get("description", ""),
            required=bool(rules.get("required", False)),
            unique=bool(rules.get("unique", False)),
            constraints=rules,
            raw=spec,
        )

    def get(self, key: str, default: Any = None) -> Any:
        """A key of the field as written, such as an `x-faceledger-*` annotation."""
        return self.raw.get(key, default)

    @property
    def kind(self) -> FieldType:
        try:
            return TYPES[self.type]
        except KeyError:
            raise ValueError(f"field {self.name!r}: type {self.type!r} is not supported") from None

    @property
    def item_kind(self) -> FieldType:
        """The type each value is read as: the item type of a list, else the field's own."""
        if self.item_type is None:
            return self.kind
        item = TYPES.get(self.item_type)
        if item is None or item.items:
            raise ValueError(f"field {self.name!r}: itemType {self.item_type!r} is not supported")
        return item

    def accepted_constraints(self) -> frozenset[str]:
        if self.item_type is None:
            return self.kind.constraints
        return self.kind.constraints | (self.item_kind.constraints - {"unique"})

    def arrow_type(self) -> pa.DataType:
        import pyarrow as pa

        if self.item_type is None:
            return self.kind.arrow(pa)
        return self.kind.arrow(pa, self.item_kind.arrow(pa))

    def arrow_field(self) -> pa.Field:
        import pyarrow as pa

        meta = {"description": self.description}
        return pa.field(self.name, self.arrow_type(), nullable=not self.required, metadata=meta)

    def item_parser(self) -> Parser:
        """The parser of one value: a list's item, or the whole cell."""
        if self.item_type is not None:
            parse = self.item_kind.formats[DEFAULT_FORMAT]
        else:
            parse = self.kind.formats.get(self.format)
        if parse is None:
            raise ValueError(f"field {self.name!r}: format {self.format!r} is not supported")
        return parse

    def parser(self) -> Parser:
        """The parser of a cell: ValueError says why a cell is not a value of this field."""
        item = self.item_parser()
        if self.item_type is None:
            return item
        delimiter = self.delimiter or DEFAULT_DELIMITER
        return lambda cell: [item(part) for part in cell.split(delimiter)]

    def comparable(self, value: Any) -> bool:
        """Whether a bound or enum entry of this field can be compared with its values."""
        return comparable(value, self.item_parser(), self.item_kind.json_values)

    def bound(self, key: str) -> Any:
        """Constraint `key` as the field's values are compared with it (text bounds parsed as cells)."""
        value = self.constraints[key]
        if key not in COMPARED:
            return value
        parse = self.item_parser()

        def read(entry: Any) -> Any:
            return parse(entry) if isinstance(entry, str) else entry

        return [read(v) for v in value] if key == "enum" else read(value)


@dataclass(frozen=True)
class ForeignKey:
    """`fields` of a row refer to `reference_fields` of a row of `resource`."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]
    # Written without a resource: a row refers to another row of the same table.
    self_reference: bool
    raw: Mapping[str, Any] = field(hash=False, repr=False, compare=False)

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], own: str) -> ForeignKey:
        reference = spec.get("reference") or {}
        target = reference.get("resource") or ""
        return cls(
            fields=names(spec.get("fields")),
            resource=target or own,
            reference_fields=names(reference.get("fields")),
            self_reference=not target,
            raw=spec,
        )


@dataclass(frozen=True)
class Schema:
    """The typed view of one resource's Table Schema; `raw` is the JSON it was read from."""

    resource: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...]
    description: str
    raw: Mapping[str, Any] = field(hash=False, repr=False, compare=False)

    @classmethod
    def from_dict(cls, raw: TableSchema, resource: str) -> Schema:
        return cls(
            resource=resource,
            fields=tuple(Field.from_spec(spec) for spec in raw["fields"]),
            primary_key=names(raw.get("primaryKey")),
            foreign_keys=tuple(ForeignKey.from_spec(fk, resource) for fk in raw.get("foreignKeys", [])),
            missing_values=tuple(raw.get("missingValues", [""])),
            description=raw.get("description", ""),
            raw=raw,
        )

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.resource} has no field {name!r}")

    def arrow_schema(self, description: str | None = None) -> pa.Schema:
        import pyarrow as pa

        meta = {"description": description or self.description}
        return pa.schema([f.arrow_field() for f in self.fields], metadata=meta)

    def unique_keys(self) -> list[tuple[str, ...]]:
        """The primary key and each unique field: the field sets no two rows share values of."""
        keys = [self.primary_key] if self.primary_key else []
        keys += [(f.name,) for f in self.fields if f.unique and (f.name,) != self.primary_key]
        return keys

    def identities(self) -> dict[str, tuple[Field, ...]]:
        """The fields that identify a row, by the name of the identity they make up together."""
        groups: dict[str, tuple[Field, ...]] = {}
        for spec in self.fields:
            group = spec.get(IDENTITY)
            if isinstance(group, str) and group:
                groups[group] = (*groups.get(group, ()), spec)
        return groups

    def reference(self, field_name: str) -> ForeignKey | None:
        """The foreign key made of `field_name` alone, if one is declared."""
        return next((fk for fk in self.foreign_keys if fk.fields == (field_name,)), None)


def arrow_type(spec: Mapping[str, Any]) -> pa.DataType:
    return Field.from_spec(spec).arrow_type()


def arrow_schema(schema: TableSchema, description: str | None = None) -> pa.Schema:
    return Schema.from_dict(schema, "").arrow_schema(description)


def field_names(schema: TableSchema) -> list[str]:
    return [spec["name"] for spec in schema["fields"]]


def primary_key(schema: TableSchema) -> list[str]:
    return list(names(schema.get("primaryKey")))
