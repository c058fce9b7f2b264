"""Checks of the curated facts (organizations, systems, contracts) against their evidence.

Each fact row needs at least one evidence row: a document and a verbatim quote.
What a field needs beyond that is declared in its Table Schema under
`x-faceledger-evidence`, so the rules live beside the fields they govern:

- `{"match": "amount", "currency": F}`: every quote cited for the field states the
  amount in the currency held by field F ("$3.9 million" for 3900000 USD).
- `{"match": "date", "basis": F, "precision": P}`: every quote cited for the field states
  the date, or, when field F says `publication`, the value is the year its cited documents
  were published; field P must agree with the form of the value.
- `{"match": "verbatim"}`: the text (each item of a list) occurs in a quote cited for it.
- `{"match": "named", "unless": {F: V}}`: the organization the field refers to (or, on
  a name field, the row itself, by name or alias) is named in one of the fact's quotes.
- `{"match": "sourced", "or": F}`: a quote is cited for the field, or field F holds a source.

`x-faceledger-year-of` names the partial-date field whose year the field holds (award_year).
`x-faceledger-standard` names the code list a field's values come from (ISO 3166-1, ISO 4217).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..core.findings import Finding
from ..core.package import Package
from ..core.schema import Schema

FACTS = ("organizations", "systems", "contracts")
EVIDENCE = "evidence"
RULE = "x-faceledger-evidence"
STANDARD = "x-faceledger-standard"
# A field that holds the year of the partial date in the field it names (award_year of award_date).
YEAR_OF = "x-faceledger-year-of"
# Each kind of rule, with the keys it needs that name another field of the same schema.
RULE_FIELDS = {
    "amount": ("currency",),
    "date": ("basis", "precision"),
    "verbatim": (),
    "named": (),
    "sourced": ("or",),
}
STANDARDS = ("ISO 3166-1", "ISO 4217")


@dataclass
class Citation:
    """One evidence row, with where it sits and what it cites."""

    id: str
    fields: list[str]
    document_id: str
    quote: str


class Rows:
    """A table's rows as dicts, made from the Arrow table only for the rows a check reads.

    The column-wise checks pick the rows that can have a finding; the rules written row by
    row then read those, so a million clean rows never become a million dicts.
    """

    def __init__(self, data: Any):
        self.data = data
        self._made: dict[int, dict[str, Any]] = {}

    def __len__(self) -> int:
        return int(self.data.num_rows)

    def load(self, indices: Iterable[int]) -> None:
        wanted = sorted({i for i in indices if i not in self._made})
        if wanted:
            taken = self.data.take(pa.array(wanted, pa.int64()))
            self._made.update(zip(wanted, rows_of(taken), strict=True))

    def __getitem__(self, index: int) -> dict[str, Any]:
        if index not in self._made:
            self.load([index])
        return self._made[index]


@dataclass
class Facts:
    package: Package
    rows: dict[str, Rows]
    # Each row's index by its id, per resource, made when a rule first follows a reference into it.
    positions: dict[str, dict[str, int]] = field(default_factory=dict)
    # The citations of the fact ids loaded so far (see load), by (resource, id).
    citations: dict[tuple[str, str], list[Citation]] = field(default_factory=lambda: defaultdict(list))
    loaded: set[tuple[str, str]] = field(default_factory=set)
    published: dict[str, datetime | None] = field(default_factory=dict)
    # Evidence whose cells the reader reported (see Table.unknown) leaves what it cites unsure:
    # the fact resources an evidence row of unknown target may cite any row of, and the facts
    # cited by an evidence row of unknown document, quote or fields.
    open_resources: set[str] = field(default_factory=set)
    unsure: set[tuple[str, str]] = field(default_factory=set)
    # Each resource's id field, and the resource a field refers to: asked once per row and field.
    keys: dict[str, str] = field(default_factory=dict)
    references: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def row_id(self, name: str, row: dict[str, Any]) -> str:
        key = self.keys.get(name)
        if key is None:
            key = self.keys[name] = key_field(self.package.view(name))
        return str(row[key])

    def known(self, name: str, index: int, *fields: str) -> bool:
        """Whether the row's cells in `fields` were read (none is a bad cell already reported)."""
        return self.package.tables[name].known(index, *fields)

    def settled(self, name: str, index: int) -> bool:
        """Whether the row's id, and so the evidence citing it, is known."""
        if name in self.open_resources:
            return False
        row = self.rows[name][index]
        key = self.keys.get(name) or key_field(self.package.view(name))
        return self.known(name, index, key) and (
            not self.unsure or (name, self.row_id(name, row)) not in self.unsure
        )

    def referred(self, name: str, value: Any) -> tuple[int, dict[str, Any]] | None:
        """The row of `name` whose id is `value` (the last, if the id is repeated), with its index."""
        index = self._position(name, value)
        return None if index is None else (index, self.rows[name][index])

    def _position(self, name: str, value: Any) -> int | None:
        if name not in self.positions:
            ids = self.package.tables[name].data.column(key_field(self.package.view(name))).to_pylist()
            self.positions[name] = {str(v): i for i, v in enumerate(ids)}
        return self.positions[name].get(value)

    def load(self, chosen: Mapping[str, Iterable[int]]) -> None:
        """Make the chosen fact rows, the evidence rows citing them and the rows their `named`
        references follow ready for the row-by-row rules."""
        chosen = {name: list(indices) for name, indices in chosen.items()}
        for name, indices in chosen.items():
            rows = self.rows[name]
            rows.load(indices)
            self._load_citations(name, {self.row_id(name, rows[i]) for i in indices})
        # One take per table: row by row, following references cost a take each (0.4 s for
        # 7,000 rows of a million-row package).
        followed: dict[str, set[int]] = {}
        for name, indices in chosen.items():
            for field_name, target in self._named_references(name):
                values = (self.rows[name][i][field_name] for i in indices)
                found = (self._position(target, v) for v in values if v is not None)
                followed.setdefault(target, set()).update(i for i in found if i is not None)
        for target, indices in followed.items():
            self.rows[target].load(indices)

    def _named_references(self, name: str) -> list[tuple[str, str]]:
        """(field, the resource it refers to) for each field of `name` whose rule is `named`."""
        named = [
            spec.name
            for spec in self.package.view(name).fields
            if (spec.get(RULE) or {}).get("match") == "named"
        ]
        return [(f, target) for f in named if (target := reference(self, name, f)) is not None]

    def _load_citations(self, name: str, ids: set[str]) -> None:
        ids = {i for i in ids if (name, i) not in self.loaded}
        self.loaded.update((name, i) for i in ids)
        pointer = targets(self.package).get(name)
        if not ids or pointer is None:
            return
        evidence = self.package.tables[EVIDENCE]
        citing = pc.is_in(evidence.data.column(pointer), value_set=pa.array(sorted(ids), pa.string()))
        hits = pc.indices_nonzero(pc.fill_null(citing, False)).to_pylist()
        rows = self.rows[EVIDENCE]
        rows.load(hits)
        for i in hits:
            if i not in evidence.unknown:
                row = rows[i]
                citation = Citation(
                    str(row[self.keys[EVIDENCE]]), row["fields"] or [], row["document_id"], row["quote"]
                )
                self.citations[name, row[pointer]].append(citation)

    def cited(self, name: str, row: dict[str, Any], field_name: str | None = None) -> list[Citation]:
        row_id = self.row_id(name, row)
        if (name, row_id) not in self.loaded:
            self._load_citations(name, {row_id})
        found = self.citations.get((name, row_id), [])
        return found if field_name is None else [c for c in found if field_name in c.fields]

    def where(self, name: str, index: int) -> tuple[str, int | None]:
        table = self.package.tables[name]
        return table.path, table.line(index)


def rule_problems(package: Package) -> list[Finding]:
    """Annotations the checks below could not follow, reported against the schema file."""
    findings = []
    for name in FACTS:
        rel = package.resource(name)["schema"]
        schema = package.view(name)
        fields = set(schema.field_names)
        for spec in schema.fields:
            rule, standard = spec.get(RULE), spec.get(STANDARD)
            problem = None
            if spec.get(YEAR_OF) is not None and spec.get(YEAR_OF) not in fields:
                problem = f"{YEAR_OF} refers to a field the schema does not have"
            elif standard is not None and standard not in STANDARDS:
                problem = f"{STANDARD} must be one of {', '.join(STANDARDS)}"
            elif rule is not None and (not isinstance(rule, dict) or rule.get("match") not in RULE_FIELDS):
                problem = f"{RULE} needs a match: one of {', '.join(RULE_FIELDS)}"
            elif rule is not None:
                named = [rule.get(key) for key in RULE_FIELDS[rule["match"]]] + list(rule.get("unless", {}))
                if any(other not in fields for other in named):
                    problem = f"{RULE} refers to a field the schema does not have"
            if problem:
                findings.append(Finding(rel, None, "invalid-schema", problem, field=spec.name))
    return findings


def key_field(schema: Schema) -> str:
    return schema.primary_key[0]


def targets(package: Package) -> dict[str, str]:
    """Evidence columns that point at a fact, by the fact resource they point at."""
    return {fk.resource: fk.fields[0] for fk in package.view(EVIDENCE).foreign_keys if fk.resource in FACTS}


def rows_of(table: Any) -> list[dict[str, Any]]:
    """An Arrow table's rows as dicts: column by column, several times faster than Table.to_pylist."""
    names = table.column_names
    return [
        dict(zip(names, values, strict=True))
        for values in zip(*(c.to_pylist() for c in table.columns), strict=True)
    ]


def index(package: Package) -> Facts:
    facts = Facts(package, {name: Rows(package.tables[name].data) for name in (*FACTS, EVIDENCE)})
    for name in facts.rows:
        facts.keys[name] = key_field(package.view(name))
    documents = package.tables["documents"].data
    facts.published = dict(
        zip(
            documents.column("document_id").to_pylist(),
            documents.column("published_at").to_pylist(),
            strict=True,
        )
    )
    pointers = targets(package)
    evidence = package.tables[EVIDENCE]
    columns = list(pointers.items())
    # Only the evidence rows with a reported cell: the citations of the rest are loaded on demand.
    for index, bad in evidence.unknown.items():
        row = facts.rows[EVIDENCE][index]
        facts.open_resources.update(name for name, column in columns if column in bad)
        facts.unsure.update((name, row[column]) for name, column in columns if row[column] is not None)
    return facts


def figure(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# The fields that name a fact row: a quote "names" an organization or system by one of them.
NAME_FIELDS = ("name", "aliases")


def names_of(row: dict[str, Any]) -> list[str]:
    name, aliases = NAME_FIELDS
    return [row[name], *(row.get(aliases) or [])]


def reference(facts: Facts, name: str, field_name: str) -> str | None:
    if (name, field_name) not in facts.references:
        fk = facts.package.view(name).reference(field_name)
        facts.references[name, field_name] = None if fk is None else fk.resource
    return facts.references[name, field_name]
