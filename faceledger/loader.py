"""Reading the data bundled with the package: `faceledger.load("documents")` and friends.

Everything is generic over the resources the bundled datapackage.json lists.
Only the standard library is imported at module level so that `import
faceledger` stays fast; pyarrow, pandas, polars and frictionless are imported
by the call that needs them.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from .core import layout
from .core.layout import DESCRIPTOR

if TYPE_CHECKING:
    import frictionless
    import pyarrow as pa

Flavour = Literal["arrow", "pandas", "polars"]
# The optional extra that installs each flavour's library.
EXTRAS = {"pandas": "pandas", "polars": "polars"}

# Where the data is read from; tests point this at a bundle they build.
DATA = layout.PACKAGE_DATA


class UnknownResource(KeyError):
    """No resource of that name; the message lists the names there are."""

    def __init__(self, name: str, valid: list[str]):
        super().__init__(f"no resource named {name!r}; the resources are: {', '.join(valid)}")
        self.name = name
        self.valid = valid

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


class MissingExtra(ImportError):
    """The library for the requested flavour is not installed."""


class DataNotBuilt(FileNotFoundError):
    """The package has no bundled data: a source checkout where `faceledger build` has not run."""


def data_dir(version: str | None = None) -> Path:
    """The bundled data's folder; with `version`, that published release's Parquet folder (remote/).

    A version is downloaded, checked against its SHA256SUMS and cached the first time, then read
    from the cache, offline too.
    """
    if version is None:
        return DATA
    # The one call from the API into a command's module, and only when a version is asked for:
    # remote/ checks the download with verify's code (tests/import_graph.py API_CALLS).
    from .remote import fetch

    return fetch(version)


def descriptor(version: str | None = None) -> dict[str, Any]:
    """The bundled datapackage.json (the Parquet release's descriptor), or that of release `version`."""
    return _descriptor_at(data_dir(version))


def _descriptor_at(folder: Path) -> dict[str, Any]:
    import json  # not at module level: it and the re module it imports are most of `import faceledger`

    path = folder / DESCRIPTOR
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    except FileNotFoundError:
        raise DataNotBuilt(
            f"no bundled data in {path.parent}: in a source checkout (editable install), "
            "run `faceledger build` to create it"
        ) from None


def version() -> str:
    """The dataset version, which is also the package version."""
    try:
        return str(descriptor()["version"])
    except DataNotBuilt:
        from importlib.metadata import version as installed_version

        return installed_version("faceledger")


def resources(version: str | None = None) -> list[str]:
    """Names of the bundled resources (or release `version`'s), in datapackage.json order."""
    return [r["name"] for r in descriptor(version)["resources"]]


def resource(name: str, version: str | None = None) -> dict[str, Any]:
    """The descriptor entry of one resource (path, bytes, hash, rows, schema)."""
    return _resource_at(data_dir(version), name)


def _resource_at(folder: Path, name: str) -> dict[str, Any]:
    entries = _descriptor_at(folder)["resources"]
    for entry in entries:
        if entry["name"] == name:
            found: dict[str, Any] = entry
            return found
    raise UnknownResource(name, [r["name"] for r in entries])


def path(name: str, version: str | None = None) -> Path:
    """The Parquet file of a resource, for tools that read Parquet themselves (DuckDB, polars)."""
    return _file_at(data_dir(version), name)


def _file_at(folder: Path, name: str) -> Path:
    return folder / str(_resource_at(folder, name)["path"])


def schema(name: str, version: str | None = None) -> dict[str, Any]:
    """The resource's Table Schema: fields with types and descriptions, primary and foreign keys."""
    folder = data_dir(version)
    _resource_at(folder, name)
    return _schema_at(folder, name, None)


def _schema_at(folder: Path, name: str, metadata: dict[bytes, bytes] | None) -> dict[str, Any]:
    """The canonical schema in the bundle's schema/ folder; a release, which has none, holds it in
    each Parquet file's metadata (exporters/parquet.py): `metadata`, or read from the file."""
    import json

    canonical = folder / layout.SCHEMA_DIR / f"{name}.json"
    if folder == DATA:
        table_schema: dict[str, Any] = json.loads(canonical.read_text(encoding="utf-8"))
        return table_schema
    if metadata is None:
        import pyarrow.parquet as pq

        metadata = pq.read_schema(_file_at(folder, name)).metadata
    embedded: dict[str, Any] = json.loads(metadata[b"frictionless:schema"])
    return embedded


def info() -> dict[str, Any]:
    """The installed dataset at a glance: version, data folder, and each resource's rows and file."""
    entries = descriptor()["resources"]
    return {
        "version": version(),
        "data": str(data_dir()),
        "resources": [
            {
                "name": r["name"],
                "title": r.get("title", ""),
                "rows": r.get("rows"),
                "path": str(path(r["name"])),
            }
            for r in entries
        ],
    }


def library(flavour: str) -> Any:
    """The module that turns Arrow tables into `flavour` frames, imported now."""
    flavours = get_args(Flavour)
    if flavour not in flavours:
        raise ValueError(f"as_ must be one of {', '.join(map(repr, flavours))}, not {flavour!r}")
    if flavour == "arrow":
        return None
    try:
        return importlib.import_module(flavour)
    except ImportError as exc:
        extra = EXTRAS[flavour]
        raise MissingExtra(
            f"as_={flavour!r} needs {flavour}, which is not installed: pip install 'faceledger[{extra}]'"
        ) from exc


def convert(table: pa.Table, flavour: str) -> Any:
    module = library(flavour)
    if flavour == "pandas":
        return table.to_pandas()
    if flavour == "polars":
        return module.from_arrow(table)
    return table


def read(name: str, version: str | None = None) -> pa.Table:
    # ParquetFile rather than pq.read_table: read_table imports pyarrow.dataset, which
    # costs about 0.3 s the first time and buys nothing for one local file.
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .core.schema import arrow_schema

    folder = data_dir(version)
    with pq.ParquetFile(_file_at(folder, name)) as handle:
        table = handle.read()
    metadata = table.schema.metadata or {}
    target = arrow_schema(_schema_at(folder, name, metadata)).with_metadata(metadata)
    if table.schema.equals(target, check_metadata=True):
        return table
    # Parquet readers call list items "element": relabel them as the Table Schema's Arrow types do.
    # A zero-copy view, where Table.cast would import pyarrow.compute (about 50 ms) to do the same.
    columns = [
        pa.chunked_array([chunk.view(field.type) for chunk in table.column(i).chunks], type=field.type)
        for i, field in enumerate(target)
    ]
    return pa.Table.from_arrays(columns, schema=target)


def load(name: str, *, as_: Flavour = "arrow", version: str | None = None) -> Any:
    """One resource as an Arrow table (default), a pandas DataFrame or a polars DataFrame.

    Without `version`, the data bundled with the package: offline, always. With one, that
    published release (remote.fetch): downloaded and checked the first time, from the cache after.
    """
    library(as_)  # a missing extra fails before any reading
    return convert(read(name, version), as_)


def package() -> frictionless.Package:
    """A frictionless Package over the bundled datapackage.json and Parquet files."""
    try:
        import frictionless
    except ImportError:
        raise MissingExtra(
            "faceledger.package() needs frictionless: pip install 'faceledger[build]'"
        ) from None

    return frictionless.Package(str(data_dir() / DESCRIPTOR))
