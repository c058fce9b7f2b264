"""A diff for people and files: the version check, changes.csv, JSON, the changelog summary and a text report."""

from __future__ import annotations

import csv
import io
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

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


def change_table(diff: Diff) -> pa.Table:
    """The rows of changes.csv, in their order: resource, change (ADD/MOD/DEL), key, changed fields, note.

    Sorted by resource (in the diff's order), key, then change; Arrow compares strings by
    their UTF-8 bytes, which is the order of their code points, as Python does. A first
    release lists every row as added (130,000 at 20,000 documents): those reach Arrow as
    one list of keys, not a Python tuple each.
    """
    blocks = [_block(0, "", "", [], "", "")]  # the columns' types, when nothing changed
    for order, changes in enumerate(diff.data):
        name, note, removed, modified = (
            changes.resource,
            changes.note or "",
            changes.removed,
            changes.modified,
        )
        reasons = [changes.reasons.get(key, note) for key in removed]
        blocks.append(_block(order, name, "DEL", removed, "", reasons))
        blocks.append(_block(order, name, "ADD", changes.added, "", note))
        blocks.append(
            _block(order, name, "MOD", [k for k, _ in modified], ["|".join(f) for _, f in modified], "")
        )
        for old_key, new_key, fields in changes.renamed:
            blocks.append(_block(order, name, "DEL", [old_key], "", f"renamed to {new_key}"))
            blocks.append(_block(order, name, "ADD", [new_key], "|".join(fields), f"renamed from {old_key}"))
    table = pa.concat_tables(blocks)
    ordered = table.take(pc.sort_indices(table, [(n, "ascending") for n in ("order", "key", "change")]))
    return ordered.select(list(CHANGES_HEADER))


def _block(
    order: int, resource: str, change: str, keys: list[str], fields: str | list[str], notes: str | list[str]
) -> pa.Table:
    size = len(keys)

    def column(value: str | list[str]) -> pa.Array:
        return pa.array(value, pa.string()) if isinstance(value, list) else pa.repeat(pa.scalar(value), size)

    return pa.table(
        {
            "order": pa.repeat(pa.scalar(order, pa.int32()), size),
            "resource": column(resource),
            "change": column(change),
            "key": column(keys),
            "fields": column(fields),
            "note": column(notes),
        }
    )


def change_rows(diff: Diff) -> list[tuple[str, str, str, str, str]]:
    """The rows of changes.csv (change_table) as tuples."""
    return list(zip(*(column.to_pylist() for column in change_table(diff).columns), strict=True))


# What makes the csv module quote a field, besides the comma (counted instead).
_QUOTED = r'["\r\n]'


def changes_csv(diff: Diff) -> bytes:
    """changes.csv as the csv module writes it (minimal quoting, CRLF), most rows joined without it.

    Only a row whose fields hold a comma, a quote or a line break needs the writer's
    quoting, and gets it; the rest are joined by Arrow.
    """
    table = change_table(diff)
    out = io.StringIO(newline="")
    # The line ending is the writer's to write: it quotes a field holding any of its characters.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CHANGES_HEADER)
    header = out.getvalue()
    if not table.num_rows:
        return header.encode("utf-8")
    lines = pc.binary_join_element_wise(*table.columns, ",")
    rows = table.num_rows
    body = "\r\n".join(lines.to_pylist()) + "\r\n"
    # The usual case, told by counting over the whole text: no field holds a quote, a comma or a
    # line break (each would add to a count), so no row needs quoting.
    counts = (body.count('"'), body.count(","), body.count("\r"), body.count("\n"))
    if counts == (0, (len(CHANGES_HEADER) - 1) * rows, rows, rows):
        return (header + body).encode("utf-8")
    plain = pc.and_(
        pc.equal(pc.count_substring(lines, ","), len(CHANGES_HEADER) - 1),
        pc.invert(pc.match_substring_regex(lines, _QUOTED)),
    )
    text: list[str] = [f"{line}\r\n" for line in lines.to_pylist()]
    for index in pc.indices_nonzero(pc.invert(plain)).to_pylist():
        out.seek(0)
        out.truncate()
        writer.writerow(table.slice(index, 1).to_pylist()[0].values())
        text[index] = out.getvalue()
    return "".join([header, *text]).encode("utf-8")


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
