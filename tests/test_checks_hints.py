"""Findings a contributor can act on: each says what to write instead, not only what is wrong.

Every test breaks one thing in a copy of the real repository and reads the real
`faceledger validate --format json`.
"""

from __future__ import annotations

import json
from pathlib import Path

from faceledger.core.suggest import nearest

from .support import TOMBSTONES_HEADER, cli, replace, write_csv

ORGS, EVIDENCE = "dataset/organizations.csv", "dataset/evidence.csv"


def findings(root: Path, code: str) -> list[dict]:
    result = cli("validate", "--root", str(root), "--format", "json")
    assert result.exit_code == 1, result.output
    return [f for f in json.loads(result.stdout) if f["code"] == code]


def only(root: Path, code: str, path: str, line: int) -> dict:
    found = [f for f in findings(root, code) if (f["path"], f["line"]) == (path, line)]
    assert len(found) == 1, found
    return found[0]


# Did you mean ---------------------------------------------------------------------------------------


def test_nearest_suggests_a_typo_and_nothing_far_or_ambiguous():
    ids = ["org-ice", "org-dhs", "org-fbi", "org-nec", "org-clearview-ai"]
    assert nearest("org-imce", ids) == "org-ice"
    assert nearest("org-clearview", ids) == "org-clearview-ai"
    assert nearest("org-xyz", ids) is None  # shares only the prefix
    assert nearest("org-ice", ids) is None  # a known value is no typo
    assert nearest("ven-ab", ["ven-aa", "ven-bb"], cutoff=50) is None  # a tie: no one answer


def test_a_dangling_key_suggests_the_nearest_id(repo: Path):
    line = replace(repo, ORGS, ",US,org-dhs,", ",US,org-dhz,")
    finding = only(repo, "foreign-key", ORGS, line)
    assert finding["message"] == "org-dhz is not an organization_id in organizations; did you mean org-dhs?"


def test_a_dangling_key_far_from_every_id_suggests_nothing(repo: Path):
    line = replace(repo, ORGS, ",US,org-dhs,", ",US,org-homeland-security,")
    finding = only(repo, "foreign-key", ORGS, line)
    assert finding["message"] == "org-homeland-security is not an organization_id in organizations"


def test_an_evidence_row_for_a_missing_contract_suggests_the_nearest(repo: Path):
    line = replace(
        repo, EVIDENCE, ",con-met-police-nec,,London Met selects", ",con-met-police-ncr,,London Met selects"
    )
    finding = only(repo, "foreign-key", EVIDENCE, line)
    assert finding["message"].endswith("is not a contract_id in contracts; did you mean con-met-police-nec?")


def test_an_unknown_field_in_evidence_suggests_the_field(repo: Path):
    line = replace(
        repo, EVIDENCE, "con-met-police-nec,amount|award_date,", "con-met-police-nec,amount|awrd_date,"
    )
    finding = only(repo, "unknown-field", EVIDENCE, line)
    assert finding["message"] == "contracts has no field 'awrd_date'; did you mean award_date?"


def test_a_rename_to_a_missing_id_suggests_the_nearest(repo: Path):
    write_csv(
        repo,
        "dataset/tombstones.csv",
        [TOMBSTONES_HEADER, "organizations,org-old,renamed,org-icee,0.1.0,Why."],
    )
    finding = only(repo, "unknown-replacement", "dataset/tombstones.csv", 2)
    assert finding["message"].endswith("which is not an id in organizations; did you mean org-ice?")
