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

from ..core.findings import Finding
from ..core.schema import Schema, free_text
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
    """Every curated text cell free of hidden characters and formulas; person-like organization names."""
    findings = []
    for name in (*FACTS, EVIDENCE):
        table = facts.package.tables[name]
        specs = {spec.name: spec for spec in Schema.from_dict(facts.package.schemas[name], name).fields}
        for index, row in enumerate(facts.rows[name]):
            for column, value in row.items():
                cells = [t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)]
                free = column in specs and free_text(specs[column])
                for cell in cells:
                    findings += _cell_problems(cell, table.path, table.line(index), column, free)
    reviewed = read_reviewed(facts.package.root)
    table = facts.package.tables["organizations"]
    for index, row in enumerate(facts.rows["organizations"]):
        org, org_name = row.get("organization_id"), row.get("name")
        if isinstance(org_name, str) and person_like(org_name) and org not in reviewed:
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
