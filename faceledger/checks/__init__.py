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
from ..ingest.background import Background
from ..ingest.repository import read_repository
from . import cells, evidence, facts, groups, ids, keys, privacy, values, versions

PackageCheck = Callable[[Package], Iterable[Finding]]


def _has_facts(package: Package) -> bool:
    return all(name in package.tables for name in (*facts.FACTS, facts.EVIDENCE, "documents"))


def fact_problems(package: Package) -> list[Finding]:
    """The curated facts against their evidence and on their own."""
    if not _has_facts(package):
        return []
    broken = facts.rule_problems(package)
    if broken:
        return broken
    indexed = facts.index(package)
    findings = evidence.citation_problems(indexed)
    findings += groups.judged(indexed, row_problems)
    findings += values.parent_problems(indexed)
    findings += cells.cell_problems(indexed)
    return findings


def private_name_problems(package: Package) -> list[Finding]:
    """No curated cell names a listed private person (privacy.py); not judged when the fact rules are broken."""
    if not _has_facts(package) or facts.rule_problems(package):
        return []
    digests, findings = privacy.read_digests(package.root)
    return findings + privacy.privacy_problems(facts.index(package), digests)


def row_problems(indexed: facts.Facts, chosen: Mapping[str, Iterable[int]]) -> list[Finding]:
    """The rules that judge one fact row at a time, on the chosen rows (see groups.py)."""
    return evidence.support_problems(indexed, chosen) + values.value_problems(indexed, chosen)


# Long on their own and needing nothing the others find: begun first, in a child process when
# there are two cores (ingest/background.py), so that they run while CHECKS do.
BACKGROUND: list[PackageCheck] = [private_name_problems]

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
        begun = [Background(run, package) for run in BACKGROUND]
        try:
            for run in CHECKS:
                findings += run(package)
            for scan in begun:
                findings += scan.result()
        finally:
            for scan in begun:
                scan.cancel()
    return findings


def assemble(root: Path, track: Track | None = None) -> Package:
    """The repository at `root` read and checked: every finding is on the package."""
    package = read_repository(root, track=track)
    package.findings += check(package)
    return package
