"""Joining resources along the foreign keys their Table Schemas declare.

`faceledger.join("contracts", "evidence", "documents")` puts each contract
beside its evidence and the documents that evidence quotes, without naming a
single field: each resource after the first is joined on the one foreign key
that links it to a resource already in the join, in either direction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from .loader import Flavour, convert, library, read, resource, schema

if TYPE_CHECKING:
    import pyarrow as pa


class NoLink(ValueError):
    """No single foreign key links a resource to the ones joined before it."""


class Link(NamedTuple):
    """`left.left_fields` = `right.right_fields`, where `right` is the resource being added."""

    left: str
    left_fields: tuple[str, ...]
    right: str
    right_fields: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.left}({', '.join(self.left_fields)}) = {self.right}({', '.join(self.right_fields)})"


def links(joined: list[str], name: str, schemas: dict[str, dict[str, Any]]) -> list[Link]:
    """Every declared foreign key between `name` and a resource in `joined`."""
    # Not at module level: `import faceledger` imports this module and stays light.
    from .core.schema import Schema

    found = []
    for fk in Schema.from_dict(schemas[name], name).foreign_keys:
        if fk.resource in joined:
            found.append(Link(fk.resource, fk.reference_fields, name, fk.fields))
    for left in joined:
        for fk in Schema.from_dict(schemas[left], left).foreign_keys:
            if fk.resource == name:
                found.append(Link(left, fk.fields, name, fk.reference_fields))
    return found


def plan(names: tuple[str, ...], schemas: dict[str, dict[str, Any]]) -> list[Link]:
    """The link each resource after the first is joined on."""
    steps = []
    for index, name in enumerate(names[1:], start=1):
        joined = list(names[:index])
        found = links(joined, name, schemas)
        if len(found) != 1:
            detail = "none is declared" if not found else "candidates: " + "; ".join(map(str, found))
            raise NoLink(
                f"cannot join {name!r} to {', '.join(joined)}: the join needs exactly one foreign key "
                f"between them in the Table Schemas, and {detail}"
            )
        steps.append(found[0])
    return steps


def row_numbers(frame: pa.Table, tables: dict[str, pa.Table], link: Link) -> pa.Table:
    """`frame` (one row-number column per joined resource) extended by a left outer join with `link.right`."""
    import pyarrow as pa

    left_rows = frame.column(link.left)
    keys = [f"k{i}" for i in range(len(link.left_fields))]
    left = pa.table(
        {
            **{
                k: tables[link.left].column(f).take(left_rows)
                for k, f in zip(keys, link.left_fields, strict=True)
            },
            "_frame": pa.array(range(frame.num_rows), pa.int64()),
        }
    )
    right_table = tables[link.right]
    right = pa.table(
        {
            **{k: right_table.column(f) for k, f in zip(keys, link.right_fields, strict=True)},
            "_right": pa.array(range(right_table.num_rows), pa.int64()),
        }
    )
    # Only keys and row numbers go through the hash join (it refuses some payload types,
    # such as lists); its output order is unspecified, so sort it back into a stable order.
    matched = left.join(right, keys=keys, join_type="left outer").sort_by(
        [("_frame", "ascending"), ("_right", "ascending")]
    )
    return frame.take(matched.column("_frame")).append_column(link.right, matched.column("_right"))


def join(*names: str, as_: Flavour = "arrow") -> Any:
    """The first resource's rows with the matching rows of each resource after it (left outer joins).

    Columns keep their names; a later resource's column whose name is taken is
    called `resource.field`, and a join key equal in name to the one it matches
    appears once.
    """
    import pyarrow as pa

    library(as_)
    if len(names) < 2 or len(set(names)) != len(names):
        raise ValueError("join needs two or more different resource names")
    for name in names:
        resource(name)  # an unknown name raises UnknownResource, listing the valid ones
    schemas = {name: schema(name) for name in names}
    steps = plan(names, schemas)
    tables = {name: read(name) for name in names}

    first = tables[names[0]]
    frame = pa.table({names[0]: pa.array(range(first.num_rows), pa.int64())})
    for link in steps:
        frame = row_numbers(frame, tables, link)

    fields, columns = [], []
    taken = set()
    repeated_keys = {
        (link.right, r)
        for link in steps
        for left, r in zip(link.left_fields, link.right_fields, strict=True)
        if left == r
    }
    for position, name in enumerate(names):
        table = tables[name]
        for field in table.schema:
            if (name, field.name) in repeated_keys:
                continue
            out = field.with_name(f"{name}.{field.name}" if field.name in taken else field.name)
            taken.add(out.name)
            # Unmatched rows of a later resource are nulls, even in its required fields.
            fields.append(out if position == 0 else out.with_nullable(True))
            columns.append(table.column(field.name).take(frame.column(name)))
    result = pa.Table.from_arrays(columns, schema=pa.schema(fields))
    return convert(result, as_)
