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

`x-faceledger-standard` names the code list a field's values come from (ISO 3166-1, ISO 4217).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import evidence as ev
from . import privacy
from .findings import Finding

if TYPE_CHECKING:
    from .assembly import Package

FACTS = ("organizations", "systems", "contracts")
EVIDENCE = "evidence"
RULE = "x-faceledger-evidence"
STANDARD = "x-faceledger-standard"
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


@dataclass
class Facts:
    package: Package
    rows: dict[str, list[dict[str, Any]]]
    by_id: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    citations: dict[tuple[str, str], list[Citation]] = field(default_factory=lambda: defaultdict(list))
    published: dict[str, datetime | None] = field(default_factory=dict)

    def row_id(self, name: str, row: dict[str, Any]) -> str:
        return row[_key(self.package.schemas[name])]

    def cited(self, name: str, row: dict[str, Any], field_name: str | None = None) -> list[Citation]:
        found = self.citations.get((name, self.row_id(name, row)), [])
        return found if field_name is None else [c for c in found if field_name in c.fields]

    def where(self, name: str, index: int) -> tuple[str, int | None]:
        table = self.package.tables[name]
        return table.path, table.line(index)


def check_facts(package: Package) -> list[Finding]:
    from .fact_values import value_problems  # it builds on this module's Facts

    if not all(name in package.tables for name in (*FACTS, EVIDENCE, "documents")):
        return []
    broken = rule_problems(package)
    if broken:
        return broken
    facts = _index(package)
    digests, findings = privacy.read_digests(package.root)
    findings += citation_problems(facts)
    findings += support_problems(facts)
    findings += value_problems(facts)
    findings += privacy_problems(facts, digests)
    return findings


def rule_problems(package: Package) -> list[Finding]:
    """Annotations the checks below could not follow, reported against the schema file."""
    findings = []
    for name in FACTS:
        rel = package.resource(name)["schema"]
        fields = {spec["name"] for spec in package.schemas[name]["fields"]}
        for spec in package.schemas[name]["fields"]:
            rule, standard = spec.get(RULE), spec.get(STANDARD)
            problem = None
            if standard is not None and standard not in STANDARDS:
                problem = f"{STANDARD} must be one of {', '.join(STANDARDS)}"
            elif rule is not None and (not isinstance(rule, dict) or rule.get("match") not in RULE_FIELDS):
                problem = f"{RULE} needs a match: one of {', '.join(RULE_FIELDS)}"
            elif rule is not None:
                named = [rule.get(key) for key in RULE_FIELDS[rule["match"]]] + list(rule.get("unless", {}))
                if any(other not in fields for other in named):
                    problem = f"{RULE} refers to a field the schema does not have"
            if problem:
                findings.append(Finding(rel, None, "invalid-schema", problem, field=spec["name"]))
    return findings


def _key(schema: Any) -> str:
    return schema["primaryKey"][0] if isinstance(schema["primaryKey"], list) else schema["primaryKey"]


def _targets(package: Package) -> dict[str, str]:
    """Evidence columns that point at a fact, by the fact resource they point at."""
    return {
        fk["reference"]["resource"]: fk["fields"][0]
        for fk in package.schemas[EVIDENCE].get("foreignKeys", [])
        if fk["reference"].get("resource") in FACTS
    }


def _index(package: Package) -> Facts:
    facts = Facts(package, {name: package.tables[name].data.to_pylist() for name in (*FACTS, EVIDENCE)})
    facts.by_id = {name: {facts.row_id(name, r): r for r in rows} for name, rows in facts.rows.items()}
    documents = package.tables["documents"].data
    facts.published = dict(
        zip(
            documents.column("document_id").to_pylist(),
            documents.column("published_at").to_pylist(),
            strict=True,
        )
    )
    targets = _targets(package)
    for row in facts.rows[EVIDENCE]:
        citation = Citation(
            facts.row_id(EVIDENCE, row),
            row["fields"] or [],
            row["document_id"],
            row["quote"],
        )
        for name, column in targets.items():
            if row[column] is not None:
                facts.citations[(name, row[column])].append(citation)
    return facts


def citation_problems(facts: Facts) -> list[Finding]:
    """Each evidence row: one fact, fields that fact has, a quote that is in the document."""
    package = facts.package
    table = package.tables[EVIDENCE]
    targets = _targets(package)
    # Documents are long and cited many times: normalize each once.
    texts = {
        doc: ev.normalize(text)
        for doc, text in (package.documents.texts if package.documents else {}).items()
    }
    findings = []
    for index, row in enumerate(facts.rows[EVIDENCE]):
        line = table.line(index)
        chosen = [name for name, column in targets.items() if row[column] is not None]
        if len(chosen) != 1:
            columns = ", ".join(targets.values())
            findings.append(
                Finding(
                    table.path,
                    line,
                    "evidence-target",
                    f"fill exactly one of {columns}; {len(chosen)} are filled",
                )
            )
        for name in chosen:
            known = {spec["name"] for spec in package.schemas[name]["fields"]}
            for unknown in [f for f in row["fields"] or [] if f not in known]:
                findings.append(
                    Finding(
                        table.path, line, "unknown-field", f"{name} has no field {unknown!r}", field="fields"
                    )
                )
        text = texts.get(row["document_id"])
        quote = ev.normalize(row["quote"])
        if text is not None and quote not in text:
            hint = " (it does with different capitals)" if quote.casefold() in text.casefold() else ""
            findings.append(
                Finding(
                    table.path,
                    line,
                    "quote-not-found",
                    f"the quote does not occur in {row['document_id']}'s title, excerpt or body{hint}",
                    field="quote",
                )
            )
    return findings


def support_problems(facts: Facts) -> list[Finding]:
    """Each fact has a quote; each value a field's rule covers is stated by the quotes cited for it."""
    findings = []
    for name in FACTS:
        schema = facts.package.schemas[name]
        rules = [(spec["name"], spec[RULE]) for spec in schema["fields"] if RULE in spec]
        for index, row in enumerate(facts.rows[name]):
            path, line = facts.where(name, index)
            if not facts.cited(name, row):
                findings.append(
                    Finding(path, line, "no-evidence", f"no evidence row cites {facts.row_id(name, row)}")
                )
                continue
            for field_name, rule in rules:
                value = row[field_name]
                if value is None or any(row.get(k) == v for k, v in rule.get("unless", {}).items()):
                    continue
                for message in _unsupported(facts, name, row, field_name, rule):
                    findings.append(Finding(path, line, "unsupported-value", message, field=field_name))
            for citation in facts.cited(name, row):
                for empty in [f for f in citation.fields if f in row and row[f] is None]:
                    findings.append(
                        Finding(
                            path,
                            line,
                            "cited-empty-field",
                            f"{citation.id} is cited for {empty}, which is empty",
                            field=empty,
                            severity="warning",
                        )
                    )
    return findings


def _unsupported(
    facts: Facts, name: str, row: dict[str, Any], field_name: str, rule: dict[str, Any]
) -> Iterable[str]:
    """Why the quotes cited for a value do not support it (nothing when they do)."""
    match = rule["match"]
    value = row[field_name]
    if match == "named":
        yield from _unnamed(facts, name, row, field_name)
        return
    cited = facts.cited(name, row, field_name)
    if match == "sourced":
        if not cited and row.get(rule["or"]) is None:
            yield f"cite a quote for {field_name} or give a source in {rule['or']}"
        return
    if not cited:
        yield f"no quote is cited for {field_name}: add an evidence row listing {field_name} in its fields"
        return
    if match == "verbatim":
        for item in value if isinstance(value, list) else [value]:
            if not any(ev.occurs_in(item, c.quote) for c in cited):
                yield f"{item!r} is not in the words of a quote cited for it ({', '.join(c.id for c in cited)})"
    elif match == "amount":
        currency = row.get(rule["currency"])
        for citation in cited:
            stated = ev.money_in(citation.quote)
            if not any(money.states(value, currency) for money in stated):
                seen = (
                    ", ".join(m.text + (" (a bound, not an amount)" if m.hedged else "") for m in stated)
                    or "no amount in figures"
                )
                yield f"{figure(value)} {currency or '(no currency)'} is not stated in {citation.id} (it states: {seen})"
    elif match == "date":
        yield from _undated(facts, row, field_name, rule, cited)


def figure(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _undated(
    facts: Facts, row: dict[str, Any], field_name: str, rule: dict[str, Any], cited: list[Citation]
) -> Iterable[str]:
    date, _ = ev.parse_partial_date(row[field_name])
    if date is None:
        return  # reported by value_problems
    if row.get(rule["basis"]) == "publication":
        for citation in cited:
            published = facts.published.get(citation.document_id)
            if published is None:
                yield f"{citation.id} cites {citation.document_id}, which has no publication date to take the year from"
            elif date != ev.PartialDate(published.year):
                yield f"{date} is not the year {citation.document_id} was published ({published.year}), as {rule['basis']} 'publication' says"
        return
    for citation in cited:
        stated = ev.dates_in(citation.quote)
        if not any(date.within(found) for _, found in stated):
            seen = ", ".join(words for words, _ in stated) or "no date"
            yield f"{date} is not stated in {citation.id} (it states: {seen})"


def _names(row: dict[str, Any]) -> list[str]:
    return [row["name"], *(row.get("aliases") or [])]


def _unnamed(facts: Facts, name: str, row: dict[str, Any], field_name: str) -> Iterable[str]:
    target = _reference(facts, name, field_name)
    if target is None:
        names = _names(row)
    else:
        referred = facts.by_id[target].get(row[field_name])
        if referred is None:
            return  # a dangling key, reported as foreign-key
        names = _names(referred)
    quotes = facts.cited(name, row)
    if not any(ev.names_in(n, c.quote) for n in names for c in quotes):
        yield f"none of the quotes cited for {facts.row_id(name, row)} names {' / '.join(names)}"


def _reference(facts: Facts, name: str, field_name: str) -> str | None:
    for fk in facts.package.schemas[name].get("foreignKeys", []):
        if fk["fields"] == [field_name] or fk["fields"] == field_name:
            return fk["reference"].get("resource") or name
    return None


def privacy_problems(facts: Facts, digests: frozenset[str]) -> list[Finding]:
    """No cell of a curated fact or quote names a listed private person."""
    findings = []
    for name in (*FACTS, EVIDENCE):
        table = facts.package.tables[name]
        for index, row in enumerate(facts.rows[name]):
            for column, value in row.items():
                texts = [t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)]
                found = sorted({n for t in texts for n in privacy.private_names_in(t, digests)})
                if found:
                    findings.append(
                        Finding(
                            table.path,
                            table.line(index),
                            "private-person",
                            f"names a private person listed in {privacy.PRIVATE_NAMES} ({', '.join(map(repr, found))}): keep people out of the data and quote a passage that does not name them",
                            field=column,
                        )
                    )
    return findings
