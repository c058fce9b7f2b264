"""`faceledger validate`: every check over the repository, as findings.

Our own checks give file and line; frictionless, the reference implementation
of the standard, then checks the descriptor and the committed data files the
way any other Frictionless tool would read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .assembly import DESCRIPTOR
from .build import build
from .findings import BuildFailed, Finding, errors, ordered


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


def validate(root: Path, track: Callable[[Iterable[Any], int], Iterable[Any]] | None = None) -> list[Finding]:
    try:
        result = build(root, check=True, track=track)
    except BuildFailed as failed:
        return ordered(failed.findings)
    findings = list(result.findings)
    # Stale generated files are still readable data: let the reference validator look too.
    if all(f.code == "stale" for f in errors(findings)):
        findings += frictionless_findings(root / DESCRIPTOR)
    return ordered(findings)
