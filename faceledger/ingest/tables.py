"""Typed tables: CSV read with a Table Schema into Arrow, every bad cell a finding.

pyarrow's typed CSV reader stops at the first bad cell, and frictionless is
slow and reports rows rather than file lines, so curated files are read here:
each cell is converted by its field's type and constraints, and each problem
names the file line it sits on.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..core.findings import Finding
from ..core.package import Table
from ..core.schema import TableSchema, arrow_schema, field_names


def _parse_integer(cell: str) -> int:
    if not re.fullmatch(r"[-+]?[0-9]+", cell):
        raise ValueError("not a whole number")
    return int(cell)


def _parse_number(cell: str) -> float:
    if not re.fullmatch(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", cell):
        raise ValueError("not a number (write digits with a '.' for decimals, no separators)")
    return float(cell)


def _parse_boolean(cell: str) -> bool:
    if cell in ("true", "True", "TRUE", "1"):
        return True
    if cell in ("false", "False", "FALSE", "0"):
        return False
    raise ValueError("not true or false")


def _parse_date(cell: str) -> date:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cell):
        raise ValueError("not a date in YYYY-MM-DD form")
    return date.fromisoformat(cell)


def _parse_datetime(cell: str) -> datetime:
    stamp = datetime.fromisoformat(cell)
    if stamp.tzinfo is None:
        raise ValueError("a date and time needs a time zone (end it with Z for UTC)")
    return stamp.astimezone(UTC)


def _parse_year(cell: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", cell):
        raise ValueError("not a four-digit year")
    return int(cell)


_PARSERS: dict[str, Callable[[str], Any]] = {
    "string": str,
    "integer": _parse_integer,
    "number": _parse_number,
    "boolean": _parse_boolean,
    "date": _parse_date,
    "datetime": _parse_datetime,
    "year": _parse_year,
}


def cell_parser(spec: Mapping[str, Any]) -> Callable[[str], Any]:
    kind = spec.get("type", "string")
    if kind == "list":
        item = _PARSERS[spec.get("itemType", "string")]
        delimiter = spec.get("delimiter", ",")
        return lambda cell: [item(part) for part in cell.split(delimiter)]
    return _PARSERS[kind]


def constraint_problems(spec: Mapping[str, Any], value: Any) -> list[str]:
    """Why `value` breaks its field's constraints (uniqueness is checked per table)."""
    rules = spec.get("constraints", {})
    problems = []
    values = value if isinstance(value, list) else [value]
    for item in values:
        if isinstance(item, str):
            if "pattern" in rules and not re.fullmatch(rules["pattern"], item):
                problems.append(f"{item!r} does not match the pattern {rules['pattern']}")
            if "minLength" in rules and len(item) < rules["minLength"]:
                problems.append(f"{item!r} is shorter than {rules['minLength']} characters")
            if "maxLength" in rules and len(item) > rules["maxLength"]:
                problems.append(f"{item!r} is longer than {rules['maxLength']} characters")
        if "enum" in rules and item not in rules["enum"]:
            problems.append(f"{item!r} is not one of: {', '.join(map(str, rules['enum']))}")
        if "minimum" in rules and item < _bound(spec, rules["minimum"]):
            problems.append(f"{item!r} is less than the minimum {rules['minimum']}")
        if "maximum" in rules and item > _bound(spec, rules["maximum"]):
            problems.append(f"{item!r} is more than the maximum {rules['maximum']}")
    return problems


def _bound(spec: Mapping[str, Any], bound: Any) -> Any:
    return cell_parser(spec)(bound) if isinstance(bound, str) else bound


def read_csv(name: str, path: Path, rel: str, schema: TableSchema) -> tuple[Table | None, list[Finding]]:
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return None, [Finding(rel, None, "missing-file", f"resource {name!r} has no data file")]
    except UnicodeDecodeError as exc:
        return None, [Finding(rel, None, "not-utf8", f"byte {exc.start} is not valid UTF-8")]
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    findings: list[Finding] = []
    expected = field_names(schema)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return None, [Finding(rel, reader.line_num, "malformed-csv", str(exc))]
    if header is None:
        return None, [Finding(rel, 1, "missing-header", f"expected a header row: {','.join(expected)}")]
    if header != expected:
        unknown = [h for h in header if h not in expected]
        missing = [h for h in expected if h not in header]
        detail = []
        if unknown:
            detail.append(f"unknown column(s) {', '.join(unknown)}")
        if missing:
            detail.append(f"missing column(s) {', '.join(missing)}")
        if not detail:
            detail.append("columns are out of order")
        return None, [
            Finding(rel, 1, "header-mismatch", f"{'; '.join(detail)}; expected {','.join(expected)}")
        ]

    specs = schema["fields"]
    parsers = [cell_parser(spec) for spec in specs]
    missing_values = set(schema.get("missingValues", [""]))
    columns: list[list[Any]] = [[] for _ in specs]
    lines: list[int] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            findings.append(Finding(rel, reader.line_num, "malformed-csv", str(exc)))
            break
        if not cells:
            continue
        if len(cells) != len(specs):
            findings.append(
                Finding(rel, start, "malformed-row", f"{len(cells)} cells where the header has {len(specs)}")
            )
            continue
        row, ok = [], True
        for spec, parse, cell in zip(specs, parsers, cells, strict=True):
            value, problems = _convert(spec, parse, cell, missing_values)
            for problem in problems:
                findings.append(Finding(rel, start, "bad-value", problem, field=spec["name"]))
                ok = False
            row.append(value)
        if ok:
            for column, value in zip(columns, row, strict=True):
                column.append(value)
            lines.append(start)
    arrays = {spec["name"]: col for spec, col in zip(specs, columns, strict=True)}
    data = pa.Table.from_pydict(arrays, schema=arrow_schema(schema))
    return Table(name, data, rel, lines), findings


def _convert(
    spec: Mapping[str, Any], parse: Callable[[str], Any], cell: str, missing: set[str]
) -> tuple[Any, list[str]]:
    if cell in missing:
        if spec.get("constraints", {}).get("required"):
            return None, ["a value is required"]
        return None, []
    try:
        value = parse(cell)
    except ValueError as exc:
        return None, [f"{cell!r} is {spec.get('type', 'string')}-typed: {exc}"]
    return value, constraint_problems(spec, value)


def table_from_rows(name: str, rows: list[dict[str, Any]], schema: TableSchema, path: str = "") -> Table:
    """An Arrow table from rows that must carry exactly the schema's fields."""
    names = field_names(schema)
    for row in rows:
        if list(row) != names and set(row) != set(names):
            raise ValueError(f"{name}: row fields {sorted(row)} differ from the schema's {names}")
    columns = {n: [row[n] for row in rows] for n in names}
    return Table(name, pa.Table.from_pydict(columns, schema=arrow_schema(schema)), path)
