"""A curated CSV read column by column: pyarrow parses it as text, pyarrow.compute types it.

The cell-by-cell reader (tables.py) stays the definition: this module only finds,
per column and at Arrow speed, the cells that are surely good, and hands every other
cell to that reader's own conversion, so a bad cell's finding is word for word the
one the cell-by-cell reader gives. A vectorised test may be stricter than the
parser (a cell it doubts is then parsed in Python and kept), never looser.

The fast path is taken only when it provably reads what csv.reader reads, with the
same line numbers: no carriage return, every record on its own line (the file's line
ends are one more than its records, so no quoted cell holds a line break and no line
is blank), and every line either written exactly as its cells render in canonical
quoting or read to the same cells by csv.reader. Otherwise `read_strings` returns None
and the caller reads the file cell by cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..core.arrays import positions
from ..core.schema import Field
from ..core.schema_types import DEFAULT_FORMAT

# Characters that make csv.writer (QUOTE_MINIMAL) quote a cell.
_SPECIAL = r'[,"\n\r]'
# A regex RE2 (pyarrow) reads as Python's re does: no escapes of letters (\s, \w, \d and \b
# mean Unicode classes in Python, ASCII ones in RE2), no anchors, groups or flags of its own.
_PORTABLE = re.compile(r"(?:[^\\^$(]|\\[^A-Za-z0-9]|\((?!\?))*")
_INTEGER = r"[-+]?[0-9]+"
_NUMBER = r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_BOOLEANS = (("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0"))


@dataclass
class Lines:
    """A file's text parsed by pyarrow as strings, one record a line from line 2."""

    table: pa.Table
    # Whether each record is written exactly as canonical quoting renders its cells.
    canonical: bool


def read_strings(data: bytes, header: list[str]) -> Lines | None:
    """The records after the header as a table of strings, or None when the fast path cannot vouch for them.

    `data` is the file's bytes without a byte order mark, already known to be UTF-8.
    """
    if b"\r" in data or not data.endswith(b"\n"):
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.num_rows + 1 != data.count(b"\n"):
        return None
    table = table.combine_chunks()
    if table.num_rows == 0:
        return Lines(table, True)
    raw = _lines(data)
    if raw is None or len(raw) != table.num_rows:
        return None
    # A line without a double quote is split at its commas alike by pyarrow and csv.reader, and
    # its cells (no comma, quote or line break in them) render as the line itself: only the
    # lines with a quote are rendered and compared, which is most of the cost on quoted text.
    # A blank line is compared too: pyarrow reads it as a row of empty cells, csv.reader as none.
    # RE2 finds one character several times faster than the substring kernel does.
    doubted = pc.or_(pc.match_substring_regex(raw, '"'), pc.equal(pc.binary_length(raw), 0))
    quoted = pc.indices_nonzero(doubted)
    odd: list[int] = []
    if len(quoted):
        # Free text is quoted, so in a file of quotes (evidence.csv) every line is doubted: no copy then.
        every = len(quoted) == table.num_rows
        chosen, written = (table, raw) if every else (table.take(quoted), pc.take(raw, quoted))
        rendered = pc.binary_join_element_wise(*(_render(chosen.column(n)) for n in header), ",")
        differ = pc.invert(pc.equal(written, rendered))
        odd = pc.take(quoted, pc.indices_nonzero(differ)).to_pylist()
    for index in odd:
        try:
            cells = next(csv.reader([raw[index].as_py()], strict=True))
        except csv.Error:
            return None
        if cells != [table.column(n)[index].as_py() for n in header]:
            return None
    return Lines(table, not odd)


def _lines(data: bytes) -> pa.Array | None:
    """Each line after the header as written: pyarrow reads them as one column, with no quoting."""
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=["line"], skip_rows=1, block_size=1 << 24),
            # A unit separator is a hidden character (reported); a line holding one takes the slow path.
            parse_options=pacsv.ParseOptions(delimiter="\x1f", quote_char=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={"line": pa.string()},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return table.column("line").combine_chunks()


def _render(column: pa.Array) -> pa.Array:
    special = pc.match_substring_regex(column, _SPECIAL)
    if not pc.any(special).as_py():
        return column
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
    return pc.if_else(special, quoted, column)


@dataclass
class Column:
    """A field's values, and the rows whose cell the vectorised tests could not vouch for."""

    values: pa.Array
    doubtful: list[int]


def typed_column(spec: Field, cells: pa.Array, missing: list[str]) -> Column:
    """`cells` (text) as the field's Arrow type; doubtful cells are null here, for the caller to parse."""
    absent = pc.is_in(cells, value_set=pa.array(missing, pa.string()))
    present = pc.if_else(absent, pa.scalar(None, pa.string()), cells)
    if spec.item_type is None:
        values, good = _items(spec, present, spec.kind.formats.get(spec.format), spec.format)
        bad = pc.and_(pc.invert(absent), pc.invert(good))
    else:
        delimiter = spec.delimiter or ","
        lists = pc.split_pattern(present, delimiter)
        flat = pc.list_flatten(lists)
        items, good = _items(spec, flat, spec.item_kind.formats[DEFAULT_FORMAT], DEFAULT_FORMAT)
        parents = pc.list_parent_indices(lists)
        failed = pc.unique(pc.filter(parents, pc.invert(good)))
        bad = pc.is_in(positions(len(cells)), value_set=failed.cast(pa.int64()))
        offsets = lists.offsets
        values = pa.ListArray.from_arrays(offsets, items, mask=pc.is_null(lists))
    if spec.required:
        bad = pc.or_(bad, absent)
    values = pc.if_else(bad, pa.scalar(None, values.type), values)
    return Column(values.cast(spec.arrow_type()), pc.indices_nonzero(bad).to_pylist())


def _items(
    spec: Field, cells: pa.Array, parse: Callable[[str], Any] | None, form: str
) -> tuple[pa.Array, pa.Array]:
    """Each cell as the type's value (null where it is no value), and whether it is surely a good one.

    A null cell (missing) counts as good: whether it may be missing is the caller's.
    """
    kind, constraints = spec.type if spec.item_type is None else spec.item_type, spec.constraints
    values: pa.Array
    if kind == "string" and form == DEFAULT_FORMAT:
        values, good = cells, pc.true_unless_null(cells)
    elif kind in ("integer", "number", "year"):
        shape = {"integer": _INTEGER, "number": _NUMBER, "year": "[0-9]{4}"}[kind]
        good = _fullmatch(cells, shape)
        arrow = {"integer": pa.int64(), "number": pa.float64(), "year": pa.int32()}[kind]
        try:
            values = pc.if_else(good, cells, pa.scalar(None, pa.string())).cast(arrow)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            values, good = pa.nulls(len(cells), arrow), pc.is_null(cells)
    elif kind == "boolean":
        trues, falses = (pa.array(v, pa.string()) for v in _BOOLEANS)
        good = pc.or_(pc.is_in(cells, value_set=trues), pc.is_in(cells, value_set=falses))
        values = pc.is_in(cells, value_set=trues)
    else:
        # Dates, datetimes and URIs: parsed in Python, once per distinct cell.
        assert parse is not None
        values, good = _parsed(cells, parse, spec.item_kind.arrow(pa))
        if values.type != pa.string():
            # Constraints on these compare parsed values: left to the Python reader.
            return values, pc.and_kleene(good, pa.scalar(not constraints.keys() - {"required", "unique"}))
    good = pc.or_(pc.is_null(cells), pc.fill_null(good, False))
    for key, bound in constraints.items():
        test = _constraint(spec, key, bound, values)
        if test is not None:
            good = pc.and_(good, pc.or_(pc.is_null(values), pc.fill_null(test, False)))
    return values, good


def _constraint(spec: Field, key: str, bound: Any, values: pa.Array) -> pa.Array | None:
    if key == "pattern":
        return _fullmatch(values, bound)
    if key == "minLength":
        return pc.greater_equal(pc.utf8_length(values), bound)
    if key == "maxLength":
        return pc.less_equal(pc.utf8_length(values), bound)
    if key == "enum":
        try:
            allowed = pa.array(spec.bound("enum"), values.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
            return pc.is_null(values)  # every value doubtful: the reader says why
        return pc.is_in(values, value_set=allowed)
    if key in ("minimum", "maximum"):
        try:
            limit = pa.scalar(spec.bound(key), values.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
            return pc.is_null(values)
        return (pc.greater_equal if key == "minimum" else pc.less_equal)(values, limit)
    return None  # required and unique are not a cell's own


def _fullmatch(cells: pa.Array, pattern: str) -> pa.Array:
    """re.fullmatch(pattern, cell) for each cell: in RE2 when it reads the pattern alike, else per distinct cell."""
    if _PORTABLE.fullmatch(pattern):
        return pc.match_substring_regex(cells, f"^(?:{pattern})$")
    compiled = re.compile(pattern)
    distinct = pc.unique(cells).drop_null()
    matching = [v for v in distinct.to_pylist() if compiled.fullmatch(v)]
    return pc.if_else(pc.is_null(cells), None, pc.is_in(cells, value_set=pa.array(matching, pa.string())))


def _parsed(cells: pa.Array, parse: Callable[[str], Any], arrow: pa.DataType) -> tuple[pa.Array, pa.Array]:
    distinct = pc.unique(cells).drop_null().to_pylist()
    parsed: dict[str, Any] = {}
    for cell in distinct:
        try:
            parsed[cell] = parse(cell)
        except ValueError:
            continue
    good_cells = pa.array(list(parsed), pa.string())
    good = pc.if_else(pc.is_null(cells), None, pc.is_in(cells, value_set=good_cells))
    if arrow == pa.string():
        return cells, good
    index = pc.index_in(cells, value_set=good_cells)
    return pc.take(pa.array(list(parsed.values()), arrow), index), good
