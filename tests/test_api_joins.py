"""faceledger.join: resources joined along the foreign keys their Table Schemas declare.

The shape contracts -> evidence -> documents is tested on a real build of a
copy of the repository with two extra curated resources, `claims` and `quotes`,
wired the same way; the provenance one-liner itself runs against the real
contracts, evidence and documents.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import faceledger
from faceledger import loader
from faceledger.build import build, build_bundle, plan

from .support import add_resource, copy_repo

CLAIMS = {
    "description": "Test facts.",
    "fields": [
        {"name": "claim_id", "type": "string", "description": "Id.", "constraints": {"required": True}},
        {"name": "title", "type": "string", "description": "A name that documents also has."},
        {"name": "amount", "type": "number", "description": "A number."},
    ],
    "primaryKey": ["claim_id"],
    "missingValues": [""],
}
QUOTES = {
    "description": "Test evidence: each quote backs a claim and cites a document.",
    "fields": [
        {"name": "quote_id", "type": "string", "description": "Id.", "constraints": {"required": True}},
        {
            "name": "claim_id",
            "type": "string",
            "description": "The claim.",
            "constraints": {"required": True},
        },
        {"name": "document_id", "type": "string", "description": "The document quoted."},
        {"name": "quote", "type": "string", "description": "Verbatim text."},
    ],
    "primaryKey": ["quote_id"],
    "foreignKeys": [
        {"fields": ["claim_id"], "reference": {"resource": "claims", "fields": ["claim_id"]}},
        {"fields": ["document_id"], "reference": {"resource": "documents", "fields": ["document_id"]}},
    ],
    "missingValues": [""],
}


def csv_lines(schema: dict, rows: list[list[str]]) -> list[str]:
    """A header from the schema's field names, then the rows (plain values: no quoting needed)."""
    return [",".join(field["name"] for field in schema["fields"]), *(",".join(row) for row in rows)]


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = copy_repo(tmp_path_factory.mktemp("join") / "repo")
    documents = plan(root).package.tables["documents"].data
    first, second = documents.column("document_id").to_pylist()[:2]
    claims = [["c1", "One", "10"], ["c2", "Two", "20.5"], ["c3", "Three", ""]]
    add_resource(root, "claims", CLAIMS, csv_lines(CLAIMS, claims))
    quotes = [
        ["q1", "c1", first, "a"],
        ["q2", "c1", second, "b"],
        ["q3", "c2", first, "c"],
        ["q4", "c2", "", "d"],
    ]
    add_resource(root, "quotes", QUOTES, csv_lines(QUOTES, quotes))
    build(root)  # refreshes the generated files (the data dictionary), as a maintainer would
    data = build_bundle(root, root.parent / "data")
    return {"data": data, "documents": documents, "first": first, "second": second}


@pytest.fixture
def with_claims(facts: dict, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The Python API reads the package data with `claims` and `quotes` for the length of the test."""
    monkeypatch.setattr(loader, "DATA", facts["data"])
    return facts


def test_a_chain_of_foreign_keys_in_both_directions(with_claims: dict):
    table = faceledger.join("claims", "quotes", "documents")
    documents = with_claims["documents"]
    # Each claim's key once; quotes' claim_id and documents' document_id repeat a key and are dropped;
    # documents' title collides with claims' title and is qualified.
    expected_names = ["claim_id", "title", "amount", "quote_id", "document_id", "quote"] + [
        "documents.title" if name == "title" else name
        for name in documents.column_names
        if name != "document_id"
    ]
    assert table.column_names == expected_names
    rows = [(r["claim_id"], r["quote_id"], r["document_id"]) for r in table.to_pylist()]
    first, second = with_claims["first"], with_claims["second"]
    assert rows == [
        ("c1", "q1", first),
        ("c1", "q2", second),
        ("c2", "q3", first),
        ("c2", "q4", None),
        ("c3", None, None),  # a left outer join: no claim is dropped
    ]
    titles = dict(
        zip(documents.column("document_id").to_pylist(), documents.column("title").to_pylist(), strict=True)
    )
    assert table.column("documents.title").to_pylist() == [
        titles[first],
        titles[second],
        titles[first],
        None,
        None,
    ]
    assert table.column("amount").to_pylist() == [10, 10, 20.5, 20.5, None]
    # Types and descriptions come through; later resources' columns may be null.
    assert table.schema.field("topics").type == pa.list_(pa.string())
    assert table.schema.field("documents.title").metadata[b"description"]
    assert table.schema.field("claim_id").nullable is False
    assert table.schema.field("quote_id").nullable is True


def test_the_first_resource_decides_the_rows(with_claims: dict):
    table = faceledger.join("documents", "quotes")
    documents = with_claims["documents"].column("document_id").to_pylist()
    quoted = {with_claims["first"]: ["q1", "q3"], with_claims["second"]: ["q2"]}
    expected = [(d, q) for d in documents for q in quoted.get(d, [None])]
    assert [(r["document_id"], r["quote_id"]) for r in table.to_pylist()] == expected


def test_join_as_pandas(with_claims: dict):
    pandas = pytest.importorskip("pandas")
    frame = faceledger.join("claims", "quotes", as_="pandas")
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame["quote_id"].fillna("-")) == ["q1", "q2", "q3", "q4", "-"]


def test_resources_with_no_foreign_key_between_them_cannot_be_joined(with_claims: dict):
    with pytest.raises(faceledger.NoLink, match="cannot join 'documents' to claims: .* none is declared"):
        faceledger.join("claims", "documents")


def test_two_foreign_keys_between_the_same_resources_are_ambiguous(with_claims: dict):
    # document_links points at documents twice (the listing and the listed document).
    with pytest.raises(faceledger.NoLink, match="candidates: .*related_document_id"):
        faceledger.join("documents", "document_links")


def test_join_needs_known_different_names(with_claims: dict):
    with pytest.raises(faceledger.UnknownResource, match="the resources are: documents"):
        faceledger.join("claims", "contract")
    with pytest.raises(ValueError, match="two or more different"):
        faceledger.join("claims")
    with pytest.raises(ValueError, match="two or more different"):
        faceledger.join("claims", "claims")


def test_provenance_one_liner_on_the_real_data(bundled: Path):
    table = faceledger.join("contracts", "evidence", "documents")
    contracts = faceledger.load("contracts")
    key = faceledger.schema("contracts")["primaryKey"]
    assert table.num_rows >= contracts.num_rows
    assert set(zip(*(table.column(k).to_pylist() for k in key), strict=True)) == set(
        zip(*(contracts.column(k).to_pylist() for k in key), strict=True)
    )
    # Every contract found its evidence and the document it quotes: their required fields are filled.
    for name in ("evidence", "documents"):
        schema = faceledger.schema(name)
        for field in schema["fields"]:
            column = (
                f"{name}.{field['name']}"
                if f"{name}.{field['name']}" in table.column_names
                else field["name"]
            )
            if field.get("constraints", {}).get("required") and column in table.column_names:
                assert table.column(column).null_count == 0, column
