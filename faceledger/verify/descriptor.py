"""A datapackage.json as verify reads it: the resources it records, each with a path, size and `hash`.

Whatever the descriptor holds (not JSON, `resources` a number, null or a list
of strings, paths that climb), the answer is findings, never an exception.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..core.findings import Finding
from ..core.layout import UNMEASURED_BYTES
from .measure import Measured, release_path, shown


@dataclass(frozen=True)
class Resource:
    path: str
    # As recorded: well-formed, `bytes` is a whole number and `hash` is "sha256:<hex>".
    bytes: object
    hash: object

    @property
    def size(self) -> int | None:
        """The recorded size, when it is one."""
        return self.bytes if type(self.bytes) is int and self.bytes >= 0 else None


def read_resources(data: bytes, where: str) -> tuple[list[Resource], list[Finding]]:
    """The resources of the descriptor `data` (named `where` in findings), and what is wrong with it."""
    try:
        descriptor = json.loads(data)
    except (ValueError, RecursionError) as exc:
        return [], [Finding(where, None, "invalid-descriptor", f"not valid JSON: {shown(str(exc))}")]
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        return [], [
            Finding(where, None, "invalid-descriptor", f"cannot read its resources: {shown(resources)}")
        ]
    found: dict[str, Resource] = {}
    findings = []
    for number, resource in enumerate(resources, start=1):
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(resource, dict):
            message = f"resource {number} is not an object: {shown(resource)}"
        elif not isinstance(path, str) or not release_path(path):
            message = f"resource path {shown(path)} is not a relative path"
        elif path in found:
            message = f"resource path {shown(path)} is listed twice"
        else:
            # A format frictionless-py cannot measure records its size under another name (Parquet):
            # the size is checked all the same, whichever name records it.
            size = resource["bytes"] if "bytes" in resource else resource.get(UNMEASURED_BYTES)
            found[path] = Resource(path, size, resource.get("hash"))
            continue
        findings.append(Finding(where, None, "invalid-descriptor", message))
    return list(found.values()), findings


def check_resource(resource: Resource, measured: Measured | None, name: str, where: str) -> list[Finding]:
    """The file `name` (measured, or None when it is not there) against what `where` records for it."""
    if measured is None:
        return [Finding(name, None, "missing-file", f"listed in {where} but not here")]
    findings = []
    if resource.size != measured.size:
        findings.append(
            Finding(
                name, None, "bytes-mismatch", f"{measured.size} bytes; {where} says {shown(resource.bytes)}"
            )
        )
    expected = resource.hash
    if not isinstance(expected, str) or not expected.startswith("sha256:"):
        findings.append(Finding(name, None, "no-hash", f"{where} records no sha256 hash for it"))
    elif measured.digest is not None and measured.digest != expected.removeprefix("sha256:"):
        findings.append(Finding(name, None, "hash-mismatch", f"its SHA-256 is not the hash in {where}"))
    return findings
