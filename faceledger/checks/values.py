"""Checks of curated fact values on their own: codes from a standard, amounts, dates,
the shape of each relationship, the parties of systems, and organization parents.

The checks against evidence (quotes, values stated in them) are in evidence.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from ..core.findings import Finding
from ..core.schema import Field
from . import quotes as ev
from .facts import FACTS, RULE, STANDARD, YEAR_OF, Facts, figure


def value_problems(facts: Facts, chosen: Mapping[str, Iterable[int]]) -> list[Finding]:
    """The checks of one row at a time, on the chosen rows of each fact resource."""
    findings = []
    rows = {name: list(chosen.get(name, ())) for name in FACTS}
    for name in FACTS:
        for spec in facts.package.view(name).fields:
            findings += _standard_problems(facts, name, spec, rows[name])
            if spec.get(RULE, {}).get("match") == "amount":
                findings += _amount_problems(facts, name, spec, rows[name])
            if spec.get(RULE, {}).get("match") == "date":
                findings += _date_problems(facts, name, spec, rows[name])
            if spec.get(YEAR_OF) is not None:
                findings += _year_problems(facts, name, spec, rows[name])
    findings += _relationship_problems(facts, rows["contracts"])
    findings += _party_problems(facts, rows["systems"])
    return findings


@cache
def _codes(standard: str) -> frozenset[str]:
    import pycountry

    if standard == "ISO 3166-1":
        return frozenset(c.alpha_2 for c in pycountry.countries)
    if standard == "ISO 4217":
        return ev.currency_codes()
    raise ValueError(f"unknown code list {standard!r}")


def _standard_problems(facts: Facts, name: str, spec: Field, chosen: list[int]) -> list[Finding]:
    standard = spec.get(STANDARD)
    if standard is None:
        return []
    codes = _codes(standard)
    findings = []
    for index in chosen:
        row = facts.rows[name][index]
        value = row[spec.name]
        if value is not None and value not in codes:
            findings.append(
                Finding(
                    *facts.where(name, index),
                    "unknown-code",
                    f"{value!r} is not a code of {standard}",
                    field=spec.name,
                )
            )
    return findings


def _amount_problems(facts: Facts, name: str, spec: Field, chosen: list[int]) -> list[Finding]:
    findings = []
    currency = spec.get(RULE)["currency"]
    for index in chosen:
        row = facts.rows[name][index]
        value = row[spec.name]
        if value is None:
            continue
        where = facts.where(name, index)
        if value <= 0:
            findings.append(
                Finding(*where, "non-positive-amount", f"{value} is not a positive amount", field=spec.name)
            )
        if row.get(currency) is None and facts.known(name, index, currency):
            findings.append(
                Finding(*where, "missing-currency", f"{spec.name} needs a {currency}", field=currency)
            )
    return findings


def _date_problems(facts: Facts, name: str, spec: Field, chosen: list[int]) -> list[Finding]:
    """Valid partial dates whose precision field agrees, and none later than what reports them."""
    findings = []
    rule = spec.get(RULE)
    field_name = spec.name
    as_of = max((p for p in facts.published.values() if p is not None), default=None)
    for index in chosen:
        row = facts.rows[name][index]
        if row[field_name] is None:
            continue
        where = facts.where(name, index)
        date, reason = ev.parse_partial_date(row[field_name])
        if date is None or reason:
            findings.append(Finding(*where, "bad-date", reason or "", field=field_name))
            continue
        for companion in (rule["basis"], rule["precision"]):
            if row.get(companion) is None and facts.known(name, index, companion):
                findings.append(
                    Finding(*where, "missing-value", f"a {field_name} needs a {companion}", field=companion)
                )
        if row.get(rule["precision"]) not in (None, date.precision):
            findings.append(
                Finding(
                    *where,
                    "precision-mismatch",
                    f"{date} is given to the {date.precision}, not the {row[rule['precision']]}",
                    field=rule["precision"],
                )
            )
        earliest = date.earliest()
        if earliest is None:
            continue
        dated = [
            (facts.published[c.document_id], c.document_id)
            for c in facts.cited(name, row, field_name)
            if facts.published.get(c.document_id) is not None
        ]
        bound, source = min(dated) if dated else (as_of, "the newest document in the dataset")
        if bound is not None and earliest > (bound.year, bound.month, bound.day):
            findings.append(
                Finding(
                    *where,
                    "future-date",
                    f"{date} is later than {source}, published {bound.date().isoformat()}: a document cannot report what had not happened",
                    field=field_name,
                )
            )
    return findings


def _year_problems(facts: Facts, name: str, spec: Field, chosen: list[int]) -> list[Finding]:
    """A year field holds the year of its date, and nothing when the date gives none."""
    findings = []
    source = spec.get(YEAR_OF)
    for index in chosen:
        row = facts.rows[name][index]
        if not facts.known(name, index, spec.name, source):
            continue
        date = ev.parse_partial_date(row[source])[0] if row[source] is not None else None
        expected = date.year if date is not None else None
        if row[spec.name] != expected:
            write = "leave it empty" if expected is None else f"write {expected}"
            findings.append(
                Finding(
                    *facts.where(name, index),
                    "year-mismatch",
                    f"{spec.name} is {row[spec.name]!r} but {source} {row[source]!r} gives "
                    f"{'no year' if expected is None else f'the year {expected}'}: {write}",
                    field=spec.name,
                )
            )
    return findings


def _relationship_problems(facts: Facts, chosen: list[int]) -> list[Finding]:
    """What each kind of contract row must and must not carry."""
    needs = {
        "contract": ["vendor_organization_id"],
        "customer": ["vendor_organization_id"],
        "use": ["system_id"],
    }
    forbids = {"customer": ["amount", "total_value", "award_date"]}
    findings = []
    for index in chosen:
        row = facts.rows["contracts"][index]
        kind = row["relationship"]
        for needed in needs.get(kind, []):
            if row[needed] is None and facts.known("contracts", index, needed):
                findings.append(
                    Finding(
                        *facts.where("contracts", index),
                        "relationship-mismatch",
                        f"a {kind} row needs {needed}",
                        field=needed,
                    )
                )
        for forbidden in forbids.get(kind, []):
            if row[forbidden] is not None:
                findings.append(
                    Finding(
                        *facts.where("contracts", index),
                        "relationship-mismatch",
                        f"a {kind} row reports no terms; record an award with relationship 'contract'",
                        field=forbidden,
                    )
                )
        if (
            row["amount"] is not None
            and row["total_value"] is not None
            and row["total_value"] < row["amount"]
        ):
            findings.append(
                Finding(
                    *facts.where("contracts", index),
                    "total-below-amount",
                    f"the total value {figure(row['total_value'])} is less than the amount {figure(row['amount'])}",
                    field="total_value",
                )
            )
    return findings


def _party_problems(facts: Facts, chosen: list[int]) -> list[Finding]:
    findings = []
    for index in chosen:
        row = facts.rows["systems"][index]
        parties = ("vendor_organization_id", "operator_organization_id")
        if all(row[p] is None for p in parties) and facts.known("systems", index, *parties):
            findings.append(
                Finding(
                    *facts.where("systems", index),
                    "system-without-party",
                    "a system needs a vendor_organization_id, an operator_organization_id or both",
                )
            )
    return findings


def parent_problems(facts: Facts) -> list[Finding]:
    """Organizations whose chain of parents leads back to themselves (the whole table at once)."""
    data = facts.package.tables["organizations"].data
    ids = data.column("organization_id").to_pylist()
    parents = dict(zip(ids, data.column("parent_organization_id").to_pylist(), strict=True))
    findings = []
    for index, org in enumerate(ids):
        seen, current = {org}, parents.get(org)
        while current is not None and current not in seen:
            seen.add(current)
            current = parents.get(current)
        if current is not None:
            findings.append(
                Finding(
                    *facts.where("organizations", index),
                    "parent-cycle",
                    f"following parent_organization_id from {org} leads back to {current}",
                    field="parent_organization_id",
                )
            )
    return findings
