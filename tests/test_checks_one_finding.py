"""One bad cell, one finding: what follows from a cell already reported is not reported again.

Each test copies the real repository, breaks one cell (or one row), and runs the
real `faceledger build`: it must fail (exit 1, nothing written) with exactly one
finding beyond those of the unbroken repository, on the line and field broken.
Before the reader kept rows with a bad cell, the row was dropped and every key
pointing at it came back as a foreign-key error, every fact it was evidence for
as a fact without evidence, and so on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .support import History, cli, copy_repo, replace, write_csv

ORGS, SYSTEMS, CONTRACTS, EVIDENCE = (
    f"dataset/{n}.csv" for n in ("organizations", "systems", "contracts", "evidence")
)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The findings of the unbroken repository (its warnings), which every break keeps."""
    root = copy_repo(tmp_path_factory.mktemp("baseline") / "repo")
    result = cli("validate", "--root", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def new_findings(root: Path, baseline: list[dict]) -> list[dict]:
    result = cli("build", "--root", str(root), "--format", "json")
    assert result.exit_code == 1, result.output
    assert not (root / "dist").exists()
    return [f for f in json.loads(result.stdout) if f not in baseline]


# (file, text, replacement, code, field, words the message must contain)
BREAKS = {
    # The case: this gave 1 bad-value and 7 foreign-key findings.
    "a reference_url off its pattern": (
        ORGS,
        "https://www.clearview.ai/",
        "ftp://www.clearview.ai/",
        "bad-value",
        "reference_url",
        "pattern",
    ),
    "an organization id off its pattern": (ORGS, "org-nec,", "org-NEC,", "bad-value", "organization_id", ""),
    "an organization kind not in its enum": (
        ORGS,
        "Trust Stamp,vendor,",
        "Trust Stamp,person,",
        "bad-value",
        "kind",
        "one of",
    ),
    "an organization without its required name": (
        ORGS,
        "org-nec,NEC Corporation,",
        "org-nec,,",
        "bad-value",
        "name",
        "required",
    ),
    "a vendor id off its pattern": (
        SYSTEMS,
        "product,org-nec,,",
        "product,NEC,,",
        "bad-value",
        "vendor_organization_id",
        "",
    ),
    "a currency off its pattern": (
        CONTRACTS,
        ",4200000,,USD,",
        ",4200000,,usd,",
        "bad-value",
        "currency",
        "",
    ),
    "an amount that is not a number": (
        CONTRACTS,
        ",4200000,,USD,",
        ",4200000x,,USD,",
        "bad-value",
        "amount",
        "number",
    ),
    "an award date off its pattern": (CONTRACTS, ",--09-05,", ",Sept 5,", "bad-value", "award_date", ""),
    "a vendor that is not an organization id": (
        CONTRACTS,
        "con-met-police-nec,contract,org-met-police,,org-nec,",
        "con-met-police-nec,contract,org-met-police,,NEC,",
        "bad-value",
        "vendor_organization_id",
        "",
    ),
    "evidence for an organization id off its pattern": (
        EVIDENCE,
        "ev-nec-taps,doc-7e1c7702085be4f0,org-nec,",
        "ev-nec-taps,doc-7e1c7702085be4f0,ORG-NEC,",
        "bad-value",
        "organization_id",
        "",
    ),
    "evidence quoting a document id off its pattern": (
        EVIDENCE,
        "ev-nec-taps,doc-7e1c7702085be4f0,",
        "ev-nec-taps,doc-f61ac30f759b96,",
        "bad-value",
        "document_id",
        "",
    ),
    "a quote too short to be evidence": (
        EVIDENCE,
        ",,,,well-known and controversial facial recognition firm Clearview AI",
        ",,,,Clearview AI",
        "bad-value",
        "quote",
        "shorter",
    ),
}


@pytest.mark.parametrize(
    ("rel", "old", "new", "code", "field", "says"), list(BREAKS.values()), ids=list(BREAKS)
)
def test_one_bad_cell_is_one_finding(repo: Path, baseline: list[dict], rel, old, new, code, field, says):
    line = replace(repo, rel, old, new)
    findings = new_findings(repo, baseline)
    assert [(f["code"], f["path"], f["line"], f["field"], f["severity"]) for f in findings] == [
        (code, rel, line, field, "error")
    ], json.dumps(findings, indent=1)
    assert says in findings[0]["message"]


def test_a_cell_breaking_two_constraints_is_one_finding(repo: Path, baseline: list[dict]):
    # Too short for minLength and off the pattern: both reasons, in one finding.
    line = replace(repo, ORGS, "org-nec,NEC Corporation,", "org-nec,N,")
    path = repo / "schema/organizations.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    name = next(spec for spec in schema["fields"] if spec["name"] == "name")
    name["constraints"]["pattern"] = ".{3,}"
    path.write_text(json.dumps(schema), encoding="utf-8")
    findings = new_findings(repo, baseline)
    assert [(f["code"], f["line"], f["field"]) for f in findings] == [("bad-value", line, "name")]
    assert "shorter than 2" in findings[0]["message"] and "pattern" in findings[0]["message"]


def test_a_row_with_a_cell_missing_is_one_finding(repo: Path, baseline: list[dict]):
    # Every contract and system of NEC points at this row; none of them is reported.
    line = replace(
        repo, ORGS, "org-nec,NEC Corporation,vendor,JP,,NEC,", "org-nec,NEC Corporation,vendor,JP,NEC,"
    )
    findings = new_findings(repo, baseline)
    assert [(f["code"], f["path"], f["line"]) for f in findings] == [("malformed-row", ORGS, line)]


def test_a_file_unreadable_from_a_line_on_is_one_finding(repo: Path, baseline: list[dict]):
    # The rows after the stray quote are not read; the keys pointing at them are not reported.
    line = replace(repo, ORGS, "org-nec,NEC Corporation,", 'org-nec,"NEC" Corporation,')
    findings = new_findings(repo, baseline)
    assert [(f["code"], f["path"], f["line"]) for f in findings] == [("malformed-csv", ORGS, line)]


def test_a_bad_cell_does_not_hide_a_problem_of_its_own(repo: Path, baseline: list[dict]):
    # A dangling key elsewhere in the table is still reported beside the bad cell.
    bad = replace(repo, ORGS, "https://www.clearview.ai/", "ftp://www.clearview.ai/")
    dangling = replace(repo, ORGS, ",US,org-dhs,", ",US,org-dhs-hq,")
    findings = new_findings(repo, baseline)
    assert sorted((f["code"], f["line"], f["field"]) for f in findings) == [
        ("bad-value", bad, "reference_url"),
        ("foreign-key", dangling, "parent_organization_id"),
    ]


def test_a_bad_tombstone_is_one_finding(two: History, tmp_path: Path):
    # ven-p's rename leads through ven-q's tombstone, whose reason is missing: where it leads
    # is unknown, so it is not reported as a rename to an id that does not exist.
    root = two.copy(tmp_path / "repo")
    write_csv(
        root,
        "dataset/tombstones.csv",
        [
            "resource,id,status,replaced_by,last_version,reason",
            "vendors,ven-p,renamed,ven-q,0.1.0,Why.",
            "vendors,ven-q,renamed,ven-idemia,0.1.0,",
        ],
    )
    result = cli("validate", "--root", str(root), "--format", "json")
    assert result.exit_code == 1
    errors = [f for f in json.loads(result.stdout) if f["severity"] == "error"]
    assert [(f["code"], f["path"], f["line"], f["field"]) for f in errors] == [
        ("bad-value", "dataset/tombstones.csv", 3, "reason")
    ]
