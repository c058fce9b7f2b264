"""`faceledger diff`: what changed between two versions, and whether NEW keeps the rules.

Both versions are read before either is judged, so one run names every
version it cannot read. The report itself is compare/report.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .compare import snapshots
from .compare.changes import Diff
from .compare.report import version_problems
from .compare.rows import compare
from .core.findings import BuildFailed, Finding


@dataclass
class DiffResult:
    """The diff, or None when there is no earlier release to compare with; and what breaks the rules."""

    changes: Diff | None
    problems: list[Finding]
    new: snapshots.Snapshot


def diff(old: str | None, new: str | None, root: Path, check_version: bool = False) -> DiffResult:
    """Compare OLD with NEW: folders or git refs of `root`; by default the last release tag and `root`.

    Raises BuildFailed naming every version that cannot be read. With
    `check_version`, a version step too small for the changes is a problem too.
    """
    unreadable: list[Finding] = []
    after: snapshots.Snapshot | None = None
    before: snapshots.Snapshot | None = None
    try:
        after = snapshots.read(new, root) if new else snapshots.read_folder(root)
    except BuildFailed as failed:
        unreadable += failed.findings
    try:
        if old:
            before = snapshots.read(old, root)
        elif after is not None:
            before = snapshots.last_release(root, after.version)
    except BuildFailed as failed:
        unreadable += failed.findings
    if unreadable:
        raise BuildFailed(unreadable)
    assert after is not None and before is not None
    if old is None and before.version is None:
        return DiffResult(None, [], after)
    changes = compare(before, after)
    problems = changes.problems + (version_problems(changes) if check_version else [])
    return DiffResult(changes, problems, after)
