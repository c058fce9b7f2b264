"""The data package in memory: the nouns every stage passes along.

A Package is what ingest/ reads from a repository, what checks/ adds findings
to, and what publish/ writes out: the descriptor, one Table Schema and one
Arrow table per resource, and the findings so far.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .findings import Finding
from .layout import DESCRIPTOR
from .schema import Schema, TableSchema
from .tombstones import Successor

if TYPE_CHECKING:  # annotations only: pyarrow costs a tenth of a second to import
    import pyarrow as pa

# Resources generated from seeds/; every other resource is curated and read from dataset/.
DERIVED = ("documents", "document_links", "document_sources")
# What a repository needs in order to build; the rest (code, tests, docs prose) is not data.
REPOSITORY_PARTS = ("seeds", "schema", "dataset", "docs", DESCRIPTOR, "CHANGELOG.md", "LICENSE-DATA")
# Wraps a loop over (items, count) to show progress; the CLI passes one for large seed folders.
Track = Callable[[Iterable[Any], int], Iterable[Any]]


@dataclass
class Table:
    """A resource's rows as Arrow, with the file line each row came from."""

    name: str
    data: pa.Table
    path: str = ""
    lines: list[int] = field(default_factory=list)
    # Cells a finding has already reported (a bad value; every cell of a row that could not be
    # read), by row index. They are null in `data`, but unknown rather than empty: a check
    # that needs one says nothing, so that one bad cell is one finding, not one per consequence.
    unknown: dict[int, frozenset[str]] = field(default_factory=dict)

    def line(self, index: int) -> int | None:
        return self.lines[index] if index < len(self.lines) else None

    def known(self, index: int, *names: str) -> bool:
        """Whether the row's cells in `names` were all read."""
        return self.unknown.get(index, frozenset()).isdisjoint(names)

    def unsure(self, *names: str) -> bool:
        """Whether any row's cell in `names` is unknown."""
        return any(not cells.isdisjoint(names) for cells in self.unknown.values())


@dataclass
class Package:
    root: Path
    descriptor: dict[str, Any]
    schemas: dict[str, TableSchema] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    # The text each document can be quoted from (title, excerpt, body), by document_id.
    texts: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # Ids the last release published that this version lost without a tombstone, by (resource, id),
    # each with the row that evidently carries it on: a reference to one is told the id to use.
    successors: dict[tuple[str, str], Successor] = field(default_factory=dict)
    _views: dict[str, Schema] = field(default_factory=dict, repr=False, compare=False)

    def view(self, name: str) -> Schema:
        """The typed view of a resource's Table Schema, built once; `schemas` keeps the JSON as written."""
        raw = self.schemas[name]
        view = self._views.get(name)
        if view is None or view.raw is not raw:
            view = self._views[name] = Schema.from_dict(raw, name)
        return view

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", "0.0.0"))

    @property
    def resources(self) -> list[dict[str, Any]]:
        return list(self.descriptor.get("resources", []))

    def resource(self, name: str) -> dict[str, Any]:
        return next(r for r in self.resources if r.get("name") == name)


def copy_repository(source: Path, target: Path) -> Path:
    """Copy the parts of a repository a build reads, e.g. to build it somewhere else."""
    target.mkdir(parents=True, exist_ok=True)
    for part in REPOSITORY_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part)
        elif (source / part).exists():
            shutil.copyfile(source / part, target / part)
    return target
