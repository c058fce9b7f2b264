"""Checks: a Package in, findings out. Each check is a function of the package.

A new check goes in a module here and in CHECKS below; it may read any table
but never writes one. Checks run only once every resource has been read, so
they can follow keys between tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from ..core.findings import Finding
from ..core.package import Package, Track
from ..ingest.repository import read_repository
from . import cells, evidence, facts, groups, ids, keys, privacy, values, versions

PackageCheck = Callable[[Package], Iterable[Finding]]


def fact_problems(package: Package) -> list[Finding]:
    """The curated facts against their evidence and on their own."""
    if not all(name in package.tables for name in (*facts.FACTS, facts.EVIDENCE, "documents")):
        return []
    broken = facts.rule_problems(package)
    if broken:
        return broken
    indexed = facts.index(package)
    digests, findings = privacy.read_digests(package.root)
    findings += evidence.citation_problems(indexed)
    findings += groups.judged(indexed, row_problems)
    findings += values.parent_problems(indexed)
    findings += privacy.privacy_problems(indexed, digests)
    findings += cells.cell_problems(indexed)
    return findings


def row_problems(indexed: facts.Facts, chosen: Mapping[str, Iterable[int]]) -> list[Finding]:
    """The rules that judge one fact row at a time, on the chosen rows (see groups.py)."""
    return evidence.support_problems(indexed, chosen) + values.value_problems(indexed, chosen)


CHECKS: list[PackageCheck] = [
    keys.foreign_key_problems,
    fact_problems,
    versions.version_problems,
    ids.id_problems,
    ids.unretired_problems,
]


def check(package: Package) -> list[Finding]:
    """Every check's findings for a package whose tables were all read; keys of what was read otherwise."""
    findings = [
        problem
        for name, table in package.tables.items()
        for problem in keys.unique_problems(table, package.view(name))
    ]
    if len(package.tables) == len(package.resources) and package.resources:
        for run in CHECKS:
            findings += run(package)
    return findings


def assemble(root: Path, track: Track | None = None) -> Package:
    """The repository at `root` read and checked: every finding is on the package."""
    package = read_repository(root, track=track)
    package.findings += check(package)
    return package
