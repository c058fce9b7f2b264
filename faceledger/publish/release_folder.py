"""Writing a release: each format as a self-contained data package, plus SHA256SUMS.

The release is written to a temporary folder beside its destination and
renamed into place, so a failed or interrupted build never leaves a partial
release behind.

Beside the format folders: changes.csv (what changed since the previous
release, by resource and key), one zip per format holding that folder and the
files that travel with it, and SHA256SUMS over everything. Nothing depends on
the clock: zip entries are dated SOURCE_DATE_EPOCH when it is set, else the
version's date in CHANGELOG.md, else 1980-01-01, the earliest date a zip holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import changelog
from .assembly import Package
from .diff import Diff, changes_csv, compare
from .exporters import EXPORTERS
from .findings import BuildFailed, Finding
from .snapshots import Snapshot, from_package

# Files from the repository that travel with every release: (repository path, release path).
RELEASE_EXTRAS = (
    ("CHANGELOG.md", "CHANGELOG.md"),
    ("LICENSE-DATA", "LICENSE-DATA"),
    ("docs/data-dictionary.md", "data-dictionary.md"),
)
CHANGES = "changes.csv"
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dump_json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def release_name(package: Package) -> str:
    return f"faceledger-{package.version}"


def format_descriptor(package: Package, exporter: Any, folder: Path) -> dict[str, Any]:
    descriptor = {k: v for k, v in package.descriptor.items() if k != "resources"}
    resources = []
    for resource in package.resources:
        name = resource["name"]
        path = folder / f"{name}{exporter.SUFFIX}"
        schema = package.schemas[name]
        adjust = getattr(exporter, "descriptor_schema", None)
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
                "schema": adjust(schema) if adjust else schema,
            }
        )
        resources.append(entry)
    descriptor["resources"] = resources
    return descriptor


def write_format(package: Package, exporter: Any, folder: Path) -> None:
    folder.mkdir(parents=True)
    for resource in package.resources:
        name = resource["name"]
        exporter.write(package.tables[name].data, package.schemas[name], folder / f"{name}{exporter.SUFFIX}")
    (folder / "datapackage.json").write_bytes(dump_json(format_descriptor(package, exporter, folder)))


def write_checksums(folder: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{sha256_file(p)}  {p.relative_to(folder).as_posix()}\n" for p in files]
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH as a time, when set (the reproducible-builds convention)."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError):
        message = f"{value!r} is not a time in whole seconds since 1970-01-01 UTC"
        raise BuildFailed([Finding("SOURCE_DATE_EPOCH", None, "invalid-epoch", message)]) from None


def release_time(package: Package) -> datetime:
    """The time stamped on zip entries: never the clock, so that rebuilds give the same bytes."""
    stamp = source_date_epoch()
    if stamp is None and (package.root / "CHANGELOG.md").is_file():
        day = changelog.release_date(
            (package.root / "CHANGELOG.md").read_text(encoding="utf-8"), package.version
        )
        stamp = datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
    return max(stamp or ZIP_EPOCH, ZIP_EPOCH)


def write_zip(folder: Path, fmt: str, release: str, stamp: datetime) -> None:
    """<release>-<format>.zip: the format folder and the files beside it, in a fixed order."""
    name = f"{release}-{fmt}"
    members = sorted(
        (p.relative_to(folder / fmt).as_posix(), p) for p in (folder / fmt).rglob("*") if p.is_file()
    )
    members += sorted((p.name, p) for p in folder.iterdir() if p.is_file() and p.suffix != ".zip")
    with zipfile.ZipFile(folder / f"{name}.zip", "w") as archive:
        for arcname, path in members:
            info = zipfile.ZipInfo(f"{name}/{arcname}", date_time=stamp.timetuple()[:6])
            info.create_system = 3  # unix, whatever system builds it
            info.external_attr = 0o100644 << 16
            # zlib's default level: level 9 took 1.5x as long for zips 0-2% smaller.
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())


def write_release(package: Package, dist: Path, changes: Diff | None = None) -> Path:
    """Write the release; `changes` is the diff from the previous release (else everything is new)."""
    final = dist / release_name(package)
    stamp = release_time(package)
    if changes is None:
        changes = compare(Snapshot("no earlier release"), from_package(package))
    with staged_folder(final) as staging:
        for exporter in EXPORTERS:
            write_format(package, exporter, staging / exporter.FORMAT)
        for source, target in RELEASE_EXTRAS:
            if (package.root / source).is_file():
                shutil.copyfile(package.root / source, staging / target)
        (staging / CHANGES).write_bytes(changes_csv(changes))
        for exporter in EXPORTERS:
            write_zip(staging, exporter.FORMAT, final.name, stamp)
        write_checksums(staging)
    return final


@contextmanager
def staged_folder(final: Path) -> Iterator[Path]:
    """A new folder beside `final` that replaces it when the block succeeds and is removed when it fails."""
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        yield staging
        staging.chmod(0o755)
        replace_folder(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def replace_folder(new: Path, final: Path) -> None:
    """Move `new` to `final`, replacing what was there with two renames."""
    if not final.exists():
        new.rename(final)
        return
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)
