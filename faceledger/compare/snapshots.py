"""A version of the data package as data: its descriptor, Table Schemas and Arrow tables.

`faceledger diff` compares two snapshots, read from whatever holds a version:
a release folder (dist/faceledger-X.Y.Z, or one format folder in it), a
repository folder (datapackage.json + schema/ + dataset/), a git ref of the
repository, or a Package just assembled by the build.

Files are read here without the build's row-by-row checks: a release or a
committed dataset has passed them already, and a diff of 100,000 documents has
to be fast. Strings are converted to the schema's types column by column, with
the same conventions the exporters write (see exporters/csv.py).
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..core import git
from ..core.files import local_path
from ..core.findings import BuildFailed, Finding
from ..core.layout import DESCRIPTOR, paths
from ..core.limits import DESCRIPTOR_BYTES, SCHEMA_BYTES
from ..core.safe_read import UnsafeFile, read_bytes, unsafe
from ..core.schema import Field, Schema, TableSchema, arrow_schema, field_names
from ..core.versions import VersionError, parse

# Release folders are read from Parquet when they have it: typed, and the fastest to read.
READ_ORDER = ("parquet", "csv")


@dataclass
class Snapshot:
    label: str
    descriptor: dict[str, Any] = field(default_factory=dict)
    schemas: dict[str, TableSchema] = field(default_factory=dict)
    tables: dict[str, pa.Table] = field(default_factory=dict)

    @property
    def version(self) -> str | None:
        return self.descriptor.get("version")

    def resource(self, name: str) -> dict[str, Any]:
        return next(r for r in self.descriptor.get("resources", []) if r.get("name") == name)


def from_package(package: Any, label: str = "this build") -> Snapshot:
    tables = {name: table.data for name, table in package.tables.items()}
    return Snapshot(label, package.descriptor, dict(package.schemas), tables)


def nothing() -> Snapshot:
    """What a first release is compared with."""
    return Snapshot("no earlier release")


def last_release(root: Path, version: Any) -> Snapshot:
    """The latest release tagged in `root` that is not above `version` (see git.last_release)."""
    try:
        tag = git.last_release(root, parse(version))
    except VersionError:  # reported by the package checks
        return nothing()
    return read_ref(root, tag) if tag else nothing()


def read(source: str, root: Path) -> Snapshot:
    """The snapshot `source` names: a folder if one exists at that path, else a git ref in `root`."""
    path = Path(source)
    if path.exists():
        return read_folder(path)
    if not git.is_commit(root, source):
        message = f"neither a folder nor a git ref of the repository in {root}"
        raise BuildFailed([Finding(source, None, "unknown-version", message)])
    try:
        return read_ref(root, source)
    except git.GitError as exc:
        raise BuildFailed([Finding(source, None, "unreadable-version", str(exc))]) from None


def read_folder(path: Path) -> Snapshot:
    """A data package folder, or a release folder holding one folder per format."""
    if (path / DESCRIPTOR).is_file():
        return read_package(path, str(path))
    for fmt in READ_ORDER:
        if (path / fmt / DESCRIPTOR).is_file():
            snapshot = read_package(path / fmt, str(path))
            # The CSV folder keeps the Table Schemas exactly as written; others may adapt them.
            if fmt != "csv" and (path / "csv" / DESCRIPTOR).is_file():
                canonical = read_package(path / "csv", str(path), data=False)
                snapshot.descriptor, snapshot.schemas = canonical.descriptor, canonical.schemas
            return snapshot
    raise BuildFailed(
        [
            Finding(
                str(path),
                None,
                "not-a-package",
                f"no {DESCRIPTOR} here, nor in a {' or '.join(READ_ORDER)} folder of a release",
            )
        ]
    )


def read_ref(root: Path, ref: str) -> Snapshot:
    """The repository's data package as it was at `ref`."""
    descriptor = _descriptor(git.show(root, ref, DESCRIPTOR), f"{ref}:{DESCRIPTOR}")
    # A path that could climb out of the export is left out: read_package reports it.
    files = sorted(
        {
            rel
            for r in descriptor["resources"]
            if isinstance(r, dict)
            for rel in [*paths(r), r.get("schema")]
            if isinstance(rel, str) and local_path(rel)
        }
    )
    with tempfile.TemporaryDirectory(prefix="faceledger-ref-") as temp:
        git.export(root, ref, [DESCRIPTOR, *files], Path(temp))
        return read_package(Path(temp), ref)


def _descriptor(data: bytes, where: str) -> dict[str, Any]:
    try:
        descriptor = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BuildFailed([Finding(where, None, "invalid-json", str(exc))]) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise BuildFailed(
            [Finding(where, None, "invalid-descriptor", "the descriptor needs a resources list")]
        )
    return descriptor


def read_package(folder: Path, label: str, data: bool = True) -> Snapshot:
    where = f"{label}/{DESCRIPTOR}" if label != str(folder) else str(folder / DESCRIPTOR)
    try:
        raw = read_bytes(folder, DESCRIPTOR, DESCRIPTOR_BYTES)
    except UnsafeFile as exc:
        raise BuildFailed([dataclasses.replace(exc.finding, path=where)]) from None
    descriptor = _descriptor(raw, where)
    snapshot = Snapshot(label, descriptor)
    findings = []
    for resource in descriptor["resources"]:
        if not isinstance(resource, dict):
            findings.append(
                Finding(where, None, "invalid-descriptor", f"resource {resource!r} is not an object")
            )
            continue
        name, path, schema = resource.get("name"), resource.get("path"), resource.get("schema")
        # A multipart resource (the repository's derived tables, core/layout.py) lists its parts.
        given = path if isinstance(path, list) and path else [path]
        parts = [p for p in given if isinstance(p, str)]
        if not isinstance(name, str) or len(parts) != len(given):
            findings.append(
                Finding(
                    where, None, "invalid-descriptor", f"resource {name!r} needs a name and a relative path"
                )
            )
            continue
        unsafe_path = next((p for p in (*parts, schema) if isinstance(p, str) and not local_path(p)), None)
        if unsafe_path is not None:
            message = f"resource {name!r}: {unsafe_path!r} could lead outside {label}; it is not read"
            findings.append(Finding(where, None, "unsafe-path", message))
            continue
        if isinstance(schema, str):
            try:
                schema = json.loads(read_bytes(folder, schema, SCHEMA_BYTES))
            except UnsafeFile as exc:
                findings.append(dataclasses.replace(exc.finding, path=f"{label}/{schema}"))
                continue
            except (OSError, ValueError) as exc:
                findings.append(Finding(f"{label}/{schema}", None, "invalid-schema", str(exc)))
                continue
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            findings.append(Finding(where, None, "invalid-schema", f"resource {name!r} has no Table Schema"))
            continue
        problems = schema_problems(where, schema)
        if problems:
            findings += problems
            continue
        if data:
            table, schema, problems = read_parts(folder, label, parts, schema)
            findings += problems
            if table is not None:
                snapshot.tables[name] = table
        snapshot.schemas[name] = schema
    if findings:
        raise BuildFailed(findings)
    return snapshot


def read_parts(
    folder: Path, label: str, parts: list[str], schema: TableSchema
) -> tuple[pa.Table | None, TableSchema, list[Finding]]:
    """A resource's table from its file, or its parts one after the other."""
    tables, findings = [], []
    for rel in parts:
        if (problem := unsafe(folder, rel)) is not None:
            findings.append(dataclasses.replace(problem, path=f"{label}/{rel}"))
            continue
        table, schema, problems = read_table(folder / rel, f"{label}/{rel}", schema)
        findings += problems
        if table is not None:
            tables.append(table)
    if findings:
        return None, schema, findings
    return (tables[0] if len(tables) == 1 else pa.concat_tables(tables)), schema, []


def read_table(
    path: Path, where: str, schema: TableSchema
) -> tuple[pa.Table | None, TableSchema, list[Finding]]:
    """The table at `path`, and its Table Schema (Parquet files carry the one they were written with)."""
    if not path.is_file():
        return None, schema, [Finding(where, None, "missing-file", "the data file is missing")]
    try:
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            written = (table.schema.metadata or {}).get(b"frictionless:schema")
            schema = json.loads(written) if written else schema
            problems = schema_problems(f"{where} (frictionless:schema)", schema)
            if problems:
                return None, schema, problems
            return conform(table, schema, where), schema, []
        if path.suffix == ".csv":
            return read_csv(path, schema, where), schema, []
    except BuildFailed as failed:
        return None, schema, failed.findings
    except (pa.ArrowException, OSError, ValueError) as exc:
        return None, schema, [Finding(where, None, "unreadable", str(exc))]
    return (
        None,
        schema,
        [
            Finding(
                where, None, "unsupported-format", "diff reads CSV and Parquet; use the release's csv/ folder"
            )
        ],
    )


def schema_problems(where: str, schema: Any) -> list[Finding]:
    """What in `schema` the reader cannot follow as a Table Schema's structure.

    Only the shape is checked: a release's format folders adapt field types (Parquet's
    schemas may say `any`), so the build's full check would refuse good releases.
    """

    def bad(message: str) -> list[Finding]:
        return [Finding(where, None, "invalid-schema", message)]

    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return bad("a Table Schema is an object with a fields list")
    for spec in schema["fields"]:
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            return bad(f"field {spec!r} is not an object with a name")
        if not isinstance(spec.get("type", ""), str) or not isinstance(spec.get("constraints", {}), dict):
            return bad(f"field {spec['name']!r} needs a type name and constraints as an object")
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        return bad("missingValues must be a list of strings")
    keys = schema.get("foreignKeys", [])
    if not isinstance(keys, list) or not all(
        isinstance(fk, dict) and isinstance(fk.get("reference"), dict) for fk in keys
    ):
        return bad("foreignKeys must be a list of objects with a reference")
    return []


def conform(table: pa.Table, schema: TableSchema, where: str) -> pa.Table:
    """`table` with the schema's columns, in its order and with its Arrow types."""
    names = field_names(schema)
    if sorted(table.column_names) != sorted(names):
        raise BuildFailed(
            [
                Finding(
                    where,
                    None,
                    "header-mismatch",
                    f"columns {', '.join(table.column_names)}; the schema has {', '.join(names)}",
                )
            ]
        )
    target = arrow_schema(schema)
    columns = [table.column(name) for name in names]
    columns = [c if c.type == f.type else c.cast(f.type) for c, f in zip(columns, target, strict=True)]
    return pa.Table.from_arrays(columns, schema=target)


def read_csv(path: Path, schema: TableSchema, where: str) -> pa.Table:
    names = field_names(schema)
    strings = pacsv.read_csv(
        path,
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    if strings.column_names != names:
        raise BuildFailed([Finding(where, 1, "header-mismatch", f"expected the header {','.join(names)}")])
    missing = pa.array(schema.get("missingValues", [""]), pa.string())
    columns = []
    for spec in Schema.from_dict(schema, "").fields:
        column = strings.column(spec.name)
        column = pc.if_else(pc.is_in(column, value_set=missing), pa.scalar(None, pa.string()), column)
        try:
            columns.append(typed(column, spec))
        except pa.ArrowException as exc:
            raise BuildFailed(
                [Finding(where, None, "bad-value", f"cannot read as {spec.type}: {exc}", spec.name)]
            ) from None
    return pa.Table.from_arrays(columns, schema=arrow_schema(schema))


def typed(column: pa.ChunkedArray, spec: Field) -> pa.ChunkedArray:
    """A column of CSV strings (missing values already null) as its field's Arrow type."""
    if spec.delimiter is not None:
        column = pc.split_pattern(column, spec.delimiter)
    return column.cast(spec.arrow_type())
