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
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from ..core.files import dump_json, sha256_file, staged_folder
from ..core.layout import DESCRIPTOR, UNMEASURED_BYTES
from ..core.package import Package
from . import croissant, sqlite_db
from .cache import RenderCache
from .checksums import write_checksums
from .database_process import DatabaseProcess
from .exporters import EXPORTERS, Exporter
from .zips import Zips

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
        rows = package.tables[name].data.num_rows
        entry = {
            k: v
            for k, v in resource.items()
            if k not in ("path", "schema", "bytes", "hash", UNMEASURED_BYTES)
        }
        entry.update(
            {
                "path": path.name,
                "type": "table",
                "format": exporter.FORMAT,
                "mediatype": exporter.MEDIATYPE,
                **exporter.descriptor_extras(rows),
                "bytes" if exporter.MEASURED else UNMEASURED_BYTES: path.stat().st_size,
                "hash": "sha256:" + sha256_file(path),
                # frictionless checks `rows` too; loaders and readers can check completeness with it.
                "rows": rows,
                "schema": exporter.descriptor_schema(schema),
            }
        )
        resources.append(entry)
    descriptor["resources"] = resources
    return descriptor


def write_format(
    package: Package, exporter: Exporter, folder: Path, cache: RenderCache | None = None
) -> None:
    folder.mkdir(parents=True)
    for resource in package.resources:
        name = resource["name"]
        path = folder / f"{name}{exporter.SUFFIX}"
        exporter.write(package.tables[name].data, package.schemas[name], path, cache)
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
    changes: bytes | Callable[[], bytes],
    stamp: datetime,
    pending: Mapping[str, bytes] | None = None,
    cache: RenderCache | None = None,
    meanwhile: Callable[[], None] | None = None,
    database: DatabaseProcess | None = None,
) -> None:
    """Write the release called `name` into the empty `folder`; `changes` is changes.csv, or what makes it.

    `pending` holds repository files a build has staged but not yet put in place
    (the data dictionary, CHANGELOG.md): the release carries those bytes. What is
    in `cache` (publish/cache.py) is not made again; the bytes are the same.
    `meanwhile` is called once every format folder is written, while the database and
    the zips are still being made (the build renders the site's pages then); it must not
    write into `folder`, whose SHA256SUMS comes after it. `database`, if given, is the
    process that writes sqlite/ (publish/database_process.py); else a thread here does.
    """
    pending = pending or {}
    cache = cache or RenderCache()
    zips = Zips(folder, name, stamp, cache, workers=len(FOLDERS))
    beside = threading.Event()
    try:
        # The database and its zip take longest, mostly in SQLite and zlib, which let go of the
        # interpreter: they are started first, while the rest is written (the database, given
        # `database`, by a process of its own).
        database_folder = folder / sqlite_db.FORMAT
        if database is None:
            zips.add(sqlite_db.FORMAT, partial(sqlite_db.write, package, database_folder), after=beside)
        else:
            zips.add(sqlite_db.FORMAT, database.start(package, database_folder), after=beside)
        # Then the files every zip holds beside its format folder (changes.csv made meanwhile, when
        # `changes` is a function), so that each zip can start as soon as its folder is written.
        for source, target in RELEASE_EXTRAS:
            if source in pending:
                (folder / target).write_bytes(pending[source])
            elif (package.root / source).is_file():
                shutil.copyfile(package.root / source, folder / target)
        (folder / CHANGES).write_bytes(changes if isinstance(changes, bytes) else changes())
        beside.set()
        for exporter in EXPORTERS.values():
            write_format(package, exporter, folder / exporter.FORMAT, cache)
            zips.add(exporter.FORMAT)
        if meanwhile is not None:
            meanwhile()
    finally:
        beside.set()  # a failure above must not leave the database's zip waiting for ever
        zips.wait()
    # After the zips, and in none of them: it describes the whole release, not one zip's share.
    croissant.write(folder, list(FOLDERS), stamp)
    write_checksums(folder)
