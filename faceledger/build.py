"""`faceledger build`: refresh dataset/ and the descriptor, then write the release."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import dictionary, snapshots
from .assembly import DERIVED, DESCRIPTOR, Package, assemble
from .bundle import source_bundle, write_bundle
from .diff import Diff, compare
from .exporters import csv as csv_exporter
from .findings import BuildFailed, Finding, errors
from .release import dump_json, write_release


@dataclass
class BuildResult:
    package: Package
    release: Path | None = None
    bundle: Path | None = None
    changed: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    changes: Diff | None = None


def repository_files(package: Package) -> dict[str, bytes]:
    """The bytes dataset/ and datapackage.json should hold for this package."""
    files: dict[str, bytes] = {}
    for name in DERIVED:
        resource = package.resource(name)
        files[resource["path"]] = csv_exporter.render(package.tables[name].data, package.schemas[name])
    descriptor = dict(package.descriptor)
    resources = []
    for resource in package.resources:
        path = resource["path"]
        data = files[path] if path in files else (package.root / path).read_bytes()
        entry = {k: v for k, v in resource.items() if k not in ("bytes", "hash")}
        entry["bytes"] = len(data)
        entry["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        resources.append(entry)
    descriptor["resources"] = resources
    files[DESCRIPTOR] = dump_json(descriptor)
    files[dictionary.PATH] = dictionary.render(descriptor, package.schemas).encode("utf-8")
    return files


def stale_files(root: Path, files: dict[str, bytes]) -> list[str]:
    stale = []
    for rel, data in sorted(files.items()):
        path = root / rel
        if not path.is_file() or path.read_bytes() != data:
            stale.append(rel)
    return stale


def write_files(root: Path, files: dict[str, bytes], names: list[str]) -> None:
    """Write each file beside its destination first, then rename them all into place."""
    staged = []
    try:
        for rel in names:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{target.name}.tmp")
            temp.write_bytes(files[rel])
            staged.append((temp, target))
        for temp, target in staged:
            os.replace(temp, target)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)


def build(
    root: Path,
    dist: Path | None = None,
    check: bool = False,
    track: Callable[[Iterable[Any], int], Iterable[Any]] | None = None,
    previous: str | snapshots.Snapshot | None = None,
    package: Package | None = None,
) -> BuildResult:
    """Build from the repository at `root`.

    With `check`, write nothing and report the files that a build would change.
    Raises BuildFailed when the input has errors; nothing is written then.
    `previous` is the release that changes.csv is written against: a folder, a
    git ref or a snapshot; by default the latest release tag (see snapshots.last_release).
    `package` is the package already assembled from `root`, if the caller has it.
    """
    if package is None:
        package = assemble(root, track=track)
    if errors(package.findings):
        raise BuildFailed(package.findings)
    files = repository_files(package)
    changed = stale_files(root, files)
    result = BuildResult(package, changed=changed, findings=package.findings)
    if check:
        result.findings = [
            *package.findings,
            *(
                Finding(
                    rel,
                    None,
                    "stale",
                    "out of date with seeds/ and schema/: run `faceledger build` and commit the result",
                )
                for rel in changed
            ),
        ]
        return result
    if changed:
        write_files(root, files, changed)
    package.descriptor = json.loads(files[DESCRIPTOR])
    if not isinstance(previous, snapshots.Snapshot):
        previous = (
            snapshots.read(previous, root) if previous else snapshots.last_release(root, package.version)
        )
    result.changes = compare(previous, snapshots.from_package(package))
    # `faceledger release` and `diff --check-version` refuse these; a build only reports them.
    result.findings += [replace(problem, severity="warning") for problem in result.changes.problems]
    result.release = write_release(package, dist if dist is not None else root / "dist", result.changes)
    bundle = source_bundle(root)
    if bundle is not None:
        # A source checkout: refresh the data `import faceledger` loads (editable installs).
        result.bundle = write_bundle(package, result.release, bundle)
    return result
