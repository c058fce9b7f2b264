"""What a curated cell must not hold: hidden characters, a spreadsheet formula, a person's name.

A curator can correct a cell, so a hidden character (a control, bidi or
zero-width character, see ingest/text.py) or text a spreadsheet would run as a
formula is an error here, where in a seed (the article's own words) it is a
warning. An organization whose name looks like a person's (two or three
capitalised words and no word that organizations use) is a warning until its id
is listed in REVIEWED.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..core.findings import Finding
from ..core.schema import free_text
from ..ingest import text
from .facts import EVIDENCE, FACTS, Facts

REVIEWED = "dataset/reviewed-organizations.txt"
# Words that say a name is an organization's; a name with none of them may be a person's.
ORGANIZATION_WORDS = frozenset(
    [
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "nv",
        "bv",
        "co",
        "company",
        "corp",
        "corporation",
        "group",
        "holdings",
        "police",
        "constabulary",
        "force",
        "army",
        "navy",
        "air",
        "military",
        "guard",
        "marshals",
        "sheriff",
        "department",
        "dept",
        "ministry",
        "office",
        "service",
        "services",
        "bureau",
        "agency",
        "authority",
        "administration",
        "council",
        "commission",
        "committee",
        "board",
        "court",
        "government",
        "state",
        "national",
        "federal",
        "city",
        "county",
        "municipal",
        "union",
        "university",
        "college",
        "institute",
        "school",
        "academy",
        "laboratory",
        "lab",
        "labs",
        "foundation",
        "trust",
        "association",
        "society",
        "centre",
        "center",
        "bank",
        "security",
        "investigations",
        "intelligence",
        "customs",
        "enforcement",
        "immigration",
        "border",
        "homeland",
        "ai",
        "systems",
        "technologies",
        "technology",
        "tech",
        "software",
        "solutions",
        "networks",
        "labs",
        "analytics",
        "vision",
        "data",
        "digital",
        "global",
        "international",
        "research",
        "partners",
    ]
)
# A capitalised word (Jane, O'Neil, Smith-Jones) or an initial (J.).
_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)*|[A-Z]\.")


def person_like(name: str) -> bool:
    """Whether an organization's name reads like a private person's: two or three name-shaped words."""
    words = name.split()
    return (
        2 <= len(words) <= 3
        and all(_NAME_WORD.fullmatch(w) for w in words)
        and not any(w.strip(".").casefold() in ORGANIZATION_WORDS for w in words)
    )


def read_reviewed(root: Path) -> frozenset[str]:
    """The organization ids a curator has checked are organizations (one a line, `#` comments)."""
    try:
        lines = (root / REVIEWED).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return frozenset()
    return frozenset(entry for line in lines if (entry := line.split("#", 1)[0].strip()))


def cell_problems(facts: Facts) -> list[Finding]:
    """Every curated text cell free of hidden characters and formulas; person-like organization names.

    pyarrow.compute picks the cells that may hold either (a regex over each column);
    only those are examined one by one, with the words the findings give.
    """
    findings = []
    for name in (*FACTS, EVIDENCE):
        table = facts.package.tables[name]
        specs = {spec.name: spec for spec in facts.package.view(name).fields}
        for column in table.data.column_names:
            free = column in specs and free_text(specs[column])
            for index, cell in _suspects(table.data.column(column).combine_chunks(), free):
                findings += _cell_problems(cell, table.path, table.line(index), column, free)
    reviewed = read_reviewed(facts.package.root)
    table = facts.package.tables["organizations"]
    names = table.data.column("name").combine_chunks()
    persons = [n for n in pc.unique(names).drop_null().to_pylist() if person_like(n)]
    chosen = pc.indices_nonzero(
        pc.fill_null(pc.is_in(names, value_set=pa.array(persons, pa.string())), False)
    )
    ids = table.data.column("organization_id")
    for index in chosen.to_pylist():
        org, org_name = ids[index].as_py(), names[index].as_py()
        if org not in reviewed:
            findings.append(
                Finding(
                    table.path,
                    table.line(index),
                    "person-like-name",
                    f"{org_name!r} reads like a person's name: people stay out of the data; if it is an "
                    f"organization, add {org} to {REVIEWED}",
                    field="name",
                    severity="warning",
                )
            )
    return findings


def _hidden_class() -> str:
    """A regex class of every character text.hidden names (all below U+10000)."""
    candidates = [
        *range(0x20),
        *range(0x7F, 0xA0),
        *map(ord, text.BIDI_CONTROLS | text.ZERO_WIDTH | text.LINE_SEPARATORS),
    ]
    return "[" + "".join(f"\\x{{{c:X}}}" for c in sorted(candidates) if text.hidden_kind(chr(c))) + "]"


_HIDDEN = _hidden_class()
_FORMULA = "^[" + "".join(f"\\x{{{ord(c):X}}}" for c in text.FORMULA_STARTS) + "]"


def _suspects(column: pa.Array, free: bool) -> list[tuple[int, str]]:
    """(row, cell) for each text cell (or list item) of `column` that may hold a hidden character or a formula."""
    if pa.types.is_list(column.type) and pa.types.is_string(column.type.value_type):
        cells, rows = pc.list_flatten(column), pc.list_parent_indices(column)
    elif pa.types.is_string(column.type):
        cells, rows = column, None
    else:
        return []
    # A quote is cited for several facts and an id is in every row that refers to it: each
    # distinct text is matched once, and only the texts that match are looked for in the column.
    distinct = pc.unique(cells).drop_null()
    mask = pc.match_substring_regex(distinct, _HIDDEN)
    if free:
        mask = pc.or_(mask, pc.match_substring_regex(distinct, _FORMULA))
    flagged = pc.filter(distinct, mask)
    if not len(flagged):
        return []
    chosen = pc.indices_nonzero(pc.fill_null(pc.is_in(cells, value_set=flagged), False))
    where = chosen if rows is None else pc.take(rows, chosen)
    return list(zip(where.to_pylist(), pc.take(cells, chosen).to_pylist(), strict=True))


def _cell_problems(cell: str, path: str, line: int | None, column: str, free: bool) -> list[Finding]:
    found = []
    hidden = text.hidden(cell)
    if hidden:
        more = f" and {len(hidden) - text.SHOWN} more" if len(hidden) > text.SHOWN else ""
        message = (
            f"holds {', '.join(hidden[: text.SHOWN])}{more}: remove it, it does not show but changes the text"
        )
        found.append(Finding(path, line, "hidden-character", message, field=column))
    # A pattern or enum already keeps formulas out of the other fields (a partial date `--09-05` is one).
    if free and text.formula_like(cell):
        message = (
            f"{cell[:40]!r} starts as a spreadsheet formula (= + - @, a tab or a carriage return): reword it "
            "so it starts with a letter or a digit"
        )
        found.append(Finding(path, line, "formula-like-text", message, field=column))
    return found
