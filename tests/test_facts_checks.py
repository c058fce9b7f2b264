"""Each check of the curated facts catches its bad input: a finding with code, file, line
and field, exit code 1, and no release written.

Every test copies the real repository, breaks exactly one thing, and runs the real
`faceledger build` on it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faceledger.cli import app
from faceledger.privacy import PRIVATE_NAMES, name_digest

REPO = Path(__file__).resolve().parents[1]
COPIED = ("seeds", "schema", "dataset", "datapackage.json", "CHANGELOG.md", "LICENSE-DATA")
ORGS, SYSTEMS, CONTRACTS, EVIDENCE = (
    f"dataset/{n}.csv" for n in ("organizations", "systems", "contracts", "evidence")
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copyfile(source, root / name)
    return root


def replace(root: Path, rel: str, old: str, new: str) -> int:
    """Replace the one occurrence of `old`; return the file line the new text starts on."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text[: text.index(new)].count("\n") + 1


def line_of(root: Path, rel: str, text: str) -> int:
    content = (root / rel).read_text(encoding="utf-8")
    assert content.count(text) == 1
    return content[: content.index(text)].count("\n") + 1


def append(root: Path, rel: str, row: str) -> int:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(text + row + "\n", encoding="utf-8")
    return text.count("\n") + 1


def failed_build(root: Path) -> list[dict]:
    """Run `faceledger build`; it must fail with exit 1 and write no release."""
    result = CliRunner().invoke(app, ["build", "--root", str(root), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert not (root / "dist").exists() or not any((root / "dist").iterdir())
    return json.loads(result.stdout)


def assert_finding(
    findings: list[dict], code: str, path: str, line: int | None, field: str | None = None, says: str = ""
) -> dict:
    for finding in findings:
        if (
            (finding["code"], finding["path"], finding["line"]) == (code, path, line)
            and (field is None or finding["field"] == field)
            and says in finding["message"]
        ):
            assert finding["severity"] == "error"
            return finding
    raise AssertionError(
        f"no {code} at {path}:{line} [{field}] saying {says!r} in:\n" + json.dumps(findings, indent=1)
    )


def test_the_repository_builds(repo: Path) -> None:
    """The baseline every other test breaks: without the break, build succeeds."""
    result = CliRunner().invoke(app, ["build", "--root", str(repo)])
    assert result.exit_code == 0, result.output
    assert (repo / "dist" / "faceledger-0.1.0" / "SHA256SUMS").is_file()


def test_quote_not_in_document(repo: Path) -> None:
    line = replace(repo, EVIDENCE, "org-nec,,,,London Met taps NEC", "org-nec,,,,London Met taps NEC Ltd")
    finding = assert_finding(failed_build(repo), "quote-not-found", EVIDENCE, line, "quote")
    assert "doc-f61ac30f759b96b9" in finding["message"]


def test_quote_matching_does_not_fold_case(repo: Path) -> None:
    line = replace(repo, EVIDENCE, "Congress demanded more", "congress demanded more")
    finding = assert_finding(failed_build(repo), "quote-not-found", EVIDENCE, line, "quote")
    assert "different capitals" in finding["message"]


def test_quote_tolerates_whitespace_and_typographic_quotes(repo: Path) -> None:
    # The document has a curly apostrophe ("Trust Stamp’s"); a straight one and a line break match too.
    replace(repo, EVIDENCE, "ICE drops $3.9M for Trust Stamp’s", "\"ICE drops $3.9M\nfor  Trust Stamp's")
    result = CliRunner().invoke(app, ["build", "--root", str(repo), "--check"])
    assert "quote-not-found" not in result.output


def test_amount_no_quote_supports(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",3750000,9225000,", ",3570000,9225000,")
    finding = assert_finding(failed_build(repo), "unsupported-value", CONTRACTS, line, "amount")
    assert "$3,750,000" in finding["message"]


def test_total_value_no_quote_supports(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",3750000,9225000,", ",3750000,9252000,")
    assert_finding(failed_build(repo), "unsupported-value", CONTRACTS, line, "total_value")


def test_a_bound_is_not_an_amount(repo: Path) -> None:
    # "nearly four million dollars" and "nearly $4 million" say the amount is below the figure.
    line = replace(repo, CONTRACTS, ",3750000,9225000,", ",4000000,9225000,")
    replace(
        repo,
        EVIDENCE,
        "ev-ice-clearview-ai-hsi-buyer,doc-5e364076180ccc23,,,con-ice-clearview-ai-hsi,,",
        "ev-ice-clearview-ai-hsi-buyer,doc-5e364076180ccc23,,,con-ice-clearview-ai-hsi,amount,",
    )
    assert_finding(
        failed_build(repo),
        "unsupported-value",
        CONTRACTS,
        line,
        "amount",
        says="ev-ice-clearview-ai-hsi-buyer",
    )


def test_amount_in_another_currency(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",4200000,,USD,", ",4200000,,GBP,")
    finding = assert_finding(failed_build(repo), "unsupported-value", CONTRACTS, line, "amount")
    assert "4200000 GBP" in finding["message"]


def test_amount_without_a_quote_for_it(repo: Path) -> None:
    replace(repo, EVIDENCE, "con-met-police-nec,amount|award_date,", "con-met-police-nec,award_date,")
    line = line_of(repo, CONTRACTS, "con-met-police-nec,")
    finding = assert_finding(failed_build(repo), "unsupported-value", CONTRACTS, line, "amount")
    assert "no quote is cited for amount" in finding["message"]


def test_date_no_quote_supports(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",--09-05,", ",--09-06,")
    finding = assert_finding(failed_build(repo), "unsupported-value", CONTRACTS, line, "award_date")
    assert "September 5" in finding["message"]


def test_date_guessing_a_year_is_unsupported(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",--09-05,", ",2025-09-05,")
    assert_finding(failed_build(repo), "unsupported-value", CONTRACTS, line, "award_date")


def test_publication_year_must_be_the_documents(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",4200000,,USD,2021,", ",4200000,,USD,2020,")
    finding = assert_finding(failed_build(repo), "unsupported-value", CONTRACTS, line, "award_date")
    assert "published (2021)" in finding["message"]


def test_future_date(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",4200000,,USD,2021,", ",4200000,,USD,2022,")
    finding = assert_finding(failed_build(repo), "future-date", CONTRACTS, line, "award_date")
    assert "2021-09-27" in finding["message"]


def test_impossible_date(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",--09-05,", ",--09-31,")
    assert_finding(failed_build(repo), "bad-date", CONTRACTS, line, "award_date")


def test_precision_must_agree_with_the_date(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",--09-05,day,", ",--09-05,month,")
    assert_finding(failed_build(repo), "precision-mismatch", CONTRACTS, line, "award_date_precision")


def test_dangling_foreign_key(repo: Path) -> None:
    line = replace(
        repo, EVIDENCE, ",con-met-police-nec,,London Met selects", ",con-met-police-ncr,,London Met selects"
    )
    assert_finding(failed_build(repo), "foreign-key", EVIDENCE, line, "contract_id")


def test_dangling_parent_organization(repo: Path) -> None:
    line = replace(repo, ORGS, ",US,org-dhs,", ",US,org-dhs-hq,")
    assert_finding(failed_build(repo), "foreign-key", ORGS, line, "parent_organization_id")


def test_duplicate_id(repo: Path) -> None:
    line = append(repo, SYSTEMS, "sys-ice-mobile-fortify,Mobile Fortify,proper,programme,,org-ice,,")
    finding = assert_finding(failed_build(repo), "duplicate-key", SYSTEMS, line, "system_id")
    assert "line 4" in finding["message"]


def test_id_not_matching_its_pattern(repo: Path) -> None:
    line = replace(repo, ORGS, "org-nec,", "org-NEC,")
    assert_finding(failed_build(repo), "bad-value", ORGS, line, "organization_id")


def test_malformed_row(repo: Path) -> None:
    line = append(repo, CONTRACTS, "con-broken,contract,org-ice")
    assert_finding(failed_build(repo), "malformed-row", CONTRACTS, line)


def test_unknown_column(repo: Path) -> None:
    replace(repo, ORGS, "aliases,reference_url\n", "aliases,reference_url,notes\n")
    finding = assert_finding(failed_build(repo), "header-mismatch", ORGS, 1)
    assert "unknown column(s) notes" in finding["message"]


def test_no_person_kind(repo: Path) -> None:
    line = replace(repo, ORGS, "Trust Stamp,vendor,", "Trust Stamp,person,")
    assert_finding(failed_build(repo), "bad-value", ORGS, line, "kind")


def test_listed_private_person_as_an_entity(repo: Path) -> None:
    with (repo / PRIVATE_NAMES).open("a", encoding="utf-8") as handle:
        handle.write(name_digest("Jane Example") + "\n")
    line = append(repo, ORGS, "org-jane-example,Jane Example,vendor,,,,")
    findings = failed_build(repo)
    assert_finding(findings, "private-person", ORGS, line, "name")
    assert_finding(findings, "private-person", ORGS, line, "organization_id")


def test_listed_private_person_in_a_quote(repo: Path) -> None:
    # The sentence is taken from the seed so that no private name is written in this file.
    text = (repo / "seeds/004_2521c0302a7bf621.txt").read_text(encoding="utf-8")
    start = text.index("Authorities arrested")
    sentence = text[start : text.index(".", start) + 1]
    line = append(repo, EVIDENCE, f'ev-ice-arrest,doc-5e364076180ccc23,org-ice,,,,"{sentence}"')
    assert_finding(failed_build(repo), "private-person", EVIDENCE, line, "quote")


def test_private_names_list_is_required(repo: Path) -> None:
    (repo / PRIVATE_NAMES).unlink()
    assert_finding(failed_build(repo), "missing-file", PRIVATE_NAMES, None)


def test_unknown_currency(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",4200000,,USD,", ",4200000,,USS,")
    assert_finding(failed_build(repo), "unknown-code", CONTRACTS, line, "currency")


def test_unknown_country(repo: Path) -> None:
    # "UK" is not ISO 3166-1: the United Kingdom is GB.
    line = replace(repo, ORGS, ",police-force,GB,", ",police-force,UK,")
    assert_finding(failed_build(repo), "unknown-code", ORGS, line, "country")


def test_amount_must_be_positive(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",4200000,,USD,", ",-4200000,,USD,")
    assert_finding(failed_build(repo), "non-positive-amount", CONTRACTS, line, "amount")


def test_amount_needs_a_currency(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",4200000,,USD,", ",4200000,,,")
    assert_finding(failed_build(repo), "missing-currency", CONTRACTS, line, "currency")


def test_total_below_amount(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",3750000,9225000,", ",3750000,922500,")
    assert_finding(failed_build(repo), "total-below-amount", CONTRACTS, line, "total_value")


def test_customer_rows_carry_no_terms(repo: Path) -> None:
    line = replace(
        repo,
        CONTRACTS,
        "con-nasa-clearview-ai-customer,customer,org-nasa,,org-clearview-ai,,,",
        "con-nasa-clearview-ai-customer,customer,org-nasa,,org-clearview-ai,,1000,",
    )
    assert_finding(failed_build(repo), "relationship-mismatch", CONTRACTS, line, "amount")


def test_contract_rows_need_a_vendor(repo: Path) -> None:
    line = replace(
        repo,
        CONTRACTS,
        "con-met-police-nec,contract,org-met-police,,org-nec,",
        "con-met-police-nec,contract,org-met-police,,,",
    )
    assert_finding(failed_build(repo), "relationship-mismatch", CONTRACTS, line, "vendor_organization_id")


def test_purpose_must_be_quoted_words(repo: Path) -> None:
    line = replace(
        repo,
        CONTRACTS,
        "AI-powered facial recognition at migrant detention",
        "AI facial recognition in migrant detention",
    )
    assert_finding(failed_build(repo), "unsupported-value", CONTRACTS, line, "purpose")


def test_party_not_named_in_the_quotes(repo: Path) -> None:
    line = replace(
        repo,
        CONTRACTS,
        "con-met-police-nec,contract,org-met-police,,org-nec,",
        "con-met-police-nec,contract,org-met-police,,org-clearview-ai,",
    )
    finding = assert_finding(
        failed_build(repo), "unsupported-value", CONTRACTS, line, "vendor_organization_id"
    )
    assert "Clearview AI / Clearview" in finding["message"]


def test_proper_name_must_be_quoted(repo: Path) -> None:
    line = replace(
        repo,
        SYSTEMS,
        "sys-ice-mobile-fortify,Mobile Fortify,proper,",
        "sys-ice-mobile-fortify,Mobile Fortress,proper,",
    )
    assert_finding(failed_build(repo), "unsupported-value", SYSTEMS, line, "name")


def test_fact_without_evidence(repo: Path) -> None:
    replace(repo, EVIDENCE, "ev-nec-taps,doc-f61ac30f759b96b9,org-nec,", "ev-nec-taps,doc-f61ac30f759b96b9,,")
    assert_finding(failed_build(repo), "no-evidence", ORGS, line_of(repo, ORGS, "org-nec,"))


def test_evidence_for_two_facts_at_once(repo: Path) -> None:
    line = replace(
        repo,
        EVIDENCE,
        "ev-nec-taps,doc-f61ac30f759b96b9,org-nec,,,",
        "ev-nec-taps,doc-f61ac30f759b96b9,org-nec,,con-met-police-nec,",
    )
    assert_finding(failed_build(repo), "evidence-target", EVIDENCE, line)


def test_evidence_for_a_field_the_fact_lacks(repo: Path) -> None:
    line = replace(
        repo, EVIDENCE, "con-met-police-nec,amount|award_date,", "con-met-police-nec,amout|award_date,"
    )
    assert_finding(failed_build(repo), "unknown-field", EVIDENCE, line, "fields")


def test_country_and_parent_need_a_source(repo: Path) -> None:
    line = replace(
        repo,
        ORGS,
        ",org-dhs,ICE|Immigration and Customs Enforcement,https://www.ice.gov/about-ice",
        ",org-dhs,ICE|Immigration and Customs Enforcement,",
    )
    findings = failed_build(repo)
    assert_finding(findings, "unsupported-value", ORGS, line, "country")
    assert_finding(findings, "unsupported-value", ORGS, line, "parent_organization_id")


def test_parent_cycle(repo: Path) -> None:
    line = replace(repo, ORGS, "government-agency,US,,DHS,", "government-agency,US,org-hsi,DHS,")
    assert_finding(failed_build(repo), "parent-cycle", ORGS, line, "parent_organization_id")


def test_system_needs_a_vendor_or_operator(repo: Path) -> None:
    line = replace(repo, SYSTEMS, "proper,programme,,org-ice,", "proper,programme,,,")
    assert_finding(failed_build(repo), "system-without-party", SYSTEMS, line)


def test_validate_reports_the_same_and_exits_1(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",3750000,9225000,", ",3570000,9225000,")
    result = CliRunner().invoke(app, ["validate", "--root", str(repo), "--format", "json"])
    assert result.exit_code == 1
    assert_finding(json.loads(result.stdout), "unsupported-value", CONTRACTS, line, "amount")
    assert not (repo / "dist").exists()
