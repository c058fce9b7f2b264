"""Checks: a Package in, findings out. Each check is a function of the package.

A new check goes in a module here and in CHECKS below; it may read any table
but never writes one. Checks run only once every resource has been read, so
they can follow keys between tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import chain
from pathlib import Path

from ..core.findings import Finding
from ..core.package import Package, Track
from ..ingest.background import Background, Shares
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


def private_name_scan(package: Package) -> tuple[list[Finding], privacy.Scan | None]:
    """The list's own findings, and the scan of the curated cells for its names (privacy.py).

    Not made when the fact rules are broken, or when nothing is listed.
    """
    if not _has_facts(package) or facts.rule_problems(package):
        return [], None
    digests, findings = privacy.read_digests(package.root)
    return findings, privacy.planned(facts.index(package), digests)


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
    if not (len(package.tables) == len(package.resources) and package.resources):
        return findings
    listed, scan = private_name_scan(package)
    if scan is None:
        return findings + _checked(package) + listed
    # The scan is long and needs nothing the other checks find: with two jobs a child takes its
    # chunks from the front while this process runs the other checks, and then this one takes
    # what is left from the back (ingest/background.py Shares).
    shares = Shares(scan.chunks)
    child = Background(_scanned, scan, shares.front, apart=shares.shared)
    try:
        findings += _checked(package) + listed
        done = _scanned(scan, shares.back)
        done.update(child.result())
    finally:
        child.cancel()
    suspects = (done[i] if i in done else scan.suspects(i) for i in range(scan.chunks))
    return findings + scan.findings(chain.from_iterable(suspects))


def _checked(package: Package) -> list[Finding]:
    return [problem for run in CHECKS for problem in run(package)]


def _scanned(scan: privacy.Scan, take: Callable[[], int | None]) -> dict[int, list[str]]:
    """The suspects of each chunk taken, until there are none left to take."""
    return {index: scan.suspects(index) for index in iter(take, None)}


def assemble(root: Path, track: Track | None = None) -> Package:
    """The repository at `root` read and checked: every finding is on the package."""
    package = read_repository(root, track=track)
    package.findings += check(package)
    return package
