"""The release data that ships inside the Python package, in faceledger/data/ (see core/layout.py).

faceledger/data/ is generated, never committed: `faceledger build` refreshes it
in a source checkout, and the wheel's build hook (hatch_build.py) builds it
afresh for every wheel.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..core.files import staged_folder
from ..core.layout import FORMAT, PACKAGE_DATA, SCHEMA_DIR
from ..core.package import Package


def source_bundle(root: Path) -> Path | None:
    """Where the package data goes when `root` is a source checkout holding the faceledger package."""
    package_dir = root / PACKAGE_DATA.parent.name
    return package_dir / PACKAGE_DATA.name if (package_dir / "__init__.py").is_file() else None


def write_bundle(package: Package, release: Path, target: Path) -> Path:
    """Copy the release's Parquet folder and the Table Schemas to `target`, replacing it whole."""
    with staged_folder(target) as staging:
        fill_bundle(package, release, staging)
    return target


def fill_bundle(package: Package, release: Path, folder: Path) -> None:
    """Copy the release's Parquet folder and the Table Schemas into the empty `folder`."""
    shutil.copytree(release / FORMAT, folder, dirs_exist_ok=True)
    (folder / SCHEMA_DIR).mkdir()
    for resource in package.resources:
        schema = folder / SCHEMA_DIR / f"{resource['name']}.json"
        shutil.copyfile(package.root / resource["schema"], schema)
