"""Writing a release: each format as a self-contained data package, plus SHA256SUMS.

The release is written to a temporary folder beside its destination and
renamed into place, so a failed or interrupted build never leaves a partial
release behind.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .exporters import EXPORTERS
from .package import Package

# Files from the repository that travel with every release: (repository path, release path).
RELEASE_EXTRAS = (
    ("CHANGELOG.md", "CHANGELOG.md"),
    ("LICENSE-DATA", "LICENSE-DATA"),
    ("docs/data-dictionary.md", "data-dictionary.md"),
)


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


def write_release(package: Package, dist: Path) -> Path:
    final = dist / release_name(package)
    with staged_folder(final) as staging:
        for exporter in EXPORTERS:
            write_format(package, exporter, staging / exporter.FORMAT)
        for source, target in RELEASE_EXTRAS:
            if (package.root / source).is_file():
                shutil.copyfile(package.root / source, staging / target)
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
