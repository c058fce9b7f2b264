"""The column-wise fact checks find what the row-by-row rules find when every row is judged.

checks/groups.py judges one row of each group of alike rows, and evidence.citation_problems
reads only the evidence rows pyarrow picks; with `every_row` both read every row, as the
checks did before. On a scaled package with injected errors, and with errors the row rules
find (values no quote states, a fact with no evidence, a wrong year, a system with no party,
an organization its quotes do not name), both ways give the same findings.
"""

from __future__ import annotations

import csv
import functools
import sys
from pathlib import Path

import pytest

from faceledger import checks
from faceledger.checks import evidence, groups
from faceledger.validate import validate

from .support import REPO

sys.path.insert(0, str(REPO / "bench"))
from facts_package import generate  # noqa: E402


def edit(root: Path, name: str, row_id: str, changes: dict[str, str] | None) -> int:
    """Change cells of the row with id `row_id` (or drop it, for None); its file line."""
    path = root / "dataset" / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header, *body = list(csv.reader(handle))
    index = next(i for i, row in enumerate(body) if row[0] == row_id)
    if changes is None:
        del body[index]
    else:
        for column, value in changes.items():
            body[index][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *body])
    return index + 2


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[tuple[str, int]]]:
    made = generate(tmp_path_factory.mktemp("groups") / "repo", 600, 30)
    root = made.root
    lines = {
        ("dataset/contracts.csv", edit(root, "contracts", "con-met-police-nec-n3", {"amount": "4300000"})),
        ("dataset/contracts.csv", edit(root, "contracts", "con-ice-trust-stamp-n5", {"award_year": "2020"})),
        ("dataset/systems.csv", edit(root, "systems", "sys-clearview-ai-n7", {"vendor_organization_id": ""})),
        ("dataset/organizations.csv", edit(root, "organizations", "org-nec-n9", {"name": "Nippon Elec"})),
    }
    # Its only evidence gone, a system has no evidence (and its values no quote).
    for cited in ("ev-ice-mobile-fortify-app-n4", "ev-ice-mobile-fortify-draws-on-n4"):
        edit(root, "evidence", cited, None)
    return root, lines


def found(root: Path) -> set[tuple[str, str, int | None, str | None, str]]:
    return {(f.code, f.path, f.line, f.field, f.message) for f in validate(root)}


def test_judging_groups_finds_what_judging_every_row_finds(package, monkeypatch: pytest.MonkeyPatch):
    root, lines = package
    grouped = found(root)
    monkeypatch.setattr(groups, "judged", functools.partial(groups.judged, every_row=True))
    monkeypatch.setattr(
        evidence, "citation_problems", functools.partial(evidence.citation_problems, every_row=True)
    )
    assert checks.groups.judged.keywords == {"every_row": True}
    every = found(root)
    assert grouped == every
    # The edits were found, so the comparison covers the row rules, not only clean rows.
    assert lines <= {(path, line) for _, path, line, *_ in every}
    codes = {code for code, *_ in every}
    assert {"unsupported-value", "year-mismatch", "system-without-party", "no-evidence"} <= codes
    assert {"quote-not-found", "private-person", "foreign-key", "duplicate-key"} <= codes


def test_loading_chosen_rows_makes_the_rows_their_named_references_follow(package):
    """Facts.load takes the rows a `named` rule follows with the chosen rows, one take per table,
    where the rule would otherwise take each one alone (0.4 s for 7,000 rows at a million)."""
    from faceledger.checks import facts as facts_module
    from faceledger.ingest.repository import read_repository

    root, _ = package
    indexed = facts_module.index(read_repository(root))
    contracts = indexed.rows["contracts"]
    chosen = list(range(0, len(contracts), 7))
    indexed.load({"contracts": chosen})
    view = indexed.package.view("contracts")
    named = [spec.name for spec in view.fields if (spec.get(facts_module.RULE) or {}).get("match") == "named"]
    followed = set()
    for field_name in named:
        fk = view.reference(field_name)
        if fk is None:
            continue
        ids = indexed.package.tables[fk.resource].data.column(fk.reference_fields[0]).to_pylist()
        # A repeated id refers to its last row, as Facts.referred has it.
        last = {value: index for index, value in enumerate(ids)}
        referred = (last.get(contracts[i][field_name]) for i in chosen)
        followed |= {(fk.resource, index) for index in referred if index is not None}
    assert {target for target, _ in followed} == {"organizations"}
    assert all(index in indexed.rows[target]._made for target, index in followed)
