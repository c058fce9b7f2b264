"""Evidence checks: each evidence row cites one fact and a quote that is in its document, and each
fact value a schema rule covers is stated by the quotes cited for it (see checks/facts.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..core.arrays import positions
from ..core.findings import Finding
from ..core.suggest import did_you_mean
from . import quotes as ev
from .facts import (
    EVIDENCE,
    FACTS,
    NAME_FIELDS,
    RULE,
    RULE_FIELDS,
    Citation,
    Facts,
    figure,
    names_of,
    reference,
    targets,
)
from .passages import Hints


def citation_problems(facts: Facts, every_row: bool = False) -> list[Finding]:
    """Each evidence row: one fact, fields that fact has, a quote that is in the document.

    pyarrow picks the rows that may break one of these (every row if `every_row`), and each
    distinct (document, quote) pair is looked up once; only the rows picked are read as dicts.
    """
    package = facts.package
    table = package.tables[EVIDENCE]
    pointers = targets(package)
    # Documents are long and cited many times: normalize each once, and only those looked in.
    texts = ev.Normalized(package.texts)
    hints = Hints(package, texts)
    fields_of = {name: set(package.view(name).field_names) for name in pointers}
    pointing = list(pointers.items())
    # Whether a quote occurs in its document, asked once per distinct pair.
    found: dict[tuple[str, str], bool] = {}
    chosen = range(len(facts.rows[EVIDENCE])) if every_row else _suspects(facts, texts, fields_of, found)
    rows = facts.rows[EVIDENCE]
    rows.load(chosen)
    findings = []
    for index in chosen:
        row = rows[index]
        line = table.line(index)
        bad = table.unknown.get(index)
        chosen_targets = [name for name, column in pointing if row[column] is not None]
        if len(chosen_targets) != 1 and (bad is None or bad.isdisjoint(pointers.values())):
            columns = ", ".join(pointers.values())
            findings.append(
                Finding(
                    table.path,
                    line,
                    "evidence-target",
                    f"fill exactly one of {columns}; {len(chosen_targets)} are filled",
                )
            )
        for name in chosen_targets:
            known = fields_of[name]
            for unknown in [f for f in row["fields"] or [] if f not in known]:
                findings.append(
                    Finding(
                        table.path,
                        line,
                        "unknown-field",
                        f"{name} has no field {unknown!r}" + did_you_mean(unknown, known),
                        field="fields",
                    )
                )
        text = texts.get(row["document_id"])
        if text is None or (bad is not None and "quote" in bad):
            continue
        pair = (row["document_id"], row["quote"])
        if pair not in found:
            found[pair] = ev.normalize(row["quote"]) in text
        if not found[pair]:
            # Only a failing quote is explained: the hints are the slow part.
            hint = hints.explain(row["quote"], row["document_id"])
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


def _suspects(
    facts: Facts, texts: Mapping[str, str], fields_of: dict[str, set[str]], found: dict[tuple[str, str], bool]
) -> list[int]:
    """The evidence rows citation_problems must read: a reported cell, not one target, a field
    the target lacks, or a quote not found (`found` gets the answer for each distinct pair)."""
    table = facts.package.tables[EVIDENCE]
    data = table.data
    pointers = targets(facts.package)
    picked: set[int] = set(table.unknown)
    filled = [pc.cast(pc.is_valid(data.column(c)), pa.int8()) for c in pointers.values()]
    count = filled[0] if len(filled) == 1 else _sum(filled)
    picked.update(pc.indices_nonzero(pc.not_equal(count, 1)).to_pylist())
    fields = data.column("fields").combine_chunks()
    items, owners = pc.list_flatten(fields), pc.list_parent_indices(fields)
    for name, column in pointers.items():
        mine = pc.take(pc.is_valid(data.column(column)), owners)
        stray = pc.and_(
            mine, pc.invert(pc.is_in(items, value_set=pa.array(sorted(fields_of[name]), pa.string())))
        )
        picked.update(pc.filter(owners, pc.fill_null(stray, False)).to_pylist())
    pairs = pa.table(
        {
            "document_id": data.column("document_id"),
            "quote": data.column("quote"),
            "row": positions(len(data)),
        }
    )
    grouped = pairs.group_by(["document_id", "quote"], use_threads=False).aggregate([("row", "list")])
    missing = []
    for position, (doc, quote) in enumerate(
        zip(grouped.column("document_id").to_pylist(), grouped.column("quote").to_pylist(), strict=True)
    ):
        text = texts.get(doc) if doc is not None and quote is not None else None
        if text is not None:
            found[doc, quote] = ev.normalize(quote) in text
            if not found[doc, quote]:
                missing.append(position)
    lists = pc.take(grouped.column("row_list"), pa.array(missing, pa.int64()))
    picked.update(pc.list_flatten(lists).to_pylist())
    return sorted(picked)


def _sum(arrays: list[Any]) -> Any:
    total = arrays[0]
    for more in arrays[1:]:
        total = pc.add(total, more)
    return total


def support_problems(facts: Facts, chosen: Mapping[str, Iterable[int]]) -> list[Finding]:
    """Each chosen fact row has a quote; each value a field's rule covers is stated by the quotes cited for it."""
    findings = []
    for name in FACTS:
        rules = [
            (spec.name, rule, _reads(facts, name, spec.name, rule))
            for spec in facts.package.view(name).fields
            if (rule := spec.get(RULE))
        ]
        table = facts.package.tables[name]
        for index in chosen.get(name, ()):
            row = facts.rows[name][index]
            if not facts.settled(name, index):
                continue
            path, line = table.path, table.line(index)
            cited = facts.cited(name, row)
            if not cited:
                findings.append(
                    Finding(path, line, "no-evidence", f"no evidence row cites {facts.row_id(name, row)}")
                )
                continue
            # Most rows have no reported cell: one look-up says so for every rule.
            bad = table.unknown.get(index)
            for field_name, rule, reads in rules:
                value = row[field_name]
                if bad is not None and not bad.isdisjoint(reads):
                    continue
                if value is None or any(row.get(k) == v for k, v in rule.get("unless", {}).items()):
                    continue
                for message in _unsupported(facts, name, row, field_name, rule):
                    findings.append(Finding(path, line, "unsupported-value", message, field=field_name))
            for citation in cited:
                empties = [f for f in citation.fields if f in row and row[f] is None]
                for empty in [f for f in empties if bad is None or f not in bad]:
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


def _reads(facts: Facts, name: str, field_name: str, rule: dict[str, Any]) -> list[str]:
    """The fields of the row a field's rule reads."""
    fields = [field_name, *(rule[key] for key in RULE_FIELDS[rule["match"]]), *rule.get("unless", {})]
    if rule["match"] == "named" and reference(facts, name, field_name) is None:
        fields += NAME_FIELDS  # the row is named by its own name or aliases
    return fields


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


def _undated(
    facts: Facts, row: dict[str, Any], field_name: str, rule: dict[str, Any], cited: list[Citation]
) -> Iterable[str]:
    date, _ = ev.parse_partial_date(row[field_name])
    if date is None:
        return  # reported by value_problems
    if row.get(rule["basis"]) == "publication":
        for citation in cited:
            if citation.document_id not in facts.published:
                continue  # no such document: the key check reports the reference, once
            published = facts.published[citation.document_id]
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


def _unnamed(facts: Facts, name: str, row: dict[str, Any], field_name: str) -> Iterable[str]:
    target = reference(facts, name, field_name)
    if target is None:
        names = names_of(row)
    else:
        found = facts.referred(target, row[field_name])
        if found is None:
            return  # a dangling key, reported as foreign-key
        index, referred = found
        if not facts.known(target, index, *NAME_FIELDS):
            return  # the names are a bad cell, reported as bad-value
        names = names_of(referred)
    quotes = facts.cited(name, row)
    if not any(ev.names_in(n, c.quote) for n in names for c in quotes):
        yield f"none of the quotes cited for {facts.row_id(name, row)} names {' / '.join(names)}"
