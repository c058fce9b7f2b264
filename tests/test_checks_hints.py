"""Findings a contributor can act on: each says what to write instead, not only what is wrong.

Every test breaks one thing in a copy of the real repository and reads the real
`faceledger validate --format json`.
"""

from __future__ import annotations

import json
from pathlib import Path

from faceledger.checks import check, quotes
from faceledger.checks.keys import unique_problems
from faceledger.checks.passages import closest
from faceledger.core.files import dump_json
from faceledger.core.findings import Finding
from faceledger.core.schema import Schema, read_json
from faceledger.core.suggest import nearest
from faceledger.ingest.repository import read_repository
from faceledger.ingest.tables import broken_constraints, read_csv

from .support import REPO, TOMBSTONES_HEADER, cli, replace, spy, write_csv

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


# A quote that is not in its document ---------------------------------------------------------------

AWARD = "The September 5 purchase awards $3,750,000 to well-known"
TITLE = "ICE drops $3.9M for Trust Stamp’s facial recognition"  # doc-7e1c7702085be4f0, listed by seed 000


def test_a_misquoted_figure_shows_the_closest_passage_and_the_difference(repo: Path):
    line = replace(repo, EVIDENCE, AWARD, AWARD.replace("3,750,000", "3,570,000"))
    message = only(repo, "quote-not-found", EVIDENCE, line)["message"]
    assert message.startswith("the quote does not occur in doc-32821b28e9779e12's title, excerpt or body; ")
    assert (
        'closest passage (99% alike) at "…The September 5 purchase awards $3,750,000 to well-known' in message
    )
    assert message.endswith('the quote has "$3,570,000" where the document has "$3,750,000"')


def test_a_word_left_out_and_a_word_changed_are_both_named(repo: Path):
    old = "Mobile Fortify taps into a wide array of government databases"
    line = replace(repo, EVIDENCE, old, "Mobile Fortify taps a wide range of government databases")
    message = only(repo, "quote-not-found", EVIDENCE, line)["message"]
    assert 'the document has "into", which the quote leaves out' in message
    assert 'the quote has "range" where the document has "array"' in message


def test_a_quote_copied_from_the_seeds_raw_bytes_is_told_to_quote_the_repaired_text(repo: Path):
    raw = (repo / "seeds" / "000_feff060093cf589f.txt").read_text(encoding="utf-8")
    mojibake = TITLE.replace("’", "â€™")
    assert mojibake in raw  # the seed really has it: ftfy repairs it in the document
    line = replace(repo, EVIDENCE, f"amount,{TITLE}\n", f"amount,{mojibake}\n")
    message = only(repo, "quote-not-found", EVIDENCE, line)["message"]
    assert message == (
        "the quote does not occur in doc-7e1c7702085be4f0's title, excerpt or body; the quote matches the "
        "raw bytes of seeds/000_feff060093cf589f.txt, which contain mojibake; quote the repaired text as "
        f'`faceledger show doc-7e1c7702085be4f0` prints it: "{TITLE}"'
    )


def test_a_quote_from_another_document_names_it(repo: Path):
    line = replace(
        repo,
        EVIDENCE,
        "ev-trust-stamp-company,doc-6b2ffdc075ca2b3c,",
        "ev-trust-stamp-company,doc-7e1c7702085be4f0,",
    )
    message = only(repo, "quote-not-found", EVIDENCE, line)["message"]
    assert message.endswith("; it occurs in doc-6b2ffdc075ca2b3c: is document_id the one you meant?")


def test_a_quote_like_nothing_in_the_document_says_so(repo: Path):
    old = "The record indicates the total value of the contract is $9,225,000."
    line = replace(repo, EVIDENCE, old, "Nothing like this sentence appears anywhere at all.")
    message = only(repo, "quote-not-found", EVIDENCE, line)["message"]
    assert message.endswith(
        "; no passage of it is like the quote: read it with `faceledger show doc-32821b28e9779e12`"
    )


def test_the_closest_passage_of_a_text_shorter_than_the_quote():
    passage = closest(
        "ICE drops $3.9M for Trust Stamp's recognition and more", "ICE drops $3.9M for Trust Stamp's"
    )
    assert passage is not None and passage.text == "ICE drops $3.9M for Trust Stamp's"
    assert passage.starts and passage.ends
    assert passage.differences == ['the quote has "recognition and more", which the document does not']
    assert closest("", "some text") is None and closest("a quote", "") is None


# What a valid value looks like ----------------------------------------------------------------------

CONTRACTS = "dataset/contracts.csv"


def test_an_id_off_its_pattern_is_told_the_example_and_form_from_the_schema(repo: Path):
    line = replace(repo, ORGS, "org-nec,", "Org_NEC,")
    finding = only(repo, "bad-value", ORGS, line)
    assert finding["message"] == (
        "'Org_NEC' does not fit organization_id; write it like org-ice: 'org-' and lower-case words "
        "joined by hyphens (pattern org-[a-z0-9]+(-[a-z0-9]+)*)"
    )


def test_a_date_in_another_form_is_told_how_dates_are_written(repo: Path):
    line = replace(repo, CONTRACTS, ",--09-05,", ",03/12/2024,")
    message = only(repo, "bad-value", CONTRACTS, line)["message"]
    assert message.startswith("'03/12/2024' does not fit award_date; write it like 2021-09-05: YYYY-MM-DD, ")
    assert "--MM-DD for a month and day with no year" in message


def test_a_code_in_lower_case_is_told_its_form(repo: Path):
    line = replace(repo, CONTRACTS, ",4200000,,USD,", ",4200000,,usd,")
    message = only(repo, "bad-value", CONTRACTS, line)["message"]
    assert message.startswith("'usd' does not fit currency; write it like USD: an ISO 4217 code")


def test_an_enum_value_lists_the_allowed_ones_and_suggests_a_near_one(repo: Path):
    line = replace(repo, ORGS, "Trust Stamp,vendor,", "Trust Stamp,vender,")
    assert only(repo, "bad-value", ORGS, line)["message"] == (
        "'vender' is not one of: government-agency, police-force, military, vendor, university; did you mean vendor?"
    )


def test_every_patterned_field_has_an_example_that_fits_it():
    for path in sorted((REPO / "schema").glob("*.json")):
        schema = Schema.from_dict(read_json(path), path.stem)
        for spec in schema.fields:
            if "pattern" in spec.constraints:
                assert spec.get("example") is not None, (path.name, spec.name)
                assert broken_constraints(spec, spec.get("example")) == [], (path.name, spec.name)


def test_an_example_that_breaks_its_own_field_is_refused(repo: Path):
    rel = "schema/organizations.json"
    schema = read_json(repo / rel)
    spec = next(s for s in schema["fields"] if s["name"] == "organization_id")
    spec["example"] = "ORG-ICE"
    (repo / rel).write_bytes(dump_json(schema))
    result = cli("build", "--root", str(repo), "--format", "json")
    assert result.exit_code == 1
    (finding,) = [f for f in json.loads(result.stdout) if f["code"] == "invalid-schema"]
    assert (finding["path"], finding["field"]) == (rel, "organization_id")
    assert finding["message"].startswith(
        "the example breaks the field's own constraints: 'ORG-ICE' does not match"
    )


def read(tmp_path: Path, kind: str, cell: str) -> str:
    schema = {"fields": [{"name": "when", "type": kind, "description": "A time."}], "missingValues": [""]}
    (tmp_path / "t.csv").write_text(f"when\n{cell}\n", encoding="utf-8")
    _, problems = read_csv("t", tmp_path / "t.csv", "t.csv", schema)
    (problem,) = problems
    return problem.message


def test_date_and_datetime_cells_are_told_the_form_in_words(tmp_path: Path):
    assert read(tmp_path, "datetime", "03/12/2024") == (
        "'03/12/2024' is datetime-typed: not a date and time in ISO 8601 form: write YYYY-MM-DDTHH:MM:SSZ"
    )
    assert read(tmp_path, "datetime", "2024-03-12T10:00:00").endswith("(end it with Z for UTC)")
    assert read(tmp_path, "date", "03/12/2024").endswith("not a date in YYYY-MM-DD form")
    assert read(tmp_path, "date", "2024-02-30").startswith(
        "'2024-02-30' is date-typed: not a day of the calendar"
    )


def test_a_publication_time_in_front_matter_is_told_the_form(repo: Path):
    for name, stamp, says in [
        (
            "slashes",
            "24/09/2021 18:20",
            "is not a date and time in ISO 8601 form: write YYYY-MM-DDTHH:MM:SSZ",
        ),
        ("no-such-day", "2023-02-30T10:00:00Z", "is not a time that exists (day is out of range for month)"),
    ]:
        (repo / "seeds" / f"{name}.txt").write_text(
            f'---\ntitle: "t"\npublishedDateTime: "{stamp}"\n---\n', encoding="utf-8"
        )
        assert only(repo, "bad-date", f"seeds/{name}.txt", 3)["message"] == f"'{stamp}' {says}"


# Findings on the pull request's diff ----------------------------------------------------------------


def test_validate_prints_github_workflow_commands_at_the_findings_file_and_line(repo: Path):
    line = replace(repo, EVIDENCE, AWARD, AWARD.replace("3,750,000", "3,570,000"))
    result = cli("validate", "--root", str(repo), "--format", "github")
    assert result.exit_code == 1
    (command,) = [c for c in result.stdout.splitlines() if "title=quote-not-found" in c]
    assert command.startswith(
        f"::error file=dataset/evidence.csv,line={line},title=quote-not-found::[quote] "
    )
    # In the message only %, CR and LF are escaped: its colons and commas stay.
    assert "closest passage (99%25 alike) at" in command
    assert 'the quote has "$3,570,000" where the document has "$3,750,000"' in command
    warnings = [c for c in result.stdout.splitlines() if c.startswith("::warning ")]
    assert warnings and all("line=" not in c for c in warnings)  # metadata-missing has no line
    assert "error(s)" in result.stderr and "::" not in result.stderr


def test_github_commands_escape_what_the_runner_would_misread():
    finding = Finding(
        "data/a,b:c.csv", None, "bad-value", "50% off\r\nline two: a, b", field="x", severity="info"
    )
    assert (
        finding.as_github()
        == "::notice file=data/a%2Cb%3Ac.csv,title=bad-value::[x] 50%25 off%0D%0Aline two: a, b"
    )
    assert Finding("f.csv", 3, "stale", "m").as_github() == "::error file=f.csv,line=3,title=stale::m"


def test_only_the_documents_evidence_cites_are_normalized(monkeypatch):
    # Normalizing every document's text took 0.6 s of each validate at 20k documents.
    package = read_repository(REPO)
    texts = {text: doc for doc, text in package.texts.items()}
    seen = spy(monkeypatch, quotes, "normalize", lambda result, text: texts.get(text))
    assert not [f for f in check(package) if f.severity == "error"]
    cited = set(package.tables["evidence"].data.column("document_id").to_pylist())
    assert {doc for doc in seen if doc} == cited
    assert len(package.texts) > len(cited)


def test_a_repeated_key_of_two_fields_is_reported_at_each_repeat_against_its_first_line(tmp_path: Path):
    schema = {
        "fields": [
            {"name": "kind", "type": "string", "description": "A kind."},
            {"name": "id", "type": "string", "description": "An id."},
        ],
        "primaryKey": ["kind", "id"],
        "missingValues": [""],
    }
    rows = ["a,1", "b,1", "a,1", ",1", ",1", "a,2", "b,1", "a,1"]
    (tmp_path / "t.csv").write_text("kind,id\n" + "\n".join(rows) + "\n", encoding="utf-8")
    table, _ = read_csv("t", tmp_path / "t.csv", "t.csv", schema)
    assert table is not None
    found = [(f.line, f.message) for f in unique_problems(table, Schema.from_dict(schema, "t"))]
    # Lines count the header: row "a,1" first is line 2. Blank fields are left to the required checks.
    assert found == [
        (4, "a, 1 is already used on line 2"),
        (8, "b, 1 is already used on line 3"),
        (9, "a, 1 is already used on line 2"),
    ]
