"""Reading datapackage.json and the Table Schemas it names, refusing what the reader cannot follow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.findings import Finding
from ..core.package import DESCRIPTOR
from ..core.schema import arrow_type, primary_key, read_json


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
