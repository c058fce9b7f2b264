"""`faceledger validate`: every check over the repository, as findings.

Our own checks give file and line. With `frictionless=True` (`--frictionless`, what
CI runs), frictionless, the reference implementation of the standard, then checks
the descriptor and the data files the way any other Frictionless tool would read
them: a second opinion, off the contributor's default path because it reads each
cell in Python (tens of seconds for a million rows where our checks take seconds). A contribution need not run `faceledger build`:
a stale generated file is a warning, and frictionless reads the data as the build
will write it, in a temporary copy. The repository is not written, except that
validate, like build, first finishes or removes what a killed build left (build.tidy).
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path
from typing import Any

from .build import Plan, plan, tidy
from .core.files import safe_path, write_files
from .core.findings import BuildFailed, Finding, errors, ordered
from .core.layout import DESCRIPTOR, location, paths
from .core.package import Track


def frictionless_findings(descriptor: Path, base: str = "") -> list[Finding]:
    """Errors frictionless reports for a data package, as findings."""
    from frictionless import FrictionlessException, Package, system  # slow to import: only here

    prefix = f"{base}/" if base else ""
    try:
        with system.use_context(trusted=False):
            report = Package(str(descriptor)).validate(limit_errors=100_000)
    except FrictionlessException as exc:
        details = [reason.message for reason in exc.reasons] or [exc.error.message]
        return [Finding(prefix + descriptor.name, None, f"frictionless-{exc.error.type}", d) for d in details]
    findings = []
    for error in report.errors:
        findings.append(Finding(prefix + descriptor.name, None, f"frictionless-{error.type}", error.message))
    resources = {str(r.get("name")): r for r in _resources(descriptor)}
    for task in report.tasks:
        parts = Parts(descriptor.parent, resources.get(task.name or "", {}))
        for error in task.errors:
            # frictionless counts the header as row 1, the same as file lines without embedded newlines.
            path, line = parts.place(getattr(error, "row_number", None), task.place or task.name)
            findings.append(
                Finding(
                    prefix + path,
                    line,
                    f"frictionless-{error.type}",
                    error.note or error.message,
                    field=getattr(error, "field_name", None),
                )
            )
    return findings


def _resources(descriptor: Path) -> list[dict[str, Any]]:
    """The descriptor's resources, as far as they can be read (frictionless has reported the rest)."""
    try:
        found = json.loads(descriptor.read_bytes()).get("resources", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


class Parts:
    """A multipart resource's files, to turn frictionless's row numbers into a part and its line.

    frictionless reads the parts as one table (the header once, then every part's rows),
    numbering rows from 2 across them; a resource with one file keeps its numbers.
    """

    def __init__(self, folder: Path, resource: dict[str, Any]):
        self.folder = folder
        self.files = paths(resource) if isinstance(resource.get("path"), list) else []
        self.location = location(resource)
        self._counts: list[int] | None = None

    def place(self, row: int | None, place: str) -> tuple[str, int | None]:
        if not self.files:
            return place, row
        if row is None:
            return self.location, None
        index = row - 2
        for rel, count in zip(self.files, self.counts(), strict=True):
            if 0 <= index < count:
                return rel, index + 2
            index -= count
        return self.location, None

    def counts(self) -> list[int]:
        """Each part's number of rows, header aside."""
        if self._counts is None:
            self._counts = []
            for rel in self.files:
                try:
                    with (self.folder / rel).open(encoding="utf-8", newline="") as handle:
                        self._counts.append(max(sum(1 for _ in csv.reader(handle)) - 1, 0))
                except (OSError, UnicodeDecodeError, csv.Error):  # frictionless says what is wrong with it
                    self._counts.append(0)
        return self._counts


def validate(root: Path, track: Track | None = None, frictionless: bool = False) -> list[Finding]:
    """Every finding for the repository at `root`, in file and line order; frictionless's too if asked."""
    tidy(root)
    try:
        planned = plan(root, track=track)
    except BuildFailed as failed:
        return ordered(failed.findings)
    findings = [*planned.findings, *planned.stale(strict=False)]
    if frictionless and not errors(findings):
        findings += planned_frictionless_findings(planned)
    return ordered(findings)


def planned_frictionless_findings(planned: Plan) -> list[Finding]:
    """What frictionless reports for the package as `planned` would leave it, the repository untouched.

    With nothing stale that is the repository itself; otherwise a temporary copy of the
    descriptor, schemas and data files, with the planned files written over them.
    """
    root = planned.package.root
    if not planned.changed:
        return frictionless_findings(root / DESCRIPTOR)
    descriptor = json.loads(planned.files[DESCRIPTOR])
    parts = {DESCRIPTOR} | {
        rel
        for resource in descriptor["resources"]
        for rel in [*paths(resource), str(resource["schema"])]
        if safe_path(rel)
    }
    files = {rel: planned.files[rel] if rel in planned.files else (root / rel).read_bytes() for rel in parts}
    with tempfile.TemporaryDirectory(prefix="faceledger-validate-") as temp:
        write_files(Path(temp), files)
        return frictionless_findings(Path(temp) / DESCRIPTOR)
