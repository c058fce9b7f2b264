"""Typed tables: CSV read with a Table Schema into Arrow, every bad cell one finding.

pyarrow's typed CSV reader stops at the first bad cell, and frictionless is
slow and reports rows rather than file lines, so curated files are read here:
each cell is converted by its field's type and constraints, and each bad cell
is one finding naming the file line it sits on. Its row is kept, the cell null
and listed in Table.unknown, so that the checks after reading do not report
again, as a dangling key or a fact without evidence, what it already reported.

A file pyarrow provably reads as csv.reader does (ingest/columns.py) is typed column
by column, and only the cells its vectorised tests doubt go through `_convert` below;
any other file is read cell by cell. Both give the same table, lines and findings.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..core.findings import Finding
from ..core.limits import CSV_BYTES
from ..core.package import Table
from ..core.safe_read import UnsafeFile, read_bytes
from ..core.schema import Field, Schema, TableSchema
from ..core.schema_types import CONSTRAINTS, DEFAULT_FORMAT, FORM
from ..core.suggest import did_you_mean
from .columns import Lines, read_strings, typed_column

# Separators spreadsheets save "CSV" with in some locales and formats, by the name a message uses.
DIALECTS = {";": "semicolons", "\t": "tabs"}


def constraint_problems(field: Field, value: Any) -> list[str]:
    """Why `value` breaks its field's constraints (uniqueness is checked per table), said as what to write.

    A broken pattern is told the field's `example` and form (x-faceledger-form), the regex only
    after them; a value outside an enum, the nearest allowed value when one is close.
    """
    return [_advice(field, key, item, problem) for key, item, problem in broken_constraints(field, value)]


def broken_constraints(field: Field, value: Any) -> list[tuple[str, Any, str]]:
    """Each constraint `value` (each item of a list) breaks: (keyword, item, why)."""
    tests = [
        (key, rule.broken, field.bound(key), field.constraints[key])
        for key, rule in CONSTRAINTS.items()
        if rule.broken is not None and key in field.constraints
    ]
    return [
        (key, item, problem)
        for item in (value if isinstance(value, list) else [value])
        for key, broken, bound, written in tests
        if (problem := broken(item, bound, written))
    ]


def _advice(field: Field, key: str, item: Any, problem: str) -> str:
    example, form = field.get("example"), field.get(FORM)
    if key == "pattern" and example is not None:
        said = f": {form}" if form else ""
        return f"{item!r} does not fit {field.name}; write it like {example}{said} (pattern {field.constraints['pattern']})"
    if key == "enum":
        return problem + _nearest_allowed(str(item), tuple(map(str, field.constraints["enum"])))
    return problem


# A wrong value is often the same wrong value on many rows: its nearest allowed value is found once.
@lru_cache(maxsize=1024)
def _nearest_allowed(value: str, allowed: tuple[str, ...]) -> str:
    return did_you_mean(value, allowed)


def read_csv(
    name: str, path: Path, rel: str, schema: Schema | TableSchema, root: Path | None = None
) -> tuple[Table | None, list[Finding]]:
    """The CSV at `path` (`rel` inside the repository at `root`; without it, inside its folder)."""
    table, findings, _ = read_table(name, path, rel, schema, root)
    return table, findings


def read_table(
    name: str, path: Path, rel: str, schema: Schema | TableSchema, root: Path | None = None
) -> tuple[Table | None, list[Finding], Lines | None]:
    """read_csv, with the text pyarrow parsed when it read the file column by column (columns.py)."""
    view = schema if isinstance(schema, Schema) else Schema.from_dict(schema, name)
    try:
        data = read_bytes(root, rel, CSV_BYTES) if root else read_bytes(path.parent, path.name, CSV_BYTES)
    except FileNotFoundError:
        return None, [Finding(rel, None, "missing-file", f"resource {name!r} has no data file")], None
    except UnsafeFile as exc:
        return None, [dataclasses.replace(exc.finding, path=rel)], None
    except OSError as exc:
        return None, [Finding(rel, None, "unreadable", f"the file cannot be read: {exc.strerror}")], None
    expected = view.field_names
    body = data.removeprefix(codecs.BOM_UTF8)
    # pyarrow checks the UTF-8 of every cell it reads: the file is decoded only for the slow path.
    # Held as text and in a StringIO, a million rows' evidence took 0.7 GB more (BENCHMARKS.md).
    lines = read_strings(body, expected) if _header(body) == expected else None
    if lines is not None:
        return (*_from_columns(name, rel, view, lines), lines)
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Finding(rel, None, "not-utf8", f"byte {exc.start} is not valid UTF-8")], None
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    findings: list[Finding] = []
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return None, [Finding(rel, reader.line_num, "malformed-csv", str(exc))], None
    if header is None:
        return None, [Finding(rel, 1, "missing-header", f"expected a header row: {','.join(expected)}")], None
    if header != expected:
        separator = _separator(header, expected)
        if separator:
            message = (
                f"this file is separated by {DIALECTS[separator]}; FaceLedger CSVs use commas "
                '(in a spreadsheet, save it as "CSV UTF-8 (comma delimited)")'
            )
            return None, [Finding(rel, 1, "wrong-separator", message)], None
        extra = [h for h in header if h not in expected]
        missing = [h for h in expected if h not in header]
        detail = []
        if extra:
            detail.append(f"unknown column(s) {', '.join(extra)}")
        if missing:
            detail.append(f"missing column(s) {', '.join(missing)}")
        if not detail:
            detail.append("columns are out of order")
        return (
            None,
            [Finding(rel, 1, "header-mismatch", f"{'; '.join(detail)}; expected {','.join(expected)}")],
            None,
        )

    specs = view.fields
    parsers = [spec.parser() for spec in specs]
    missing_values = set(view.missing_values)
    every = frozenset(view.field_names)
    rows: list[list[Any]] = []
    numbers: list[int] = []
    unknown: dict[int, frozenset[str]] = {}
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            findings.append(Finding(rel, reader.line_num, "malformed-csv", str(exc)))
            # What follows the break is unread: one row of unknown cells stands for it.
            unknown[len(rows)] = every
            rows.append([None] * len(specs))
            numbers.append(reader.line_num)
            break
        if not cells:
            continue
        if len(cells) != len(specs):
            findings.append(
                Finding(rel, start, "malformed-row", f"{len(cells)} cells where the header has {len(specs)}")
            )
            # Which cell is which cannot be told, so the row is kept with every cell unknown.
            unknown[len(rows)] = every
            rows.append([None] * len(specs))
            numbers.append(start)
            continue
        row, bad = [], []
        for spec, parse, cell in zip(specs, parsers, cells, strict=True):
            value, problems = _convert(spec, parse, cell, missing_values)
            if problems:
                findings.append(Finding(rel, start, "bad-value", "; ".join(problems), field=spec.name))
                bad.append(spec.name)
            row.append(value)
        if bad:
            unknown[len(rows)] = frozenset(bad)
        rows.append(row)
        numbers.append(start)
    arrays = {spec.name: [row[i] for row in rows] for i, spec in enumerate(specs)}
    data = pa.Table.from_pydict(arrays, schema=view.arrow_schema())
    return Table(name, data, rel, numbers, unknown), findings, None


def _from_columns(name: str, rel: str, view: Schema, lines: Lines) -> tuple[Table, list[Finding]]:
    """A table typed column by column; each cell the vectorised tests doubt is converted as above."""
    missing = list(view.missing_values)
    missing_values = set(missing)
    findings: list[Finding] = []
    unknown: dict[int, set[str]] = {}
    arrays = []
    for spec in view.fields:
        cells = lines.table.column(spec.name).combine_chunks()
        column = typed_column(spec, cells, missing)
        parse = spec.parser()
        patch = {}
        for index in column.doubtful:
            value, problems = _convert(spec, parse, cells[index].as_py(), missing_values)
            if problems:
                findings.append(Finding(rel, index + 2, "bad-value", "; ".join(problems), field=spec.name))
                unknown.setdefault(index, set()).add(spec.name)
            elif value is not None:
                patch[index] = value  # a cell the vectorised tests doubted needlessly
        values = column.values
        if patch:
            every = values.to_pylist()
            for index, value in patch.items():
                every[index] = value
            values = pa.array(every, spec.arrow_type())
        arrays.append(values)
    data = pa.Table.from_arrays(arrays, schema=view.arrow_schema())
    lines_of = list(range(2, data.num_rows + 2))
    frozen = {index: frozenset(cells) for index, cells in unknown.items()}
    return Table(name, data, rel, lines_of, frozen), findings


def _header(body: bytes) -> list[str] | None:
    """The first line's cells, when it is one line of UTF-8 on its own."""
    end = body.find(b"\n")
    try:
        return next(csv.reader([body[: max(end, 0)].decode("utf-8")], strict=True), None)
    except (UnicodeDecodeError, csv.Error):
        return None


def _separator(header: list[str], expected: list[str]) -> str | None:
    """The separator other than a comma that splits this header into the expected columns, if one does."""
    line = ",".join(header)
    for separator in DIALECTS:
        cells = next(csv.reader([line], delimiter=separator))
        if len(cells) > len(header) and set(cells) & set(expected):
            return separator
    return None


def _convert(spec: Field, parse: Callable[[str], Any], cell: str, missing: set[str]) -> tuple[Any, list[str]]:
    if cell in missing:
        return None, ["a value is required"] if spec.required else []
    try:
        value = parse(cell)
    except ValueError as exc:
        kind = spec.type if spec.format == DEFAULT_FORMAT else f"{spec.type} ({spec.format})"
        return None, [f"{cell!r} is {kind}-typed: {exc}"]
    problems = constraint_problems(spec, value)
    return (None if problems else value), problems


def table_from_rows(name: str, rows: list[dict[str, Any]], schema: Schema, path: str = "") -> Table:
    """An Arrow table from rows that must carry exactly the schema's fields."""
    names = schema.field_names
    wanted = set(names)
    for row in rows:
        if row.keys() != wanted:
            raise ValueError(f"{name}: row fields {sorted(row)} differ from the schema's {names}")
    columns = {n: list(map(itemgetter(n), rows)) for n in names}
    return Table(name, pa.Table.from_pydict(columns, schema=schema.arrow_schema()), path)
