"""`faceledger fmt`: write the curated CSVs in canonical form (ingest/canonical.py).

The curated CSVs are every resource in datapackage.json that is not derived from
seeds/ (core/package.py DERIVED). Canonical form is UTF-8 without a byte order
mark, LF line ends, minimal quoting and rows sorted by primary key, with each
cell's text kept as it is. A file that cannot be read as its schema's table is
reported and left alone; the others are written together, atomically
(core/files.py). With check=True nothing is written and each file not in
canonical form is an error.

`faceledger build` does not format: it never rewrites the files people edit, so
that what a contributor saved is what they commit, and `fmt` is the one command
that changes them (CONTRIBUTING.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .core.files import write_files
from .core.findings import Finding, errors
from .core.limits import CSV_BYTES, SCHEMA_BYTES
from .core.package import DERIVED
from .core.safe_read import UnsafeFile, read_bytes
from .core.schema import Schema
from .ingest.canonical import canonical
from .ingest.descriptor import check_schema, read_descriptor
from .ingest.tables import read_csv


@dataclass
class FmtResult:
    findings: list[Finding] = field(default_factory=list)
    # Each file not in canonical form, with how it differed: rewritten, or with check=True to be.
    formatted: dict[str, list[str]] = field(default_factory=dict)


def fmt(root: Path, check: bool = False) -> FmtResult:
    """Rewrite the curated CSVs of the repository at `root` in canonical form (with check, only report)."""
    descriptor, problems = read_descriptor(root)
    result = FmtResult(errors(problems))
    if descriptor is None:
        return result
    names = {r["name"] for r in descriptor["resources"]}
    files: dict[str, bytes] = {}
    for resource in descriptor["resources"]:
        if resource["name"] in DERIVED:
            continue
        view = _schema(root, resource, names, result.findings)
        if view is None:
            continue
        rel = resource["path"]
        path = root / rel
        table, problems = read_csv(resource["name"], path, rel, view, root)
        form = (
            canonical(read_bytes(root, rel, CSV_BYTES), list(view.primary_key)) if table is not None else None
        )
        if form is None or any(p.code in ("malformed-row", "malformed-csv") for p in problems):
            # Not readable as its table: say why, and leave it as it is.
            result.findings += errors(problems)
            continue
        if form.differences:
            result.formatted[rel] = form.differences
            files[rel] = form.data
            if check:
                message = f"not in canonical form: {'; '.join(form.differences)}; run `faceledger fmt`"
                result.findings.append(Finding(rel, None, "not-canonical", message, severity="error"))
    if files and not check:
        write_files(root, files)
    return result


def _schema(root: Path, resource: dict[str, Any], names: set[str], findings: list[Finding]) -> Schema | None:
    """The resource's Table Schema, or None (with the findings why) when it cannot be read."""
    rel = resource["schema"]
    try:
        raw = json.loads(read_bytes(root, rel, SCHEMA_BYTES))
    except UnsafeFile as exc:
        findings.append(exc.finding)
        return None
    except FileNotFoundError:
        findings.append(
            Finding(rel, None, "missing-file", f"schema of resource {resource['name']!r} not found")
        )
        return None
    except json.JSONDecodeError as exc:
        findings.append(Finding(rel, exc.lineno, "invalid-json", exc.msg))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        findings.append(Finding(rel, None, "invalid-json", f"the schema cannot be read as JSON: {exc}"))
        return None
    # Only what stops reading it: an undocumented field is validate's business, not fmt's.
    problems = [p for p in check_schema(rel, raw, names) if p.code == "invalid-schema"]
    findings += problems
    return None if problems else Schema.from_dict(raw, resource["name"])
