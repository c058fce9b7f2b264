"""The facts the seeds report are in every release format, each with the quotes behind it."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from faceledger.checks.privacy import name_digest, private_names_in, read_digests, words
from faceledger.validate import validate

from .support import REPO

FORMATS = ("csv", "parquet", "json")
RESOURCES = ("documents", "organizations", "systems", "contracts", "evidence")
BUSINESS_INSIDER = "doc-6b2ffdc075ca2b3c"
MEDIA_404 = "doc-32821b28e9779e12"
BIOMETRIC_UPDATE = "doc-7e1c7702085be4f0"


def read_csv(folder: Path, name: str) -> list[dict[str, Any]]:
    """Rows typed back from CSV with the schema the release ships."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    specs = next(r for r in descriptor["resources"] if r["name"] == name)["schema"]["fields"]
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for spec in specs:
            cell = row[spec["name"]]
            if cell == "":
                row[spec["name"]] = None
            elif spec["type"] == "list":
                row[spec["name"]] = cell.split(spec["delimiter"])
            elif spec["type"] == "number":
                row[spec["name"]] = float(cell)
            elif spec["type"] == "integer":
                row[spec["name"]] = int(cell)
    return rows


def read_rows(release: Path, fmt: str, name: str) -> list[dict[str, Any]]:
    folder = release / fmt
    if fmt == "csv":
        return read_csv(folder, name)
    if fmt == "parquet":
        return pq.read_table(folder / f"{name}.parquet").to_pylist()
    lines = (folder / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module", params=FORMATS)
def tables(request: pytest.FixtureRequest, built: Path) -> dict[str, list[dict[str, Any]]]:
    return {name: read_rows(built, request.param, name) for name in RESOURCES}


def by_id(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows}


def quotes(tables: dict, column: str, fact_id: str, field: str | None = None) -> dict[str, str]:
    """The quotes cited for a fact (for one field, if given), mapped to their document."""
    return {
        e["quote"]: e["document_id"]
        for e in tables["evidence"]
        if e[column] == fact_id and (field is None or field in (e["fields"] or []))
    }


def test_the_repository_validates_clean() -> None:
    findings = validate(REPO)
    assert [f for f in findings if f.severity == "error"] == []


def test_release_carries_the_fact_resources(built: Path) -> None:
    for fmt, suffix in (("csv", ".csv"), ("parquet", ".parquet"), ("json", ".jsonl")):
        descriptor = json.loads((built / fmt / "datapackage.json").read_text(encoding="utf-8"))
        names = [r["name"] for r in descriptor["resources"]]
        for name in ("organizations", "systems", "contracts", "evidence"):
            assert name in names
            assert (built / fmt / f"{name}{suffix}").stat().st_size > 0


def test_ice_trust_stamp(tables: dict) -> None:
    contract = by_id(tables["contracts"], "contract_id")["con-ice-trust-stamp"]
    assert contract["relationship"] == "contract"
    assert (contract["buyer_organization_id"], contract["vendor_organization_id"]) == (
        "org-ice",
        "org-trust-stamp",
    )
    assert (contract["amount"], contract["currency"]) == (3_900_000, "USD")
    assert (contract["award_date"], contract["award_date_precision"]) == ("2021", "year")
    assert contract["award_date_source"] == "publication"
    assert "migrant detention facilities" in contract["purpose"]
    system = by_id(tables["systems"], "system_id")[contract["system_id"]]
    assert "3D renderings" in system["description"]
    cited = quotes(tables, "contract_id", "con-ice-trust-stamp", "amount")
    assert (
        cited[
            "ICE just paid $3.9 million for 'rapid' AI-powered facial recognition at migrant detention facilities"
        ]
        == BUSINESS_INSIDER
    )
    assert cited["ICE drops $3.9M for Trust Stamp’s facial recognition"] == BIOMETRIC_UPDATE


def test_ice_clearview_award_for_hsi(tables: dict) -> None:
    contract = by_id(tables["contracts"], "contract_id")["con-ice-clearview-ai-hsi"]
    assert (contract["buyer_organization_id"], contract["end_user_organization_id"]) == ("org-ice", "org-hsi")
    assert contract["vendor_organization_id"] == "org-clearview-ai"
    assert (contract["amount"], contract["total_value"], contract["currency"]) == (
        3_750_000,
        9_225_000,
        "USD",
    )
    # The document gives "September 5" and no year: the year stays unknown.
    assert (contract["award_date"], contract["award_date_precision"]) == ("--09-05", "day")
    assert contract["purpose"].startswith(
        "facial recognition software, which supports Homeland Security Investigations"
    )
    assert "child sexual exploitation" in contract["purpose"]
    amount = quotes(tables, "contract_id", "con-ice-clearview-ai-hsi", "amount")
    assert any("September 5" in q and "$3,750,000" in q for q in amount)
    total = quotes(tables, "contract_id", "con-ice-clearview-ai-hsi", "total_value")
    assert list(total) == ["The record indicates the total value of the contract is $9,225,000."]
    purpose = quotes(tables, "contract_id", "con-ice-clearview-ai-hsi", "purpose")
    assert all("procurement records" in q and doc == MEDIA_404 for q, doc in purpose.items())


def test_clearview_customers_without_amounts(tables: dict) -> None:
    customers = {
        c["buyer_organization_id"]: c
        for c in tables["contracts"]
        if c["relationship"] == "customer" and c["vendor_organization_id"] == "org-clearview-ai"
    }
    assert set(customers) == {"org-fbi", "org-us-marshals", "org-us-army", "org-nasa"}
    for contract in customers.values():
        assert contract["amount"] is None and contract["award_date"] is None
        cited = quotes(tables, "contract_id", contract["contract_id"])
        assert any("working with the FBI, U.S. Marshals, the Army, and even NASA" in q for q in cited)


def test_mobile_fortify_and_what_it_draws_on(tables: dict) -> None:
    system = by_id(tables["systems"], "system_id")["sys-ice-mobile-fortify"]
    assert (system["name"], system["name_kind"], system["operator_organization_id"]) == (
        "Mobile Fortify",
        "proper",
        "org-ice",
    )
    assert system["draws_on"] == [
        "a wide array of government databases",
        "a system ordinarily reserved for when people enter or exit the U.S.",
    ]
    cited = quotes(tables, "system_id", "sys-ice-mobile-fortify", "draws_on")
    assert all("Mobile Fortify taps into" in q for q in cited) and cited


def test_met_police_and_nec(tables: dict) -> None:
    contract = by_id(tables["contracts"], "contract_id")["con-met-police-nec"]
    assert (contract["buyer_organization_id"], contract["vendor_organization_id"]) == (
        "org-met-police",
        "org-nec",
    )
    assert (contract["amount"], contract["currency"]) == (4_200_000, "USD")
    met = by_id(tables["organizations"], "organization_id")["org-met-police"]
    assert (met["kind"], met["country"]) == ("police-force", "GB")
    assert quotes(tables, "contract_id", "con-met-police-nec", "amount") == {
        "London Met taps NEC for $4.2M": BIOMETRIC_UPDATE
    }
    # The source is a related article known only by its title and excerpt.
    document = by_id(tables["documents"], "document_id")[BIOMETRIC_UPDATE]
    assert document["source_format"] == "related"


def test_fbi_use_of_commercial_face_recognition(tables: dict) -> None:
    uses = [c for c in tables["contracts"] if c["relationship"] == "use"]
    assert len(uses) == 1
    use = uses[0]
    assert use["buyer_organization_id"] == "org-fbi" and use["vendor_organization_id"] is None
    system = by_id(tables["systems"], "system_id")[use["system_id"]]
    assert system["description"] == "commercially available facial recognition software"
    cited = quotes(tables, "contract_id", use["contract_id"])
    assert any("commercially available facial recognition software" in q for q in cited)


def test_agency_parents(tables: dict) -> None:
    organizations = by_id(tables["organizations"], "organization_id")
    assert organizations["org-ice"]["parent_organization_id"] == "org-dhs"
    assert organizations["org-hsi"]["parent_organization_id"] == "org-ice"


def test_every_fact_has_evidence_joinable_to_documents(tables: dict) -> None:
    documents = by_id(tables["documents"], "document_id")
    cited = {(e.get("organization_id"), e.get("system_id"), e.get("contract_id")) for e in tables["evidence"]}
    for name, column in (
        ("organizations", "organization_id"),
        ("systems", "system_id"),
        ("contracts", "contract_id"),
    ):
        for row in tables[name]:
            assert any(row[column] in key for key in cited), row[column]
    for evidence in tables["evidence"]:
        assert evidence["document_id"] in documents


def test_no_listed_private_name_in_any_published_cell(tables: dict) -> None:
    digests, findings = read_digests(REPO)
    assert digests and not findings
    text = json.dumps(tables, ensure_ascii=False, default=str)
    assert private_names_in(text, digests) == []


def test_private_names_list_matches_names_in_the_seeds() -> None:
    """Every entry is a run of words in some seed: the list holds no stale or mistyped names."""
    digests, _ = read_digests(REPO)
    runs = set()
    for seed in (REPO / "seeds").glob("*.txt"):
        tokens = words(seed.read_text(encoding="utf-8"))
        runs |= {name_digest(" ".join(tokens[i : i + n])) for n in range(1, 4) for i in range(len(tokens))}
    assert digests <= runs


def doc_block(language: str) -> str:
    text = (REPO / "docs" / "facts.md").read_text(encoding="utf-8")
    start = text.index(f"```{language}\n") + len(language) + 4
    return text[start : text.index("```", start)]


def test_documented_pandas_listing_runs(built: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    pytest.importorskip("pandas")
    monkeypatch.chdir(built.parents[1])  # the repository, as the docs say
    exec(compile(doc_block("python"), "docs/facts.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "con-ice-clearview-ai-hsi" in printed and "3750000" in printed
    assert "London Met taps NEC for $4.2M" in printed


def test_documented_sql_listing_runs(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    duckdb = pytest.importorskip("duckdb")
    monkeypatch.chdir(built / "parquet")
    result = duckdb.sql(doc_block("sql").rstrip().rstrip(";"))
    rows = [dict(zip(result.columns, row, strict=True)) for row in result.fetchall()]
    contracts = {row["contract_id"] for row in rows}
    assert len(contracts) == 8
    assert {"buyer": "Metropolitan Police Service", "quote": "London Met taps NEC for $4.2M"}.items() <= next(
        row for row in rows if row["quote"] == "London Met taps NEC for $4.2M"
    ).items()
