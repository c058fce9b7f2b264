"""The canonical form of a curated CSV: what `faceledger fmt` writes and `faceledger validate` expects.

UTF-8 without a byte order mark, LF line ends, a cell in double quotes only when
it must be (csv.QUOTE_MINIMAL: it holds a comma, a double quote or a line break),
no blank lines, a line end after the last row, and the rows sorted by primary
key. One form means a spreadsheet's save or an editor's line ends never show as
every line changed in a diff, and sorted rows mean two contributions touch the
same lines only when they touch the same fact.

Keys sort as text, by code point, in the order of the schema's primaryKey: every
key in schema/ is a text id, and text order needs no cell to be valid, so a file
with a bad value can still be formatted (and its bad value is still reported).
Rows with the same key keep their order; validate reports them as duplicate-key.
Cells are written back with exactly the text they were read with: nothing is
retyped ("3750000" stays "3750000", "2021" stays "2021").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..core.findings import Finding
from ..core.package import Table
from .columns import Lines

BOM = "\ufeff"


@dataclass
class Canonical:
    """A file in canonical form, and how the file it came from differs from it (nothing when it is canonical)."""

    data: bytes
    differences: list[str] = field(default_factory=list)


@dataclass
class _Record:
    line: int
    cells: list[str]
    text: str  # the record as written, without its line end
    ending: str


def render(rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return out.getvalue()


def canonical(content: bytes, key: list[str]) -> Canonical | None:
    """`content` in canonical form, rows sorted by the columns named in `key`.

    None when the file cannot be read as one table (not UTF-8, a parse error, a row
    whose cells do not match the header): read_csv reports why, and such a file is
    never rewritten.
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    differences = []
    if text.startswith(BOM):
        text = text[len(BOM) :]
        differences.append("it starts with a UTF-8 byte order mark")
    records = _records(text)
    if records is None:
        return None
    blank = [r.line for r in records if not r.cells]
    records = [r for r in records if r.cells]
    if not records or any(len(r.cells) != len(records[0].cells) for r in records):
        return None
    header, rows = records[0], records[1:]
    if any(k not in header.cells for k in key):
        return None
    positions = [header.cells.index(k) for k in key]

    endings = {r.ending for r in records[:-1]} | ({records[-1].ending} - {""})
    if "\r\n" in endings:
        differences.append("its lines end in CRLF (Windows line ends)")
    if "\r" in endings:
        differences.append("its lines end in CR alone")
    if records[-1].ending == "":
        differences.append("its last line has no line end")
    if blank:
        differences.append(f"blank lines (line {', '.join(map(str, blank))})")
    quoted = [r for r in records if r.text != render([r.cells])[:-1]]
    if quoted and all(r.text == _quote_all(r.cells) for r in records):
        differences.append("every cell is in double quotes")
    elif quoted:
        differences.append(f"cells in double quotes that need none (first on line {quoted[0].line})")
    keys = [tuple(r.cells[p] for p in positions) for r in rows]
    late = next((rows[i].line for i in range(1, len(rows)) if keys[i] < keys[i - 1]), None)
    if late is not None:
        differences.append(f"rows are not in {', '.join(key)} order (first out of order: line {late})")
    ordered = sorted(rows, key=lambda r: tuple(r.cells[p] for p in positions))
    data = render([header.cells, *(r.cells for r in ordered)]).encode("utf-8")
    return Canonical(data, differences)


def _records(text: str) -> list[_Record] | None:
    """Each record with the file line it starts on, its text as written and its line end."""
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines, strict=True)
    records: list[_Record] = []
    consumed = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return records
        except csv.Error:
            return None
        raw = "".join(lines[consumed : reader.line_num])
        # The record's line end is its last line's; a line end inside a quoted cell is the cell's own.
        last = lines[reader.line_num - 1]
        ending = "\r\n" if last.endswith("\r\n") else last[-1] if last.endswith(("\n", "\r")) else ""
        records.append(_Record(consumed + 1, cells, raw[: len(raw) - len(ending)], ending))
        consumed = reader.line_num


def _sorted(lines: Lines, key: list[str]) -> bool:
    """Whether the rows are in key order, as text by code point (UTF-8 bytes sort the same)."""
    import pyarrow.compute as pc

    from ..core.arrays import positions

    if not key or lines.table.num_rows < 2:
        return True
    order = pc.sort_indices(lines.table.select(key), sort_keys=[(k, "ascending") for k in key])
    return bool(order.equals(positions(lines.table.num_rows).cast(order.type)))


def _quote_all(cells: list[str]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(cells)
    return out.getvalue()[:-1]


def form_problems(
    table: Table, content: bytes, key: Sequence[str], problems: list[Finding], lines: Lines | None = None
) -> list[Finding]:
    """A warning when a curated file that was read (`table`, with its `problems`) is not in canonical form.

    A file with a row that could not be read is not judged (its problem is reported);
    nor is its order while a key cell is reported as bad: the order is that cell's consequence.
    `lines` is the file's text as columns.py parsed it, when it did: then a file that is
    canonical is told so without reading it again line by line.
    """
    if any(p.code in ("malformed-row", "malformed-csv") for p in problems):
        return []
    judged = all(cells.isdisjoint(key) for cells in table.unknown.values())
    order = list(key) if judged else []
    if (
        lines is not None
        and lines.canonical
        and not content.startswith(BOM.encode())
        and _sorted(lines, order)
    ):
        return []
    form = canonical(content, order)
    if form is None or not form.differences:
        return []
    message = f"not in canonical form: {'; '.join(form.differences)}; `faceledger fmt` rewrites it"
    return [Finding(table.path, None, "not-canonical", message, severity="warning")]
