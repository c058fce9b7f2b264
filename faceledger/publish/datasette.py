"""sqlite/metadata.json: what Datasette shows beside the tables, from the descriptor and the schemas.

`datasette faceledger.db --metadata metadata.json` then gives the package's title,
licence and source on every page, each table's description, and each column's
description under its name. Datasette names the database after the file: the
tables are at /faceledger/<resource>.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.package import Package

METADATA = "metadata.json"
DATABASE = "faceledger"


def metadata(
    package: Package, descriptions: str, view: str, search: Mapping[str, tuple[str, ...]]
) -> dict[str, Any]:
    """Datasette's metadata for the database sqlite_db.py writes (its descriptions table and view named)."""
    descriptor = package.descriptor
    licence = (descriptor.get("licenses") or [{}])[0]
    about: dict[str, Any] = {
        "title": descriptor.get("title") or descriptor.get("name", ""),
        "description": descriptor.get("description", ""),
        "license": licence.get("title") or licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": f"{descriptor.get('name', '')} {package.version}: the Table Schemas, quotes and sources",
        "source_url": descriptor.get("homepage", ""),
    }
    tables: dict[str, Any] = {}
    for resource in package.resources:
        name = resource["name"]
        schema = package.view(name)
        table: dict[str, Any] = {
            "title": resource.get("title", name),
            "description": schema.description,
            "columns": {f.name: f.description for f in schema.fields},
        }
        if name in search:
            table["fts_table"] = f"{name}_fts"
        tables[name] = table
    tables[descriptions] = {
        "title": "Field descriptions",
        "description": "Every column of every resource table, with its Table Schema type and description, "
        "for SQLite clients that do not read this metadata.",
    }
    if view_possible(package):
        tables[view] = {
            "title": "Contracts with their sources",
            "description": "Each contract once per quote cited for it: the contract's columns, then the "
            "quote (evidence_*), then the document it is quoted from (document_*).",
        }
    return {**{k: v for k, v in about.items() if v}, "databases": {DATABASE: {"tables": tables}}}


def view_possible(package: Package) -> bool:
    return {"contracts", "evidence", "documents"} <= package.tables.keys()
