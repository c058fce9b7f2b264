"""Findings: problems in the input, reported as data rather than raised.

Every check in FaceLedger returns findings instead of stopping at the first
problem, so a contributor sees everything wrong with a pull request at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

# info: something a curator should see that is not wrong (two sources merged into one document).
Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int | None
    code: str
    message: str
    field: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        field = f" [{self.field}]" if self.field else ""
        return f"{where}: {self.severity} {self.code}{field}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in file, line order, so reports are stable from run to run."""
    return sorted(set(findings), key=lambda f: (f.path, f.line or 0, f.code, f.field or "", f.message))


class BuildFailed(Exception):
    """Raised by build steps when input has errors; carries every finding."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(errors(findings))} error(s)")
        self.findings = findings
