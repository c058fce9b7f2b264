"""CHANGELOG.md: moving the Unreleased entries under a version heading, and reading release dates.

Headings look like `## 1.4.0 — 2025-03-02`. Entries are written by people
(bullet lines under `## Unreleased`); `faceledger release` adds a short account
of the data and schema changes the diff found.
"""

from __future__ import annotations

import re
from datetime import date

UNRELEASED = "## Unreleased"
_HEADING = re.compile(r"^## (?P<version>[^\s—]+)(?: — (?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2}))?[ \t]*$", re.M)
_SECTION = re.compile(r"^## ", re.M)


def release_date(text: str, version: str) -> date | None:
    """The date of `version`'s heading, if the changelog has one."""
    for match in _HEADING.finditer(text):
        if match["version"] == version and match["date"]:
            return date.fromisoformat(match["date"])
    return None


def _unreleased_span(text: str) -> tuple[int, int] | None:
    """Where the Unreleased section's entries start and end."""
    heading = re.search(rf"^{re.escape(UNRELEASED)}[ \t]*$", text, re.M)
    if heading is None:
        return None
    following = _SECTION.search(text, heading.end())
    return heading.end(), following.start() if following else len(text)


def unreleased(text: str) -> str:
    span = _unreleased_span(text)
    return text[span[0] : span[1]].strip() if span else ""


def cut(text: str, version: str, day: date, summary: list[str]) -> str:
    """`text` with the Unreleased entries, and `summary` lines, under a new `version` heading."""
    if any(match["version"] == version for match in _HEADING.finditer(text)):
        raise ValueError(f"CHANGELOG.md already has a section for {version}")
    parts = [f"## {version} — {day.isoformat()}"]
    if unreleased(text):
        parts.append(unreleased(text))
    if summary:
        parts.append("### What changed in the data\n\n" + "\n".join(f"- {line}" for line in summary))
    section = "\n\n".join(parts) + "\n\n"
    span = _unreleased_span(text)
    if span is None:
        first = _SECTION.search(text)
        at = first.start() if first else len(text.rstrip("\n")) + 1
        head = text[:at].rstrip("\n") + "\n\n"
        return f"{head}{UNRELEASED}\n\n{section}{text[at:].lstrip(chr(10))}".rstrip("\n") + "\n"
    return (text[: span[0]] + "\n\n" + section + text[span[1] :]).rstrip("\n") + "\n"
