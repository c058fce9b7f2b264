"""Findings: problems in the input, reported as data rather than raised.

Every check in FaceLedger returns findings instead of stopping at the first
problem, so a contributor sees everything wrong with a pull request at once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

# info: something a curator should see that is not wrong (two sources merged into one document).
Severity = Literal["error", "warning", "info"]
# The GitHub Actions workflow command for each severity: an annotation of that level.
GITHUB_LEVELS: dict[str, str] = {"error": "error", "warning": "warning", "info": "notice"}


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int | None
    code: str
    message: str
    field: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        """One line, whatever the path, field or message hold: control characters are escaped (`\\n`)."""
        path = _escaped(self.path)
        where = path if self.line is None else f"{path}:{self.line}"
        field = f" [{_escaped(self.field)}]" if self.field else ""
        return f"{where}: {self.severity} {self.code}{field}: {_escaped(self.message)}"

    @classmethod
    def restored(cls, fields: Sequence[object]) -> Finding:
        """A finding made earlier and stored as its fields in order (the seed cache keeps them so).

        Its code came from a Finding call in the source like any other; this only reads it back.
        """
        return cls(*fields)  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }

    def as_github(self) -> str:
        """The finding as a GitHub Actions workflow command, which shows it on the pull request's diff.

        `::error file=dataset/evidence.csv,line=12,title=quote-not-found::[quote] the quote ...`,
        escaped as the runner unescapes it (actions/toolkit's command.ts).
        """
        props = {"file": self.path, "line": self.line, "title": self.code}
        shown = ",".join(
            f"{key}={_property(str(value))}" for key, value in props.items() if value is not None
        )
        field = f"[{self.field}] " if self.field else ""
        return f"::{GITHUB_LEVELS[self.severity]} {shown}::{_data(field + self.message)}"


def _escaped(text: str) -> str:
    """Control, line-breaking, bidi and zero-width characters as Python escapes, so text keeps to one line."""
    # A printable string has none of them (its categories exclude Cc, Cf, Zl and Zp): most
    # messages are, and a report of 10,000 findings spent a second on them character by character.
    if text.isprintable():
        return text
    return "".join(char.encode("unicode_escape").decode("ascii") if _hidden(char) else char for char in text)


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


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
