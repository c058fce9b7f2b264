"""Where the release data bundled with the Python package lives, for the loader and the bundle writer.

The bundle is the Parquet release folder byte for byte plus the canonical Table
Schemas in schema/ (the Parquet descriptor declares list fields `any` for
frictionless-py). This module imports nothing heavy: `import faceledger` reads it.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent.parent / "data"
# The release format the bundle carries: typed, compact and quick to read.
FORMAT = "parquet"
SCHEMA_DIR = "schema"
