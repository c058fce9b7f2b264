"""A diff for people and files: the version check, changes.csv, JSON, the changelog summary and a text report."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from ..core.findings import Finding
from ..core.versions import Level, Version, VersionError, parse, step
from .changes import Diff

CHANGES_HEADER = ("resource", "change", "key", "fields", "note")


def version_problems(diff: Diff) -> list[Finding]:
    """Whether NEW's version is a valid step from OLD's that is big enough for the changes."""
    if diff.old.version is None:
        return []
    try:
        old, new = parse(diff.old.version), parse(diff.new.version)
        level = step(old, new)
    except VersionError as exc:
        return [Finding(diff.new.label, None, "invalid-version", str(exc), field="version")]
    if level is Level.NONE or level >= diff.required:
        return []
    reasons = diff.reasons(diff.required)
    why = f": {'; '.join(reasons[:5])}" if reasons else " (the data changed)"
    return [
        Finding(
            diff.new.label,
            None,
            "version-bump-too-small",
            f"{old} -> {new} is a {level} bump, but the changes need a {diff.required} bump "
            f"(at least {old.bumped(diff.required)}){why}",
            field="version",
        )
    ]


def next_version(diff: Diff) -> Version | None:
    """The lowest version the next release can have, when NEW still carries OLD's version."""
    if diff.old.version is None or diff.required is Level.NONE:
        return None
    try:
        old = parse(diff.old.version)
        if parse(diff.new.version) != old:
            return None
    except VersionError:
        return None
    return old.bumped(diff.required)


def change_rows(diff: Diff) -> list[tuple[str, str, str, str, str]]:
    """The rows of changes.csv: resource, ADD/MOD/DEL, key, changed fields, note."""
    rows = []
    for changes in diff.data:
        name, note = changes.resource, changes.note or ""
        rows += [(name, "DEL", key, "", changes.reasons.get(key, note)) for key in changes.removed]
        rows += [(name, "ADD", key, "", note) for key in changes.added]
        rows += [(name, "MOD", key, "|".join(fields), "") for key, fields in changes.modified]
        for old_key, new_key, fields in changes.renamed:
            rows.append((name, "DEL", old_key, "", f"renamed to {new_key}"))
            rows.append((name, "ADD", new_key, "|".join(fields), f"renamed from {old_key}"))
    order = {name: i for i, name in enumerate(c.resource for c in diff.data)}
    return sorted(rows, key=lambda row: (order[row[0]], row[2], row[1]))


# What makes the csv module quote a field, besides the comma (counted instead).
_QUOTED = re.compile(r'["\r\n]')


def changes_csv(diff: Diff) -> bytes:
    """changes.csv as the csv module writes it (minimal quoting, CRLF), most rows joined without it.

    A first release lists every row as added: 130,000 lines at 20,000 documents, a third of a
    second through csv.writer. Only a row whose fields hold a comma, a quote or a line break
    needs the writer's quoting, and gets it.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CHANGES_HEADER)
    lines = [out.getvalue()]
    commas = len(CHANGES_HEADER) - 1
    for row in change_rows(diff):
        line = ",".join(row)
        if line.count(",") == commas and not _QUOTED.search(line):
            lines.append(line + "\r\n")
        else:
            out.seek(0)
            out.truncate()
            writer.writerow(row)
            lines.append(out.getvalue())
    return "".join(lines).encode("utf-8")


def as_dict(diff: Diff) -> dict[str, Any]:
    return {
        "old": {"source": diff.old.label, "version": diff.old.version},
        "new": {"source": diff.new.label, "version": diff.new.version},
        "required_bump": str(diff.required),
        "schema": [change.as_dict() for change in diff.schema],
        "data": {
            changes.resource: {
                **changes.counts(),
                "note": changes.note,
                "added_keys": changes.added,
                "removed_keys": [{"key": k, "reason": changes.reasons.get(k)} for k in changes.removed],
                "modified_keys": [{"key": k, "fields": f} for k, f in changes.modified],
                "renamed_keys": [{"from": a, "to": b, "fields": f} for a, b, f in changes.renamed],
            }
            for changes in diff.data
        },
        "problems": [problem.as_dict() for problem in diff.problems],
    }


def summary(diff: Diff) -> list[str]:
    """One line per changed resource and per schema change, for the changelog."""
    lines = [f"{change} ({change.level})" for change in diff.schema]
    for changes in diff.data:
        if changes.changed:
            counts = ", ".join(f"{n} {what}" for what, n in changes.counts().items() if n)
            lines.append(f"{changes.resource}: {counts}")
    return lines


def text(diff: Diff, limit: int = 20) -> str:
    """A report for people; `limit` caps the keys listed per resource and kind of change."""
    lines = [
        f"{diff.old.label} ({diff.old.version or 'nothing'}) -> {diff.new.label} ({diff.new.version})",
        "",
    ]
    lines.append("Schema changes" if diff.schema else "Schema: no changes")
    lines += [f"  {str(change.level):5}  {change}" for change in diff.schema]
    lines.append("")
    lines.append("Data changes" if any(c.changed or c.note for c in diff.data) else "Data: no changes")
    for changes in diff.data:
        if not (changes.changed or changes.note):
            continue
        counts = ", ".join(f"{n} {what}" for what, n in changes.counts().items() if n) or "no rows changed"
        lines.append(f"  {changes.resource}: {counts}" + (f" ({changes.note})" if changes.note else ""))
        listed = [
            *(f"    + {k}" for k in changes.added),
            *(
                f"    - {k}" + (f"  {changes.reasons[k]}" if k in changes.reasons else "")
                for k in changes.removed
            ),
            *(f"    ~ {k}  {', '.join(f)}" for k, f in changes.modified),
            *(f"    > {a} -> {b}" + (f"  {', '.join(f)}" if f else "") for a, b, f in changes.renamed),
        ]
        lines += listed[:limit]
        if len(listed) > limit:
            lines.append(f"    ... and {len(listed) - limit} more (see --format json or changes.csv)")
    lines += ["", f"Required bump: {diff.required}"]
    upcoming = next_version(diff)
    if upcoming is not None:
        lines.append(f"The version is unchanged: the next release must be at least {upcoming}")
    return "\n".join(lines)
