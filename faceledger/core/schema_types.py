"""The Table Schema types, formats and constraints this reader follows: one table for all of them.

The Arrow types (core/schema.py), the cell parsers of the CSV reader
(ingest/tables.py) and the schema check (ingest/descriptor.py) all read TYPES
and CONSTRAINTS. Table Schema defines more (trueValues, decimalChar, format
"email", exclusiveMinimum, ...); a keyword missing here is one the reader would
ignore, so the schema check refuses it rather than let the data be read
otherwise than its schema says. Extensions (keys starting `x-`) are the
checks' own business and always allowed.

Nothing here imports pyarrow: `import faceledger` reaches this module through
joins.py, so each Arrow type is built from the pyarrow module by whoever needs it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

# A cell's text to its value, or ValueError saying why it is not one.
Parser = Callable[[str], Any]

EXTENSION_PREFIX = "x-"
# Keys of a Table Schema the reader follows, or that only document it.
SCHEMA_KEYWORDS = frozenset(
    {"$schema", "title", "description", "fields", "primaryKey", "foreignKeys", "missingValues"}
)
# Keys of every field, whatever its type; a type adds its own in FieldType.keywords.
FIELD_KEYWORDS = frozenset({"name", "type", "title", "description", "example", "format", "constraints"})
# A field's form in words ("'org-' and lower-case words joined by hyphens"): with its `example`,
# what a value that breaks its pattern is told to look like instead of the regex.
FORM = "x-faceledger-form"
DEFAULT_FORMAT = "default"


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
    try:
        return date.fromisoformat(cell)
    except ValueError as exc:
        raise ValueError(f"not a day of the calendar ({exc})") from None


_DATETIME_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}")


def datetime_problem(cell: str, exc: ValueError) -> str:
    """Why a cell is no date and time, in words: the form to write it in, or the part that does not exist."""
    if _DATETIME_SHAPE.match(cell):
        return f"not a time that exists ({exc})"
    return "not a date and time in ISO 8601 form: write YYYY-MM-DDTHH:MM:SSZ"


def _parse_datetime(cell: str) -> datetime:
    try:
        stamp = datetime.fromisoformat(cell)
    except ValueError as exc:
        raise ValueError(datetime_problem(cell, exc)) from None
    if stamp.tzinfo is None:
        raise ValueError("a date and time needs a time zone (end it with Z for UTC)")
    return stamp.astimezone(UTC)


def _parse_year(cell: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", cell):
        raise ValueError("not a four-digit year")
    return int(cell)


def _parse_uri(cell: str) -> str:
    # RFC 3986's outline, as frictionless checks it: a scheme, a colon, and no white space.
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:\S+", cell):
        raise ValueError("not an absolute URI (a scheme such as https: and no spaces)")
    return cell


@dataclass(frozen=True)
class FieldType:
    """How the reader follows one Table Schema type."""

    # pyarrow module -> the column's Arrow type (a list's: pyarrow module, item type -> type).
    arrow: Callable[..., Any]
    # Each format the reader reads, with its cell parser; a list's items use their type's default.
    formats: Mapping[str, Parser | None]
    constraints: frozenset[str]
    # Field keys this type adds to FIELD_KEYWORDS.
    keywords: frozenset[str] = frozenset()
    # Python values a schema may write a bound or enum entry as (text is read with the parser).
    json_values: tuple[type, ...] = ()
    # A list type: cells hold items of the field's itemType.
    items: bool = False


_KEYED = frozenset({"required", "unique"})
_ORDERED = _KEYED | {"enum", "minimum", "maximum"}

TYPES: dict[str, FieldType] = {
    "string": FieldType(
        lambda pa: pa.string(),
        {DEFAULT_FORMAT: str, "uri": _parse_uri},
        _KEYED | {"pattern", "enum", "minLength", "maxLength"},
    ),
    "integer": FieldType(
        lambda pa: pa.int64(), {DEFAULT_FORMAT: _parse_integer}, _ORDERED, json_values=(int,)
    ),
    "number": FieldType(
        lambda pa: pa.float64(), {DEFAULT_FORMAT: _parse_number}, _ORDERED, json_values=(int, float)
    ),
    "boolean": FieldType(
        lambda pa: pa.bool_(), {DEFAULT_FORMAT: _parse_boolean}, _KEYED | {"enum"}, json_values=(bool,)
    ),
    # Dates are compared with their bounds; an enum of them would compare dates with text, so none.
    "date": FieldType(lambda pa: pa.date32(), {DEFAULT_FORMAT: _parse_date}, _KEYED | {"minimum", "maximum"}),
    "datetime": FieldType(
        lambda pa: pa.timestamp("ms", tz="UTC"),
        {DEFAULT_FORMAT: _parse_datetime},
        _KEYED | {"minimum", "maximum"},
    ),
    "year": FieldType(lambda pa: pa.int32(), {DEFAULT_FORMAT: _parse_year}, _ORDERED, json_values=(int,)),
    # Items joined by the delimiter, each read as itemType and held to the item type's
    # constraints; not `unique`, as list values cannot be compared as keys.
    "list": FieldType(
        lambda pa, item: pa.list_(item),
        {DEFAULT_FORMAT: None},
        frozenset({"required"}),
        keywords=frozenset({"itemType", "delimiter"}),
        items=True,
    ),
}
DEFAULT_TYPE = "string"
DEFAULT_DELIMITER = ","


@dataclass(frozen=True)
class Constraint:
    """A constraint keyword: what a schema may set it to, and why a cell's value breaks it."""

    # (the value in the schema, whether one value compares with items) -> whether the reader can follow it.
    usable: Callable[[Any, Callable[[Any], bool]], bool]
    # (item, the value as items are compared with it, the value as written) -> why the item breaks
    # it, or None. Absent where no one value can break it: see the comments in CONSTRAINTS.
    broken: Callable[[Any, Any, Any], str | None] | None = None


def _flag(value: Any, _comparable: Callable[[Any], bool]) -> bool:
    return isinstance(value, bool)


def _length(value: Any, _comparable: Callable[[Any], bool]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _regex(value: Any, _comparable: Callable[[Any], bool]) -> bool:
    if not isinstance(value, str):
        return False
    try:
        re.compile(value)
    except re.error:
        return False
    return True


def comparable(value: Any, parse: Parser, json_values: tuple[type, ...]) -> bool:
    """Whether a bound or enum entry can be compared with parsed cells: text the parser reads, or a JSON value of the type."""
    if isinstance(value, str):
        try:
            parse(value)
        except ValueError:
            return False
        return True
    # bool is an int in Python; only a boolean field takes true and false.
    return isinstance(value, json_values) and (bool in json_values or not isinstance(value, bool))


def _less(item: Any, bound: Any, written: Any) -> str | None:
    return f"{item!r} is less than the minimum {written}" if item < bound else None


def _more(item: Any, bound: Any, written: Any) -> str | None:
    return f"{item!r} is more than the maximum {written}" if item > bound else None


def _pattern(item: Any, bound: Any, written: Any) -> str | None:
    return None if re.fullmatch(bound, item) else f"{item!r} does not match the pattern {written}"


def _shorter(item: Any, bound: Any, written: Any) -> str | None:
    return f"{item!r} is shorter than {written} characters" if len(item) < bound else None


def _longer(item: Any, bound: Any, written: Any) -> str | None:
    return f"{item!r} is longer than {written} characters" if len(item) > bound else None


def _outside(item: Any, bound: Any, written: Any) -> str | None:
    return None if item in bound else f"{item!r} is not one of: {', '.join(map(str, written))}"


# In the order a cell's problems are reported.
CONSTRAINTS: dict[str, Constraint] = {
    "required": Constraint(_flag),  # a missing cell: the reader checks it before parsing
    "unique": Constraint(_flag),  # across rows: checks/keys.py
    "pattern": Constraint(_regex, _pattern),
    "minLength": Constraint(_length, _shorter),
    "maxLength": Constraint(_length, _longer),
    "enum": Constraint(
        lambda value, ok: isinstance(value, list) and bool(value) and all(map(ok, value)), _outside
    ),
    "minimum": Constraint(lambda value, ok: ok(value), _less),
    "maximum": Constraint(lambda value, ok: ok(value), _more),
}
# Constraints whose value is compared with parsed items, so it is parsed the same way.
COMPARED = frozenset({"enum", "minimum", "maximum"})
