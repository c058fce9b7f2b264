"""File names every stage and the loader agree on: the descriptor, where the repository keeps its
derived tables' parts, and where the bundled release data lives.

The bundle is the Parquet release folder byte for byte plus the canonical Table
Schemas in schema/ (the Parquet descriptor declares list fields `any` for
frictionless-py). This module imports nothing heavy: `import faceledger` reads it.

A derived resource (core/package.py DERIVED) is committed as a multipart resource:
its `path` lists one CSV per shard, dataset/<resource>/<shard>.csv, where the shard
is the first SHARD_DIGITS hex digits of the document id that leads its primary key.
A document's rows therefore always sit in the same part, and adding a seed rewrites
the few parts its documents fall in rather than one file that grows with the
dataset. Every part carries the header: frictionless drops the first line of each
part after the first (so a headerless part would lose a row), and a part opened on
its own reads as a table. The parts in sorted order, headers after the first
dropped, are the table in its usual order.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

DESCRIPTOR = "datapackage.json"
# A release descriptor's name for a resource's size where `bytes` would mislead frictionless-py,
# which cannot measure some formats (Parquet) and reports a recorded `bytes` as wrong.
UNMEASURED_BYTES = "x-faceledger-bytes"
PACKAGE_DATA = Path(__file__).resolve().parent.parent / "data"
# The release format the bundle carries: typed, compact and quick to read.
FORMAT = "parquet"
SCHEMA_DIR = "schema"
DATASET = "dataset"
# 256 parts: at 1M documents of ~1.3 KB a row, about 5 MB per documents part (GitHub refuses
# files over 100 MB and warns above 50 MB). One more digit would give 4,096 mostly tiny files.
SHARD_DIGITS = 2
# The part a table with no rows keeps, header only: a Data Package `path` list cannot be empty.
EMPTY_SHARD = "0" * SHARD_DIGITS


def shard(key: str) -> str:
    """The part a row whose key is `key` belongs in: doc-6b2ffdc075ca2b3c -> 6b."""
    return key.partition("-")[2][:SHARD_DIGITS]


def part_folder(name: str) -> str:
    return f"{DATASET}/{name}"


def part_path(name: str, part: str) -> str:
    return f"{part_folder(name)}/{part}.csv"


def paths(resource: dict[str, Any]) -> list[str]:
    """The files a resource's `path` names: one, or each part of a multipart resource."""
    path = resource.get("path")
    return [path] if isinstance(path, str) else [p for p in path or [] if isinstance(p, str)]


def location(resource: dict[str, Any]) -> str:
    """The file a finding about a whole resource names: its path, or the folder of its parts."""
    found = paths(resource)
    if len(found) == 1 and isinstance(resource.get("path"), str):
        return found[0]
    folders = {posixpath.dirname(p) for p in found}
    return folders.pop() if len(folders) == 1 else str(resource.get("name", ""))
