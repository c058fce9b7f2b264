"""The package's version must be a semantic version: frictionless accepts any string there."""

from __future__ import annotations

from ..core.findings import Finding
from ..core.layout import DESCRIPTOR
from ..core.package import Package
from ..core.versions import VersionError, parse


def version_problems(package: Package) -> list[Finding]:
    try:
        parse(package.descriptor.get("version"))
    except VersionError as exc:
        return [Finding(DESCRIPTOR, None, "invalid-version", str(exc), field="version")]
    return []
