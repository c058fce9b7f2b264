"""The generated files a repository commits: derived CSV parts, datapackage.json, the docs, the citation files.

The docs are the data dictionary and the finding-code tables in README.md and docs/facts.md.
The committed datapackage.json records no bytes or hashes: the curated files are edited by
hand, and a checksum of each would be stale after every edit and conflict on every merge.
Each release's descriptor computes its own (release_folder.py).

Each derived resource is written as parts, one per shard of its rows (core/layout.py), and
its `path` in datapackage.json lists the parts that have rows, in sorted order. A release
still writes each resource as one file: only the repository's layout is split.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..core.files import dump_json
from ..core.findings import BuildFailed, Finding
from ..core.layout import DESCRIPTOR, EMPTY_SHARD, SHARD_DIGITS, part_folder, part_path
from ..core.package import DERIVED, Package
from ..core.safe_read import inside, unsafe, way_out
from ..ingest.descriptor import CHECKSUMS
from . import citation, codes_doc, dictionary
from .cache import RenderCache, table_rendered
from .exporters import csv as csv_exporter


def repository_files(package: Package, cache: RenderCache | None = None) -> dict[str, bytes]:
    """The bytes dataset/, datapackage.json and the generated docs should hold for this package.

    A part whose rows `cache` (publish/cache.py) rendered before is taken from it: after one
    seed is edited, one part of each derived resource is rendered again, not all of them.
    """
    problems = _folder_problems(package.root)
    if problems:
        raise BuildFailed(problems)
    files: dict[str, bytes] = {}
    listed: dict[str, list[str]] = {}
    for name in DERIVED:
        key = package.view(name).primary_key[0]
        schema = package.schemas[name]
        for part, rows in split(package.tables[name].data, key).items():
            render = partial(csv_exporter.render, schema=schema)
            files[part_path(name, part)] = table_rendered(cache, "repository part", schema, rows, render)
        listed[name] = sorted(rel for rel in files if rel.startswith(part_folder(name) + "/"))
    descriptor = dict(package.descriptor)
    descriptor["resources"] = [
        {k: v for k, v in resource.items() if k not in CHECKSUMS} | _parts(resource, listed)
        for resource in package.resources
    ]
    files[DESCRIPTOR] = dump_json(descriptor)
    files[dictionary.PATH] = dictionary.render(descriptor, package.schemas).encode("utf-8")
    files.update(codes_doc.pages(package.root))
    files.update(citation.files(descriptor, package.root))
    problems = _links_out(package.root, files)
    if problems:
        raise BuildFailed(problems)
    return files


def _parts(resource: dict[str, Any], listed: dict[str, list[str]]) -> dict[str, Any]:
    """A derived resource's `path`, the parts it is written as; nothing for a curated one."""
    return {"path": listed[resource["name"]]} if resource["name"] in listed else {}


def split(table: pa.Table, key: str) -> dict[str, pa.Table]:
    """The table's rows by shard of their `key`, each in the table's order; one empty part if it has none."""
    if table.num_rows == 0:
        return {EMPTY_SHARD: table}
    of_rows = shards(table.column(key))
    # A stable sort: each part's rows keep the table's order.
    order = pc.sort_indices(of_rows)
    counts = pc.value_counts(of_rows)
    parts = sorted(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True))
    split_rows: dict[str, pa.Table] = {}
    start = 0
    for part, count in parts:
        split_rows[part] = table.take(order.slice(start, count))
        start += count
    return split_rows


# shard() for a column: the characters after the first hyphen (any character, newlines too).
_SHARD = f"(?s)-(?P<part>.{{0,{SHARD_DIGITS}}})"


def shards(keys: pa.ChunkedArray) -> pa.ChunkedArray:
    """core/layout.py shard() of every key at once; "" for a missing key, as for one with no hyphen."""
    found = pc.extract_regex(keys.cast(pa.string()), _SHARD)
    return pc.fill_null(pc.struct_field(found, [0]), "")


def stale_files(package: Package, files: dict[str, bytes]) -> list[str]:
    """The files whose committed bytes differ from `files`, and the generated files that should go.

    Those are a derived resource's parts that no longer have rows, and its single file from
    before the repository kept parts (dataset/<resource>.csv): `faceledger build` removes
    them, `build --check` reports them.
    """
    root = package.root
    stale = [rel for rel, data in files.items() if not _holds(root, rel, data)]
    return sorted(stale + [rel for rel in _generated(package) if rel not in files])


def _holds(root: Path, rel: str, data: bytes) -> bool:
    """Whether the file at `rel` holds `data`: one that is not a regular file inside the repository never does.

    Such a file (a link out of the repository, a FIFO) is not read but replaced: the build's
    rename puts a regular file in its place and leaves whatever it pointed to alone.
    """
    path = root / rel
    if unsafe(root, rel) is not None or not path.is_file():
        return False
    return path.stat().st_size == len(data) and path.read_bytes() == data


def _folder_problems(root: Path) -> list[Finding]:
    """A derived resource's part folder the build must not write into: a link, a file, or a way out."""
    findings = []
    for name in DERIVED:
        rel = part_folder(name)
        path = root / rel
        if path.is_symlink() or not inside(root, path) or (path.exists() and not path.is_dir()):
            what = "a symbolic link" if path.is_symlink() else "not a folder of the repository"
            message = f"{what}: the build writes the parts of {name} here; remove it and build again"
            findings.append(Finding(rel, None, "unsafe-file", message))
    return findings


def _links_out(root: Path, files: dict[str, bytes]) -> list[Finding]:
    """A folder the build writes a file into that a link takes outside the repository (a committed docs -> /elsewhere)."""
    found: dict[Path, str] = {}
    # A folder per distinct parent: at a million documents the parts are hundreds of files in three folders.
    firsts: dict[Path, str] = {}
    for rel in sorted(files):
        firsts.setdefault((root / rel).parent, rel)
    for folder, rel in firsts.items():
        out = way_out(root, folder)
        if out is not None:
            found.setdefault(out, rel)
    return [
        Finding(
            str(out.relative_to(root)),
            None,
            "unsafe-file",
            f"a symbolic link that leads outside the repository (to {out.resolve()}): the build writes {rel} there; remove the link",
        )
        for out, rel in found.items()
    ]


def _generated(package: Package) -> set[str]:
    """The derived resources' files the repository holds now: parts in their folders, and the old single files."""
    root = package.root
    found: set[str] = set()
    for name in DERIVED:
        folder = root / part_folder(name)
        if folder.is_dir() and not folder.is_symlink():
            found |= {f"{part_folder(name)}/{p.name}" for p in folder.iterdir() if _part_file(p)}
        legacy = f"{part_folder(name)}.csv"
        if (root / legacy).is_file():
            found.add(legacy)
    return found


def _part_file(path: Path) -> bool:
    """A part a build may have written: a CSV that is no staging leftover (a link is removed, not followed)."""
    return path.suffix == ".csv" and not path.name.startswith(".") and (path.is_symlink() or path.is_file())
