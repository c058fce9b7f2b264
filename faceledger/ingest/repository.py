"""Assembling the data package: descriptor, schemas and typed tables, checked.

Resources named in DERIVED are generated from seeds/; every other resource in
datapackage.json is curated and read from its CSV in dataset/.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import facts, ids, versioning
from .documents import Documents, build_documents
from .findings import Finding
from .schemas import TableSchema, arrow_type, primary_key, read_json
from .tables import Table, read_csv, table_from_rows

DESCRIPTOR = "datapackage.json"
DERIVED = ("documents", "document_links")
# What a repository needs in order to build; the rest (code, tests, docs prose) is not data.
REPOSITORY_PARTS = ("seeds", "schema", "dataset", "docs", DESCRIPTOR, "CHANGELOG.md", "LICENSE-DATA")

# A hook each curated-facts check registers: (package) -> findings.
PackageCheck = Callable[["Package"], Iterable[Finding]]
CHECKS: list[PackageCheck] = [facts.check_facts, versioning.version_problems, ids.id_problems]


@dataclass
class Package:
    root: Path
    descriptor: dict[str, Any]
    schemas: dict[str, TableSchema] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    documents: Documents | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", "0.0.0"))

    @property
    def resources(self) -> list[dict[str, Any]]:
        return list(self.descriptor.get("resources", []))

    def resource(self, name: str) -> dict[str, Any]:
        return next(r for r in self.resources if r.get("name") == name)


def copy_repository(source: Path, target: Path) -> Path:
    """Copy the parts of a repository a build reads, e.g. to build it somewhere else."""
    target.mkdir(parents=True, exist_ok=True)
    for part in REPOSITORY_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part)
        elif (source / part).exists():
            shutil.copyfile(source / part, target / part)
    return target


def read_descriptor(root: Path) -> tuple[dict[str, Any] | None, list[Finding]]:
    path = root / DESCRIPTOR
    try:
        descriptor = read_json(path)
    except FileNotFoundError:
        return None, [Finding(DESCRIPTOR, None, "missing-file", f"no {DESCRIPTOR} in {root}")]
    except json.JSONDecodeError as exc:
        return None, [Finding(DESCRIPTOR, exc.lineno, "invalid-json", exc.msg)]
    findings = []
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return None, [
            Finding(DESCRIPTOR, None, "invalid-descriptor", "the descriptor needs a resources list")
        ]
    names: set[str] = set()
    for index, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict) or not {"name", "path", "schema"} <= set(resource):
            findings.append(
                Finding(
                    DESCRIPTOR, None, "invalid-descriptor", f"resources[{index}] needs name, path and schema"
                )
            )
        elif resource["name"] in names:
            message = f"resources[{index}]: another resource is already named {resource['name']!r}"
            findings.append(Finding(DESCRIPTOR, None, "duplicate-resource", message))
        else:
            names.add(resource["name"])
    return (None if findings else descriptor), findings


def check_schema(name: str, rel: str, schema: Any, names: set[str]) -> list[Finding]:
    """Structural problems in a Table Schema that would make reading it fail."""
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return [Finding(rel, None, "invalid-schema", "a Table Schema needs a fields list")]
    findings = []
    fields = set()
    for spec in schema["fields"]:
        if not isinstance(spec, dict) or "name" not in spec:
            findings.append(Finding(rel, None, "invalid-schema", "every field needs a name"))
            continue
        fields.add(spec["name"])
        try:
            arrow_type(spec)
        except ValueError as exc:
            findings.append(Finding(rel, None, "invalid-schema", str(exc), field=spec["name"]))
        if not spec.get("description"):
            findings.append(
                Finding(
                    rel, None, "undocumented-field", "every field needs a description", field=spec["name"]
                )
            )
    for key in primary_key(schema):
        if key not in fields:
            findings.append(Finding(rel, None, "invalid-schema", f"primary key field {key!r} is not a field"))
    for fk in schema.get("foreignKeys", []):
        target = fk.get("reference", {}).get("resource") or name
        if target not in names:
            findings.append(
                Finding(rel, None, "invalid-schema", f"foreign key refers to unknown resource {target!r}")
            )
    return findings


def assemble(root: Path, track: Callable[[Iterable[Any], int], Iterable[Any]] | None = None) -> Package:
    descriptor, findings = read_descriptor(root)
    if descriptor is None:
        return Package(root, {}, findings=findings)
    package = Package(root, descriptor, findings=findings)
    names = {r["name"] for r in package.resources}
    for resource in package.resources:
        rel = resource["schema"]
        try:
            schema = read_json(root / rel)
        except FileNotFoundError:
            package.findings.append(
                Finding(rel, None, "missing-file", f"schema of resource {resource['name']!r} not found")
            )
            continue
        except json.JSONDecodeError as exc:
            package.findings.append(Finding(rel, exc.lineno, "invalid-json", exc.msg))
            continue
        problems = check_schema(resource["name"], rel, schema, names)
        package.findings += problems
        if not any(p.severity == "error" for p in problems):
            package.schemas[resource["name"]] = schema
    if len(package.schemas) < len(names):
        return package

    package.documents = build_documents(root, track=track)
    package.findings += package.documents.findings
    rows = {"documents": package.documents.rows, "document_links": package.documents.links}
    for resource in package.resources:
        name, schema = resource["name"], package.schemas[resource["name"]]
        if name in DERIVED:
            package.tables[name] = table_from_rows(name, rows[name], schema, resource["path"])
        else:
            table, problems = read_csv(name, root / resource["path"], resource["path"], schema)
            package.findings += problems
            if table is not None:
                package.tables[name] = table
    if len(package.tables) == len(names):
        package.findings += foreign_key_problems(package)
        for check in CHECKS:
            package.findings += check(package)
    return package


def foreign_key_problems(package: Package) -> list[Finding]:
    findings = []
    for name, schema in package.schemas.items():
        table = package.tables[name]
        for fk in schema.get("foreignKeys", []):
            source = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref = fk["reference"]
            target_name = ref.get("resource") or name
            target_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
            target = package.tables[target_name].data
            known = set(zip(*(target.column(f).to_pylist() for f in target_fields), strict=True))
            values = zip(*(table.data.column(f).to_pylist() for f in source), strict=True)
            for index, value in enumerate(values):
                if any(v is None for v in value) or value in known:
                    continue
                findings.append(
                    Finding(
                        table.path,
                        table.line(index),
                        "foreign-key",
                        f"{', '.join(map(str, value))} is not a {','.join(target_fields)} in {target_name}",
                        field=",".join(source),
                    )
                )
    return findings
