"""`faceledger validate`: every check over the repository, as findings.

Our own checks give file and line; frictionless, the reference implementation
of the standard, then checks the descriptor and the committed data files the
way any other Frictionless tool would read them.
"""

from __future__ import annotations

from pathlib import Path

from .build import plan
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


def validate(root: Path, track: Track | None = None) -> list[Finding]:
    """Every finding for the repository at `root`, in file and line order."""
    try:
        planned = plan(root, track=track)
    except BuildFailed as failed:
        return ordered(failed.findings)
    findings = [*planned.findings, *planned.stale()]
    # Stale generated files are still readable data: let the reference validator look too.
    if all(f.code == "stale" for f in errors(findings)):
        findings += frictionless_findings(root / DESCRIPTOR)
    return ordered(findings)
