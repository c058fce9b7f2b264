"""The release data that ships inside the Python package, in faceledger/data/.

The bundle is the Parquet release folder byte for byte (its datapackage.json,
with bytes, sha256 hash and row count per resource, and the Parquet files) plus
the canonical Table Schemas in schema/, because the Parquet descriptor has to
declare list fields `any` for frictionless-py. faceledger/data/ is generated,
never committed: `faceledger build` refreshes it in a source checkout, and the
wheel's build hook (hatch_build.py) builds it afresh for every wheel.

The loader imports this module, so at module level it imports nothing that
`import faceledger` can do without.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .assembly import Package

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
# The release format the bundle carries: typed, compact and quick to read.
FORMAT = "parquet"
SCHEMA_DIR = "schema"


class StaleSource(Exception):
    """The repository's dataset/ or datapackage.json is out of date with its seeds and schemas."""


def source_bundle(root: Path) -> Path | None:
    """Where the package data goes when `root` is a source checkout holding the faceledger package."""
    package_dir = root / PACKAGE_DATA.parent.name
    return package_dir / PACKAGE_DATA.name if (package_dir / "__init__.py").is_file() else None


def write_bundle(package: Package, release: Path, target: Path) -> Path:
    """Copy the release's Parquet folder and the Table Schemas to `target`, replacing it whole."""
    import shutil

    from .release import staged_folder

    with staged_folder(target) as staging:
        shutil.copytree(release / FORMAT, staging, dirs_exist_ok=True)
        (staging / SCHEMA_DIR).mkdir()
        for resource in package.resources:
            schema = staging / SCHEMA_DIR / f"{resource['name']}.json"
            shutil.copyfile(package.root / resource["schema"], schema)
    return target


def build_bundle(root: Path, target: Path) -> Path:
    """Build the bundle for the repository at `root` into `target`, writing nothing else.

    Unlike `faceledger build` this never rewrites the repository: a wheel must
    carry what the repository says, so a stale dataset/ is an error here.
    Raises BuildFailed for input errors and StaleSource for a stale checkout.
    """
    import tempfile

    from .build import build
    from .release import write_release

    result = build(root, check=True)
    if result.changed:
        raise StaleSource(
            f"{', '.join(result.changed)} out of date with seeds/ and schema/ in {root}: "
            "run `faceledger build` and commit the result before building a wheel"
        )
    with tempfile.TemporaryDirectory(prefix="faceledger-release-") as dist:
        release = write_release(result.package, Path(dist))
        return write_bundle(result.package, release, target)
