"""Fact rows grouped by everything the row-by-row rules read, so each group is judged once.

The rules of evidence.support_problems and values.value_problems read a fact row's cells,
the quotes cited for it and, for a `named` reference, the names of the row it refers to.
Rows that agree on all of those (they differ in their ids, and in the ids of what they
cite) have a finding or none alike: the rules run on one row of each group, and on every
row of a group only when that one has a finding, so the messages name each row's own ids.

What a row's rules read, column by column, goes into its group key:
- its own id: not at all (it only finds the citations, which are in the key);
- a foreign key: whether it is empty, or, for a `named` field, the names and state of the
  row it refers to;
- any other cell as it is;
- its citations in order, each as its fields, document and quote.
A row with a reported cell, or cited by evidence with one, is a group of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..core.arrays import positions
from ..core.findings import Finding
from .facts import EVIDENCE, FACTS, NAME_FIELDS, RULE, RULE_FIELDS, YEAR_OF, Facts, key_field, targets

# Joins a list cell's items into one key; a cell holding it makes the key ambiguous, so then
# every row is its own group.
_SEPARATOR = "\x1f"

RowRules = Callable[[Facts, Mapping[str, Iterable[int]]], list[Finding]]


def judged(facts: Facts, rules: RowRules, every_row: bool = False) -> list[Finding]:
    """The findings of `rules` on every fact row, from one row of each group and the groups it fails."""
    if every_row or _ambiguous(facts):
        everything = {name: range(len(facts.rows[name])) for name in FACTS}
        facts.load(everything)
        return rules(facts, everything)
    codes = _citation_codes(facts)
    groups = {name: _groups(facts, name, codes) for name in FACTS}
    firsts = {name: pc.list_element(members, 0).to_pylist() for name, members in groups.items()}
    facts.load(firsts)
    findings = rules(facts, firsts)
    failed_lines: dict[str, set[int | None]] = {}
    for finding in findings:
        failed_lines.setdefault(finding.path, set()).add(finding.line)
    rest: dict[str, list[int]] = {}
    for name, members in groups.items():
        table = facts.package.tables[name]
        lines = failed_lines.get(table.path, set())
        failing = [g for g, first in enumerate(firsts[name]) if table.line(first) in lines]
        if failing:
            # Each group's first row has been judged already.
            chosen = pc.list_slice(pc.take(members, pa.array(failing, pa.int64())), 1)
            rest[name] = pc.list_flatten(chosen).to_pylist()
    if rest:
        facts.load(rest)
        findings += rules(facts, rest)
    return findings


def _groups(facts: Facts, name: str, codes: pa.Array) -> pa.Array:
    """The rows of `name` grouped by what the rules read: a list array, one list of row indices a group."""
    package = facts.package
    table = package.tables[name]
    data = table.data
    view = package.view(name)
    key = key_field(view)
    references = {fk.fields[0]: fk.resource for fk in view.foreign_keys if len(fk.fields) == 1}
    named = {spec.name for spec in view.fields if (spec.get(RULE) or {}).get("match") == "named"}
    # Fields a rule reads beyond its own: their values count, not only whether they are empty.
    read = {value for spec in view.fields if (rule := spec.get(RULE)) for value in _parameters(rule)}
    read |= {spec.get(YEAR_OF) for spec in view.fields if spec.get(YEAR_OF)}
    columns: dict[str, Any] = {}
    for column in data.column_names:
        cells = data.column(column).combine_chunks()
        if column == key:
            continue
        if column in named and column in references:
            columns.update(_referred(facts, column, references[column], cells))
        elif column in references and column not in read:
            columns[column] = pc.is_valid(cells)
        else:
            columns[column] = _keyable(cells)
    columns["__cited"] = _citations(facts, name, data.column(key), codes)
    rows = positions(data.num_rows)
    unsure = pa.array(sorted(str(v) for n, v in facts.unsure if n == name), pa.string())
    alone = pc.or_(
        pc.or_(pc.is_null(data.column(key)), pc.is_in(data.column(key), value_set=unsure)),
        pc.is_in(rows, value_set=pa.array(sorted(table.unknown), pa.int64())),
    )
    columns["__alone"] = pc.if_else(alone, rows, pa.scalar(None, pa.int64()))
    columns["__row"] = rows
    keyed = pa.table(columns)
    names = [c for c in keyed.column_names if c != "__row"]
    grouped = keyed.group_by(names, use_threads=False).aggregate([("__row", "list")])
    return grouped.column("__row_list").combine_chunks()


def _parameters(rule: dict[str, Any]) -> list[str]:
    match = str(rule.get("match"))
    return [rule[k] for k in RULE_FIELDS.get(match, ()) if k in rule] + list(rule.get("unless", {}))


def _keyable(cells: pa.Array) -> pa.Array:
    """A column as a group_by key can take it: a list's items joined."""
    if pa.types.is_list(cells.type) or pa.types.is_large_list(cells.type):
        return pc.binary_join(pc.cast(cells, pa.list_(pa.string())), _SEPARATOR)
    return cells


def _referred(facts: Facts, column: str, target: str, cells: pa.Array) -> dict[str, pa.Array]:
    """For a `named` reference: the names of the row referred to, and whether they were read."""
    table = facts.package.tables[target]
    ids = table.data.column(key_field(facts.package.view(target))).combine_chunks()
    # Facts.referred takes the last row of a repeated id: so does this.
    backwards = pc.index_in(cells, value_set=ids[::-1])
    index = pc.subtract(pa.scalar(len(ids) - 1, pa.int32()), backwards)
    unread = [i for i, bad in table.unknown.items() if not bad.isdisjoint(NAME_FIELDS)]
    found = {
        f"{column}__index_found": pc.is_valid(index),
        f"{column}__unread": pc.is_in(index, value_set=pa.array(unread, pa.int32())),
        f"{column}__valid": pc.is_valid(cells),
    }
    for part in NAME_FIELDS:
        if part in table.data.column_names:
            found[f"{column}__{part}"] = _keyable(pc.take(table.data.column(part).combine_chunks(), index))
    return found


def _citation_codes(facts: Facts) -> pa.Array:
    """Each evidence row's (fields, document, quote) as one number: equal numbers, equal citations."""
    data = facts.package.tables[EVIDENCE].data
    parts = [
        pc.dictionary_encode(_keyable(data.column(c).combine_chunks()))
        for c in ("fields", "document_id", "quote")
    ]
    code = pa.scalar(0, pa.int64())
    for part in parts:
        size = pa.scalar(len(part.dictionary) + 1, pa.int64())
        code = pc.add(pc.multiply(code, size), pc.add(pc.fill_null(pc.cast(part.indices, pa.int64()), -1), 1))
    return code


def _citations(facts: Facts, name: str, ids: Any, codes: pa.Array) -> pa.Array:
    """Each row's citations in evidence order, as one key: the codes of its citations joined."""
    evidence = facts.package.tables[EVIDENCE]
    pointer = targets(facts.package).get(name)
    if pointer is None:
        return pa.nulls(len(ids), pa.string())
    data = evidence.data
    rows = positions(data.num_rows)
    # Evidence with a reported cell cites nothing (see facts.index): what it cites is a group of its own.
    keep = pc.and_(
        pc.is_valid(data.column(pointer)),
        pc.invert(pc.is_in(rows, value_set=pa.array(sorted(evidence.unknown), pa.int64()))),
    )
    cited = pa.table({"target": data.column(pointer), "code": codes}).filter(keep)
    grouped = cited.group_by("target", use_threads=False).aggregate([("code", "list")])
    joined = pc.binary_join(pc.cast(grouped.column("code_list"), pa.list_(pa.string())), ",")
    return pc.take(joined, pc.index_in(ids, value_set=grouped.column("target")))


def _ambiguous(facts: Facts) -> bool:
    """Whether a list cell of a fact or evidence holds the separator the keys join items with."""
    for name in (*FACTS, EVIDENCE):
        data = facts.package.tables[name].data
        for column in data.column_names:
            cells = data.column(column)
            if (
                pa.types.is_list(cells.type)
                and pc.any(pc.match_substring(pc.list_flatten(cells), _SEPARATOR)).as_py()
            ):
                return True
    return False
