"""A repository read into a Package: descriptor, Table Schemas, derived and curated tables.

Resources named in DERIVED are generated from seeds/; every other resource in
datapackage.json is curated and read from its CSV in dataset/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.collector import paused
from ..core.findings import Finding
from ..core.layout import location
from ..core.limits import CSV_BYTES, SCHEMA_BYTES
from ..core.package import DERIVED, Package, Table, Track
from ..core.safe_read import UnsafeFile, read_bytes
from . import settings, snapshot
from .background import Background
from .canonical import form_problems
from .descriptor import check_schema, read_descriptor, reference_problems
from .incremental import derived
from .seeds import seed_names
from .tables import read_table, table_from_rows

# From this many names in seeds/ the documents are made in a child process (when there is more
# than one job): below it they hold little memory, and the fork and hand-over cost more than that.
APART_FROM = 2_000


def _apart(root: Path) -> bool:
    """Whether to make the documents in a child: a large tree, with no snapshot of the last build.

    An edit patched into the snapshot (ingest/incremental.py) makes few objects, and handing
    the tables over would cost it more than it saves: at 100,000 documents about a second.
    """
    folder = settings.cache_folder(root)
    if folder is not None and (folder / snapshot.FILE).is_file():
        return False
    return len(seed_names(root / "seeds")) >= APART_FROM


def read_repository(root: Path, track: Track | None = None) -> Package:
    """The repository at `root` read into a Package: descriptor, schemas, documents and tables.

    What cannot be read is a finding on the package; checks/ takes it from here.
    """
    descriptor, findings = read_descriptor(root)
    if descriptor is None:
        return Package(root, {}, findings=findings)
    package = Package(root, descriptor, findings=findings)
    names = {r["name"] for r in package.resources}
    for resource in package.resources:
        rel = resource["schema"]
        try:
            schema = json.loads(read_bytes(root, rel, SCHEMA_BYTES))
        except FileNotFoundError:
            package.findings.append(
                Finding(rel, None, "missing-file", f"schema of resource {resource['name']!r} not found")
            )
            continue
        except UnsafeFile as exc:
            package.findings.append(exc.finding)
            continue
        except OSError as exc:
            package.findings.append(
                Finding(rel, None, "unreadable", f"the file cannot be read: {exc.strerror}")
            )
            continue
        except UnicodeDecodeError as exc:
            package.findings.append(Finding(rel, None, "not-utf8", f"byte {exc.start} is not valid UTF-8"))
            continue
        except json.JSONDecodeError as exc:
            package.findings.append(Finding(rel, exc.lineno, "invalid-json", exc.msg))
            continue
        problems = check_schema(rel, schema, names)
        package.findings += problems
        if not any(p.severity == "error" for p in problems):
            package.schemas[resource["name"]] = schema
    if len(package.schemas) < len(names):
        return package
    problems = reference_problems(package)
    if problems:
        package.findings += problems
        return package

    locations = {resource["name"]: location(resource) for resource in package.resources}

    def tabulate(name: str, rows: list[dict[str, Any]]) -> Table:
        return table_from_rows(name, rows, package.view(name), locations[name])

    fields = package.view("documents").field_names
    # Merging a feed makes millions of short-lived Python objects, and the allocator keeps most
    # of their memory, fragmented, for the rest of the build. In a child it goes back with the
    # child: at 100,000 documents the build's largest process then holds a fifth less (BENCHMARKS.md).
    with paused():
        documents, derived_tables = Background(
            derived, root, fields, tabulate, track, nested=True, apart=_apart(root)
        ).result()
    package.findings += documents.findings
    package.texts = documents.texts
    for resource in package.resources:
        name = resource["name"]
        view = package.view(name)
        if name in DERIVED:
            package.tables[name] = derived_tables[name]
        else:
            table, problems, lines = read_table(name, root / resource["path"], resource["path"], view, root)
            package.findings += problems
            if table is not None:
                package.tables[name] = table
                content = read_bytes(root, resource["path"], CSV_BYTES)
                package.findings += form_problems(table, content, view.primary_key, problems, lines)
    return package
