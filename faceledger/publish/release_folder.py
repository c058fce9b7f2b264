"""Writing a release folder: each format as a self-contained data package, plus SHA256SUMS.

The release is written to a staging folder beside its destination and
renamed into place, so a failed or interrupted build never leaves a partial
release behind; `faceledger build` stages it with the rest of its outputs and
puts them in place together (core/transaction.py).

Beside the format folders: changes.csv (what changed since the previous
release, by resource and key), one zip per format holding that folder and the
files that travel with it, croissant.json (the release in MLCommons Croissant),
and SHA256SUMS over everything. The writer decides nothing: the caller hands it
the changes and the time to stamp the zips with.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.files import dump_json, sha256_file, staged_folder
from ..core.layout import DESCRIPTOR
from ..core.package import Package
from . import croissant, sqlite_db
from .checksums import write_checksums
from .exporters import EXPORTERS, Exporter
from .zips import write_zips

# Files from the repository that travel with every release: (repository path, release path).
RELEASE_EXTRAS = (
    ("CHANGELOG.md", "CHANGELOG.md"),
    ("LICENSE-DATA", "LICENSE-DATA"),
    ("docs/data-dictionary.md", "data-dictionary.md"),
)
CHANGES = "changes.csv"
# The release's format folders, each with its datapackage.json and its zip: one per exporter, and
# sqlite/, whose one database holds every resource (publish/sqlite_db.py).
FOLDERS = (*EXPORTERS, sqlite_db.FORMAT)


def release_name(package: Package) -> str:
    return f"faceledger-{package.version}"


def format_descriptor(package: Package, exporter: Exporter, folder: Path) -> dict[str, Any]:
    descriptor = {k: v for k, v in package.descriptor.items() if k != "resources"}
    resources = []
    for resource in package.resources:
        name = resource["name"]
        path = folder / f"{name}{exporter.SUFFIX}"
        schema = package.schemas[name]
        entry = {k: v for k, v in resource.items() if k not in ("path", "schema", "bytes", "hash")}
        entry.update(
            {
                "path": path.name,
                "type": "table",
                "format": exporter.FORMAT,
                "mediatype": exporter.MEDIATYPE,
                **exporter.descriptor_extras(),
                "bytes": path.stat().st_size,
                "hash": "sha256:" + sha256_file(path),
                # frictionless checks `rows` too; loaders and readers can check completeness with it.
                "rows": package.tables[name].data.num_rows,
                "schema": exporter.descriptor_schema(schema),
            }
        )
        resources.append(entry)
    descriptor["resources"] = resources
    return descriptor


def write_format(package: Package, exporter: Exporter, folder: Path) -> None:
    folder.mkdir(parents=True)
    for resource in package.resources:
        name = resource["name"]
        exporter.write(package.tables[name].data, package.schemas[name], folder / f"{name}{exporter.SUFFIX}")
    (folder / DESCRIPTOR).write_bytes(dump_json(format_descriptor(package, exporter, folder)))


def write_release(package: Package, dist: Path, changes: bytes, stamp: datetime) -> Path:
    """Write the release under `dist`; `changes` is changes.csv, `stamp` the zip entries' time."""
    final = dist / release_name(package)
    with staged_folder(final) as staging:
        fill_release(package, staging, final.name, changes, stamp)
    return final


def fill_release(
    package: Package,
    folder: Path,
    name: str,
    changes: bytes,
    stamp: datetime,
    pending: Mapping[str, bytes] | None = None,
) -> None:
    """Write the release called `name` into the empty `folder`.

    `pending` holds repository files a build has staged but not yet put in place
    (the data dictionary, CHANGELOG.md): the release carries those bytes.
    """
    pending = pending or {}
    for exporter in EXPORTERS.values():
        write_format(package, exporter, folder / exporter.FORMAT)
    sqlite_db.write(package, folder / sqlite_db.FORMAT)
    for source, target in RELEASE_EXTRAS:
        if source in pending:
            (folder / target).write_bytes(pending[source])
        elif (package.root / source).is_file():
            shutil.copyfile(package.root / source, folder / target)
    (folder / CHANGES).write_bytes(changes)
    write_zips(folder, list(FOLDERS), name, stamp)
    # After the zips, and in none of them: it describes the whole release, not one zip's share.
    croissant.write(folder, list(FOLDERS), stamp)
    write_checksums(folder)
