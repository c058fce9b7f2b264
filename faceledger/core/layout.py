"""File names every stage and the loader agree on: the descriptor, and where the bundled release data lives.

The bundle is the Parquet release folder byte for byte plus the canonical Table
Schemas in schema/ (the Parquet descriptor declares list fields `any` for
frictionless-py). This module imports nothing heavy: `import faceledger` reads it.
"""

from __future__ import annotations

from pathlib import Path

DESCRIPTOR = "datapackage.json"
PACKAGE_DATA = Path(__file__).resolve().parent.parent / "data"
# The release format the bundle carries: typed, compact and quick to read.
FORMAT = "parquet"
SCHEMA_DIR = "schema"
