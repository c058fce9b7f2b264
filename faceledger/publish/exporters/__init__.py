"""Release formats: one module per format, each implementing the Exporter protocol.

Adding a format means adding a module beside these and naming it in EXPORTERS;
the release writer, `faceledger export` and the docs take it from there.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ...core.schema import TableSchema
from ..cache import RenderCache
from . import csv, json, parquet

if TYPE_CHECKING:
    import pyarrow as pa


class Exporter(Protocol):
    """What the release writer needs of a format (a module satisfies it with module-level names)."""

    FORMAT: str  # the format's folder in a release, and its name on the command line
    SUFFIX: str
    MEDIATYPE: str
    # Whether frictionless-py measures the file's bytes as it reads it. When it cannot, the descriptor
    # records the size as UNMEASURED_BYTES instead of `bytes`, which frictionless would call wrong.
    MEASURED: bool

    def write(
        self, table: pa.Table, schema: TableSchema, path: Path, cache: RenderCache | None = None
    ) -> None:
        """Write one resource's table to `path`, the same bytes for the same table (and any `cache`)."""

    def descriptor_extras(self, rows: int) -> dict[str, Any]:
        """Properties the format adds to (or sets in) a resource of `rows` rows in its datapackage.json."""

    def descriptor_schema(self, schema: TableSchema) -> TableSchema:
        """The Table Schema as the format's datapackage.json declares it, for frictionless readers."""


# In the order release folders are written and listed.
EXPORTERS: dict[str, Exporter] = {"csv": csv, "parquet": parquet, "json": json}
