"""Each check of the curated facts catches its bad input: a finding with code, file, line
and field, exit code 1, and no release written.

Every test copies the real repository, breaks exactly one thing, and runs the real
`faceledger build` on it.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from faceledger.checks import privacy
from faceledger.checks.privacy import PRIVATE_NAMES, name_digest

from .support import cli, replace

ORGS, SYSTEMS, CONTRACTS, EVIDENCE = (
    f"dataset/{n}.csv" for n in ("organizations", "systems", "contracts", "evidence")
)


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
    result = cli("build", "--root", str(root), "--format", "json")
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
    result = cli("build", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert (repo / "dist" / "faceledger-0.1.0" / "SHA256SUMS").is_file()


def test_quote_tolerates_whitespace_and_typographic_quotes(repo: Path) -> None:
    # The document has a curly apostrophe ("Trust Stamp’s"); a straight one and a line break match too.
    replace(
        repo,
        EVIDENCE,
        "amount,ICE drops $3.9M for Trust Stamp’s facial recognition\n",
        'amount,"ICE drops $3.9M\nfor  Trust Stamp\'s facial recognition"\n',
    )
    result = cli("build", "--root", str(repo))
    assert result.exit_code == 0, result.output


# One break per case: (file, text, replacement, code, field, words the message must contain).
# The finding must sit on the line of the replacement.
BREAKS = {
    "quote not in the document": (
        EVIDENCE,
        "org-nec,,,,London Met taps NEC",
        "org-nec,,,,London Met taps NEC Ltd",
        "quote-not-found",
        "quote",
        "doc-7e1c7702085be4f0",
    ),
    "quote with other capitals": (
        EVIDENCE,
        "Congress demanded more",
        "congress demanded more",
        "quote-not-found",
        "quote",
        "different capitals",
    ),
    "amount no quote states": (
        CONTRACTS,
        ",3750000,9225000,",
        ",3570000,9225000,",
        "unsupported-value",
        "amount",
        "$3,750,000",
    ),
    "total value no quote states": (
        CONTRACTS,
        ",3750000,9225000,",
        ",3750000,9252000,",
        "unsupported-value",
        "total_value",
        "$9,225,000",
    ),
    "amount in another currency": (
        CONTRACTS,
        ",4200000,,USD,",
        ",4200000,,GBP,",
        "unsupported-value",
        "amount",
        "4200000 GBP",
    ),
    "date no quote states": (
        CONTRACTS,
        ",--09-05,",
        ",--09-06,",
        "unsupported-value",
        "award_date",
        "September 5",
    ),
    "a guessed year": (
        CONTRACTS,
        ",--09-05,",
        ",2025-09-05,",
        "unsupported-value",
        "award_date",
        "September 5",
    ),
    "publication year not the document's": (
        CONTRACTS,
        ",4200000,,USD,2021,",
        ",4200000,,USD,2020,",
        "unsupported-value",
        "award_date",
        "(2021)",
    ),
    "date later than its source": (
        CONTRACTS,
        ",4200000,,USD,2021,",
        ",4200000,,USD,2022,",
        "future-date",
        "award_date",
        "2021-09-27",
    ),
    "impossible date": (CONTRACTS, ",--09-05,", ",--09-31,", "bad-date", "award_date", "no day 31"),
    "precision disagreeing with the date": (
        CONTRACTS,
        ",--09-05,,day,",
        ",--09-05,,month,",
        "precision-mismatch",
        "award_date_precision",
        "",
    ),
    "dangling foreign key": (
        EVIDENCE,
        ",con-met-police-nec,,London Met selects",
        ",con-met-police-ncr,,London Met selects",
        "foreign-key",
        "contract_id",
        "con-met-police-ncr",
    ),
    "dangling parent": (
        ORGS,
        ",US,org-dhs,",
        ",US,org-dhs-hq,",
        "foreign-key",
        "parent_organization_id",
        "org-dhs-hq",
    ),
    "id off its pattern": (ORGS, "org-nec,", "org-NEC,", "bad-value", "organization_id", "pattern"),
    "unknown column": (
        ORGS,
        "aliases,reference_url\n",
        "aliases,reference_url,notes\n",
        "header-mismatch",
        None,
        "unknown column(s) notes",
    ),
    "a person as an organization": (
        ORGS,
        "Trust Stamp,vendor,",
        "Trust Stamp,person,",
        "bad-value",
        "kind",
        "",
    ),
    "unknown currency": (
        CONTRACTS,
        ",4200000,,USD,",
        ",4200000,,USS,",
        "unknown-code",
        "currency",
        "ISO 4217",
    ),
    # "UK" is not ISO 3166-1: the United Kingdom is GB.
    "unknown country": (
        ORGS,
        ",police-force,GB,",
        ",police-force,UK,",
        "unknown-code",
        "country",
        "ISO 3166-1",
    ),
    "negative amount": (
        CONTRACTS,
        ",4200000,,USD,",
        ",-4200000,,USD,",
        "non-positive-amount",
        "amount",
        "",
    ),
    "amount without currency": (
        CONTRACTS,
        ",4200000,,USD,",
        ",4200000,,,",
        "missing-currency",
        "currency",
        "",
    ),
    "total below the amount": (
        CONTRACTS,
        ",3750000,9225000,",
        ",3750000,922500,",
        "total-below-amount",
        "total_value",
        "",
    ),
    "terms on a customer row": (
        CONTRACTS,
        "customer,org-nasa,,org-clearview-ai,,,",
        "customer,org-nasa,,org-clearview-ai,,1000,",
        "relationship-mismatch",
        "amount",
        "",
    ),
    "contract without a vendor": (
        CONTRACTS,
        "contract,org-met-police,,org-nec,",
        "contract,org-met-police,,,",
        "relationship-mismatch",
        "vendor_organization_id",
        "",
    ),
    "purpose not in the quote's words": (
        CONTRACTS,
        "AI-powered facial recognition at migrant",
        "AI facial recognition in migrant",
        "unsupported-value",
        "purpose",
        "",
    ),
    "party the quotes do not name": (
        CONTRACTS,
        "contract,org-met-police,,org-nec,",
        "contract,org-met-police,,org-clearview-ai,",
        "unsupported-value",
        "vendor_organization_id",
        "Clearview AI / Clearview",
    ),
    "proper name the quotes do not give": (
        SYSTEMS,
        ",Mobile Fortify,proper,",
        ",Mobile Fortress,proper,",
        "unsupported-value",
        "name",
        "",
    ),
    "evidence for two facts": (
        EVIDENCE,
        "ev-nec-taps,doc-7e1c7702085be4f0,org-nec,,,",
        "ev-nec-taps,doc-7e1c7702085be4f0,org-nec,,con-met-police-nec,",
        "evidence-target",
        None,
        "",
    ),
    "evidence for a field the fact lacks": (
        EVIDENCE,
        "con-met-police-nec,amount|award_date,",
        "con-met-police-nec,amout|award_date,",
        "unknown-field",
        "fields",
        "amout",
    ),
    "parent in a cycle": (
        ORGS,
        "government-agency,US,,DHS,",
        "government-agency,US,org-hsi,DHS,",
        "parent-cycle",
        "parent_organization_id",
        "",
    ),
    "system with neither vendor nor operator": (
        SYSTEMS,
        "proper,programme,,org-ice,",
        "proper,programme,,,",
        "system-without-party",
        None,
        "",
    ),
}


@pytest.mark.parametrize(
    ("rel", "old", "new", "code", "field", "says"), list(BREAKS.values()), ids=list(BREAKS)
)
def test_bad_input(repo: Path, rel: str, old: str, new: str, code: str, field: str | None, says: str) -> None:
    line = replace(repo, rel, old, new)
    assert_finding(failed_build(repo), code, rel, line, field, says)


def test_a_bound_is_not_an_amount(repo: Path) -> None:
    # "nearly four million dollars" says the amount is below a figure, in words: no amount at all.
    line = replace(repo, CONTRACTS, ",3750000,9225000,", ",4000000,9225000,")
    replace(
        repo,
        EVIDENCE,
        "ev-ice-clearview-ai-hsi-buyer,doc-32821b28e9779e12,,,con-ice-clearview-ai-hsi,,",
        "ev-ice-clearview-ai-hsi-buyer,doc-32821b28e9779e12,,,con-ice-clearview-ai-hsi,amount,",
    )
    assert_finding(failed_build(repo), "unsupported-value", CONTRACTS, line, "amount", "no amount in figures")


def test_amount_without_a_quote_for_it(repo: Path) -> None:
    replace(repo, EVIDENCE, "con-met-police-nec,amount|award_date,", "con-met-police-nec,award_date,")
    line = line_of(repo, CONTRACTS, "con-met-police-nec,")
    assert_finding(failed_build(repo), "unsupported-value", CONTRACTS, line, "amount", "no quote is cited")


def test_duplicate_id(repo: Path) -> None:
    line = append(repo, SYSTEMS, "sys-ice-mobile-fortify,Mobile Fortify,proper,programme,,org-ice,,")
    assert_finding(failed_build(repo), "duplicate-key", SYSTEMS, line, "system_id", "already used on line 4")


def test_malformed_row(repo: Path) -> None:
    line = append(repo, CONTRACTS, "con-broken,contract,org-ice")
    assert_finding(failed_build(repo), "malformed-row", CONTRACTS, line)


def test_fact_without_evidence(repo: Path) -> None:
    replace(repo, EVIDENCE, "ev-nec-taps,doc-7e1c7702085be4f0,org-nec,", "ev-nec-taps,doc-7e1c7702085be4f0,,")
    assert_finding(failed_build(repo), "no-evidence", ORGS, line_of(repo, ORGS, "org-nec,"))


def test_country_and_parent_need_a_source(repo: Path) -> None:
    line = replace(repo, ORGS, "Customs Enforcement,https://www.ice.gov/about-ice", "Customs Enforcement,")
    findings = failed_build(repo)
    assert_finding(findings, "unsupported-value", ORGS, line, "country", "reference_url")
    assert_finding(findings, "unsupported-value", ORGS, line, "parent_organization_id", "reference_url")


def test_listed_private_person_as_an_entity(repo: Path) -> None:
    with (repo / PRIVATE_NAMES).open("a", encoding="utf-8") as handle:
        handle.write(name_digest("Jane Example") + "\n")
    line = append(repo, ORGS, "org-jane-example,Jane Example,vendor,,,,")
    findings = failed_build(repo)
    assert_finding(findings, "private-person", ORGS, line, "name", "jane example")
    assert_finding(findings, "private-person", ORGS, line, "organization_id")


def test_listed_private_person_in_a_quote(repo: Path) -> None:
    # The sentence is taken from the seed so that no private name is written in this file.
    text = (repo / "seeds/004_2521c0302a7bf621.txt").read_text(encoding="utf-8")
    start = text.index("Authorities arrested")
    sentence = text[start : text.index(".", start) + 1]
    line = append(repo, EVIDENCE, f'ev-ice-arrest,doc-32821b28e9779e12,org-ice,,,,"{sentence}"')
    assert_finding(failed_build(repo), "private-person", EVIDENCE, line, "quote")


def test_private_names_list_is_required(repo: Path) -> None:
    (repo / PRIVATE_NAMES).unlink()
    assert_finding(failed_build(repo), "missing-file", PRIVATE_NAMES, None)


def test_validate_reports_the_same_and_exits_1(repo: Path) -> None:
    line = replace(repo, CONTRACTS, ",3750000,9225000,", ",3570000,9225000,")
    result = cli("validate", "--root", str(repo), "--format", "json")
    assert result.exit_code == 1
    assert_finding(json.loads(result.stdout), "unsupported-value", CONTRACTS, line, "amount")
    assert not (repo / "dist").exists()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('{"match": "amount", "currency": "currency"}', '{"match": "amout", "currency": "currency"}'),
        ('"x-faceledger-standard": "ISO 4217"', '"x-faceledger-standard": "ISO 4127"'),
        ('"basis": "award_date_source"', '"basis": "award_date_basis"'),
    ],
    ids=["unknown match", "unknown standard", "rule naming a missing field"],
)
def test_schema_annotation_the_checks_cannot_follow(repo: Path, old: str, new: str) -> None:
    text = (repo / "schema/contracts.json").read_text(encoding="utf-8")
    assert old in text
    (repo / "schema/contracts.json").write_text(text.replace(old, new, 1), encoding="utf-8")
    assert_finding(failed_build(repo), "invalid-schema", "schema/contracts.json", None)


def test_schema_frictionless_refuses_is_a_finding(repo: Path) -> None:
    # Our reader applies a pattern to each list item; frictionless refuses to load the schema at all.
    path = repo / "schema/evidence.json"
    text = path.read_text(encoding="utf-8")
    old = '"delimiter": "|",'
    assert text.count(old) == 1
    path.write_text(text.replace(old, old + ' "constraints": {"pattern": "[a-z_]+"},'), encoding="utf-8")
    result = cli("validate", "--frictionless", "--root", str(repo), "--format", "json")
    assert result.exit_code == 1, result.output
    assert_finding(
        json.loads(result.stdout), "frictionless-schema-error", "datapackage.json", None, says="pattern"
    )


def test_private_names_are_found_alike_on_one_core_and_two(repo: Path) -> None:
    """With two jobs a child process scans beside the other checks (checks/__init__.py check)."""
    with (repo / PRIVATE_NAMES).open("a", encoding="utf-8") as handle:
        handle.write(name_digest("Jane Example") + "\n")
    line = append(repo, ORGS, "org-jane-example,Jane Example,vendor,,,,")
    one, two = (cli("validate", "--root", str(repo), "--format", "json", "--jobs", j) for j in ("1", "2"))
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    assert_finding(json.loads(two.stdout), "private-person", ORGS, line, "name", "jane example")


def listed_people(repo: Path, names: list[str]) -> list[int]:
    with (repo / PRIVATE_NAMES).open("a", encoding="utf-8") as handle:
        handle.writelines(name_digest(name) + "\n" for name in names)
    slugs = [name.lower().replace(" ", "-") for name in names]
    return [
        append(repo, ORGS, f"org-{slug},{name},vendor,,,,") for slug, name in zip(slugs, names, strict=True)
    ]


@pytest.mark.parametrize("child_dies", [False, True])
def test_the_scan_shared_with_a_child_finds_what_one_process_finds(
    repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, child_dies: bool
) -> None:
    """A child scans chunks from the front, this process from the back; a chunk the child took and never answered is scanned here."""
    lines = listed_people(repo, ["Jane Example", "John Sample", "Mary Placeholder"])
    log, parent, scan = tmp_path / "scanned", os.getpid(), privacy.Scan.suspects

    def suspects(self: privacy.Scan, index: int) -> list[str]:
        found = scan(self, index)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        if child_dies and found and os.getpid() != parent:
            os._exit(1)
        time.sleep(0.005)  # so that neither takes every chunk before the other starts
        return found

    monkeypatch.setattr(privacy, "CHUNK", 4)
    monkeypatch.setattr(privacy.Scan, "suspects", suspects)
    one = cli("validate", "--root", str(repo), "--format", "json", "--jobs", "1")
    log.unlink()
    two = cli("validate", "--root", str(repo), "--format", "json", "--jobs", "2")
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    found = [f["line"] for f in json.loads(two.stdout) if f["code"] == "private-person" and f["path"] == ORGS]
    assert sorted(set(found)) == lines
    assert len(set(log.read_text(encoding="utf-8").split())) == 2
