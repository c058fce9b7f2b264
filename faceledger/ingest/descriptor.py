"""Reading datapackage.json and the Table Schemas it names, refusing what the reader cannot follow."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..core.files import local_path
from ..core.findings import Finding
from ..core.layout import DESCRIPTOR
from ..core.limits import DESCRIPTOR_BYTES
from ..core.package import DERIVED, Package
from ..core.safe_read import UnsafeFile, read_bytes
from ..core.schema import IDENTITY, Field, ForeignKey, names
from ..core.schema_types import CONSTRAINTS, EXTENSION_PREFIX, FIELD_KEYWORDS, FORM, SCHEMA_KEYWORDS
from .tables import broken_constraints


def read_descriptor(root: Path) -> tuple[dict[str, Any] | None, list[Finding]]:
    try:
        raw = read_bytes(root, DESCRIPTOR, DESCRIPTOR_BYTES)
        descriptor = json.loads(raw)
    except FileNotFoundError:
        return None, [Finding(DESCRIPTOR, None, "missing-file", f"no {DESCRIPTOR} in {root}")]
    except UnsafeFile as exc:
        return None, [exc.finding]
    except OSError as exc:
        return None, [Finding(DESCRIPTOR, None, "unreadable", f"the file cannot be read: {exc.strerror}")]
    except UnicodeDecodeError as exc:
        return None, [Finding(DESCRIPTOR, None, "not-utf8", f"byte {exc.start} is not valid UTF-8")]
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
        elif reason := _unsafe_paths(resource):
            findings.append(Finding(DESCRIPTOR, None, "unsafe-path", f"resources[{index}]: {reason}"))
        elif resource["name"] in names:
            message = f"resources[{index}]: another resource is already named {resource['name']!r}"
            findings.append(Finding(DESCRIPTOR, None, "duplicate-resource", message))
        else:
            names.add(resource["name"])
    if findings:
        return None, findings
    return descriptor, _checksum_problems(raw, descriptor)


def _unsafe_paths(resource: dict[str, Any]) -> str | None:
    """Why a resource's path or schema could name something outside the repository, or None.

    A derived resource may list its parts (core/layout.py): each must be such a path. A curated
    resource is one file people edit, so its path stays a single one.
    """
    path = resource["path"]
    if resource["name"] in DERIVED and isinstance(path, list):
        if not path:
            return "path lists no parts: a derived resource's path names at least one file"
        values = path
    else:
        values = [path]
    for key, value in [*(("path", v) for v in values), ("schema", resource["schema"])]:
        if not isinstance(value, str) or not local_path(value):
            return (
                f"{key} {value!r} must be a relative path inside the repository "
                "(no URL, absolute path, '..' or backslash)"
            )
    return None


# Generated properties the committed descriptor leaves out: a hand-edited file's would be stale
# after every edit and conflict on every merge. The release's descriptors compute their own.
CHECKSUMS = ("bytes", "hash")


def _checksum_problems(raw: bytes, descriptor: dict[str, Any]) -> list[Finding]:
    """A warning when the committed descriptor still records resources' bytes or hashes."""
    recorded = [
        str(r.get("name"))
        for r in descriptor["resources"]
        if isinstance(r, dict) and any(key in r for key in CHECKSUMS)
    ]
    if not recorded:
        return []
    text = raw.decode("utf-8")
    first = re.search(r'^\s*"(?:bytes|hash)"\s*:', text, re.M)
    line = text.count("\n", 0, first.start()) + 1 if first else None
    message = (
        f"records bytes or hash of {', '.join(recorded)}: the repository's descriptor carries none "
        "(they would change with every edit; each release's descriptor computes its own); "
        "`faceledger build` removes them"
    )
    return [Finding(DESCRIPTOR, line, "descriptor-checksums", message, severity="warning")]


def check_schema(rel: str, schema: Any, resources: set[str]) -> list[Finding]:
    """Problems in a Table Schema that would make reading it fail, or read it otherwise than it says."""
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return [Finding(rel, None, "invalid-schema", "a Table Schema needs a fields list")]
    findings = [
        Finding(rel, None, "invalid-schema", f"{key!r} is not a Table Schema property the reader follows")
        for key in schema
        if key not in SCHEMA_KEYWORDS and not _extension(key)
    ]
    fields: set[str] = set()
    for spec in schema["fields"]:
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            findings.append(Finding(rel, None, "invalid-schema", "every field needs a name"))
            continue
        if spec["name"] in fields:
            findings.append(
                Finding(rel, None, "invalid-schema", "two fields have this name", field=spec["name"])
            )
        fields.add(spec["name"])
        findings += [
            Finding(rel, None, "invalid-schema", problem, field=spec["name"])
            for problem in field_problems(spec)
        ]
        if IDENTITY in spec and not (isinstance(spec[IDENTITY], str) and spec[IDENTITY]):
            message = f"{IDENTITY} names the identity the field is part of: a non-empty text"
            findings.append(Finding(rel, None, "invalid-schema", message, field=spec["name"]))
        if not spec.get("description"):
            findings.append(
                Finding(
                    rel, None, "undocumented-field", "every field needs a description", field=spec["name"]
                )
            )
    if "primaryKey" in schema and not names(schema["primaryKey"]):
        findings.append(Finding(rel, None, "invalid-schema", "primaryKey must name a field or list fields"))
    for key in names(schema.get("primaryKey")):
        if key not in fields:
            findings.append(Finding(rel, None, "invalid-schema", f"primary key field {key!r} is not a field"))
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        findings.append(Finding(rel, None, "invalid-schema", "missingValues must be a list of strings"))
    foreign_keys = schema.get("foreignKeys", [])
    if not isinstance(foreign_keys, list):
        foreign_keys = [foreign_keys]
    for fk in foreign_keys:
        findings += [
            Finding(rel, None, "invalid-schema", problem)
            for problem in _foreign_key_problems(fk, fields, resources)
        ]
    return findings


def field_problems(spec: dict[str, Any]) -> list[str]:
    """Why the reader cannot follow a field as its spec says: an unknown type, format, keyword or constraint."""
    rules = spec.get("constraints", {})
    if not isinstance(rules, dict):
        return ["constraints must be an object"]
    field = Field.from_spec(spec)
    try:
        kind, _item = field.kind, field.item_kind
    except ValueError as exc:
        return [str(exc)]
    label = f"{field.type} fields" if field.item_type is None else f"lists of {field.item_type}"
    problems = [
        f"{key!r} is not a property the reader follows for {label}: it would be ignored"
        for key in spec
        if key not in FIELD_KEYWORDS | kind.keywords and not _extension(key)
    ]
    readable = isinstance(field.format, str) and field.format in kind.formats
    if not readable:
        formats = ", ".join(sorted(kind.formats))
        problems.append(f"format {field.format!r} is not read for {label} (formats read: {formats})")
    if field.item_type is not None and not (isinstance(field.delimiter, str) and field.delimiter):
        problems.append("delimiter must be a non-empty string")
    accepted = field.accepted_constraints()
    for key, value in rules.items():
        if key not in accepted:
            problems.append(f"constraint {key!r} is not enforced for {label}: it would be ignored")
        elif readable and not CONSTRAINTS[key].usable(value, field.comparable):
            problems.append(f"constraint {key!r} cannot be {value!r} for {label}")
    if FORM in spec and not (isinstance(spec[FORM], str) and "example" in spec):
        problems.append(f"{FORM} must be text, and goes with an example")
    if "example" in spec and readable and not problems:
        problems += _example_problems(field, spec["example"])
    return problems


def _example_problems(field: Field, example: Any) -> list[str]:
    """An example is what findings tell contributors to copy: it must be a value the field takes."""
    if not isinstance(example, str):
        return ["example must be written as text, as it would be in a CSV cell"]
    try:
        value = field.parser()(example)
    except ValueError as exc:
        return [f"the example {example!r} is not a value of this field: {exc}"]
    return [
        f"the example breaks the field's own constraints: {why}"
        for _, _, why in broken_constraints(field, value)
    ]


def _foreign_key_problems(fk: Any, fields: set[str], resources: set[str]) -> list[str]:
    reference = fk.get("reference") if isinstance(fk, dict) else None
    if not isinstance(reference, dict) or not names(fk.get("fields")):
        return ["a foreign key needs fields and a reference"]
    view = ForeignKey.from_spec(fk, "")
    problems = [f"foreign key field {f!r} is not a field" for f in view.fields if f not in fields]
    if len(view.reference_fields) != len(view.fields):
        problems.append(f"foreign key {', '.join(view.fields)} needs as many reference fields as fields")
    if view.self_reference:
        problems += [
            f"foreign key reference field {f!r} is not a field"
            for f in view.reference_fields
            if f not in fields
        ]
    elif view.resource not in resources:
        problems.append(f"foreign key refers to unknown resource {view.resource!r}")
    return problems


def reference_problems(package: Package) -> list[Finding]:
    """Foreign keys to fields their resource does not have (each schema alone cannot tell)."""
    findings = []
    for resource in package.resources:
        for fk in package.view(resource["name"]).foreign_keys:
            target = package.view(fk.resource).field_names
            findings += [
                Finding(
                    resource["schema"],
                    None,
                    "invalid-schema",
                    f"{fk.resource} has no field {f!r} to refer to",
                )
                for f in fk.reference_fields
                if f not in target
            ]
    return findings


def _extension(key: str) -> bool:
    return key.startswith(EXTENSION_PREFIX)
