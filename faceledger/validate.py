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

import json
import tempfile
from pathlib import Path

from .build import Plan, plan, tidy
from .core.files import safe_path, write_files
from .core.findings import BuildFailed, Finding, errors, ordered
from .core.layout import DESCRIPTOR
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
    for task in report.tasks:
        for error in task.errors:
            line = getattr(error, "row_number", None)
            field = getattr(error, "field_name", None)
            # frictionless counts the header as row 1, the same as file lines without embedded newlines.
            findings.append(
                Finding(
                    prefix + (task.place or task.name),
                    line,
                    f"frictionless-{error.type}",
                    error.note or error.message,
                    field=field,
                )
            )
    return findings


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
        str(resource[key])
        for resource in descriptor["resources"]
        for key in ("path", "schema")
        if safe_path(str(resource[key]))
    }
    files = {rel: planned.files[rel] if rel in planned.files else (root / rel).read_bytes() for rel in parts}
    with tempfile.TemporaryDirectory(prefix="faceledger-validate-") as temp:
        write_files(Path(temp), files)
        return frictionless_findings(Path(temp) / DESCRIPTOR)
