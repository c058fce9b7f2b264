"""The schema check refuses what the reader would not follow, and the typed view reads schema/ as written.

Each refusal breaks one Table Schema of a copy of the repository and runs the
real `faceledger build`: an `invalid-schema` error naming the schema file and
the field, exit 1, nothing written. Before the check read its keywords from the
reader's own table, these schemas built, and the keyword was silently ignored.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from faceledger.core.files import dump_json
from faceledger.core.schema import Schema, read_json
from faceledger.core.tombstones import Tombstone
from faceledger.ingest.tables import read_csv

from .support import REPO, cli


def edit_field(root: Path, resource: str, field: str, change) -> str:
    rel = f"schema/{resource}.json"
    schema = json.loads((root / rel).read_text(encoding="utf-8"))
    change(next(spec for spec in schema["fields"] if spec["name"] == field))
    (root / rel).write_bytes(dump_json(schema))
    return rel


def build(root: Path):
    return cli("build", "--root", str(root), "--format", "json")


def failed_build(root: Path) -> list[dict]:
    result = build(root)
    assert result.exit_code == 1, result.output
    assert not (root / "dist").exists()
    return json.loads(result.stdout)


IGNORED = {
    "trueValues": ("systems", "name_kind", lambda s: s.update(trueValues=["proper"]), "trueValues"),
    "format email": ("organizations", "reference_url", lambda s: s.update(format="email"), "'email'"),
    "decimalChar": ("contracts", "amount", lambda s: s.update(decimalChar=","), "decimalChar"),
    "bareNumber": ("document_links", "position", lambda s: s.update(bareNumber=False), "bareNumber"),
    "exclusiveMinimum": (
        "contracts",
        "amount",
        lambda s: s.setdefault("constraints", {}).update(exclusiveMinimum=0),
        "exclusiveMinimum",
    ),
    "a pattern on a number": (
        "contracts",
        "amount",
        lambda s: s.setdefault("constraints", {}).update(pattern="[0-9]+"),
        "pattern",
    ),
    "unique on a list": (
        "organizations",
        "aliases",
        lambda s: s.setdefault("constraints", {}).update(unique=True),
        "unique",
    ),
    "a pattern that is no regular expression": (
        "organizations",
        "country",
        lambda s: s["constraints"].update(pattern="[A-Z"),
        "pattern",
    ),
}


@pytest.mark.parametrize(("resource", "field", "change", "says"), list(IGNORED.values()), ids=list(IGNORED))
def test_a_keyword_the_reader_would_ignore_is_refused(repo: Path, resource, field, change, says):
    rel = edit_field(repo, resource, field, change)
    findings = failed_build(repo)
    matching = [f for f in findings if (f["code"], f["path"], f["field"]) == ("invalid-schema", rel, field)]
    assert len(matching) == 1, findings
    assert says in matching[0]["message"]
    assert matching[0]["severity"] == "error"


def test_a_schema_property_the_reader_would_ignore_is_refused(repo: Path):
    rel = "schema/contracts.json"
    schema = read_json(repo / rel)
    schema["uniqueKeys"] = [["buyer_organization_id", "system_id"]]
    (repo / rel).write_bytes(dump_json(schema))
    findings = failed_build(repo)
    assert [(f["code"], f["path"]) for f in findings if "uniqueKeys" in f["message"]] == [
        ("invalid-schema", rel)
    ]


def test_extensions_and_documentation_keys_are_allowed(repo: Path):
    edit_field(
        repo, "systems", "name_kind", lambda s: s.update({"x-faceledger-note": "ours", "title": "Kind"})
    )
    result = build(repo)
    assert result.exit_code == 0, result.output


def test_a_foreign_key_to_a_field_the_target_lacks_is_refused(repo: Path):
    rel = "schema/systems.json"
    schema = read_json(repo / rel)
    schema["foreignKeys"][0]["reference"]["fields"] = ["org_id"]
    (repo / rel).write_bytes(dump_json(schema))
    findings = failed_build(repo)
    assert any(
        (f["code"], f["path"]) == ("invalid-schema", rel) and "'org_id'" in f["message"] for f in findings
    ), findings


def test_format_uri_is_read(tmp_path: Path):
    schema = {
        "fields": [{"name": "link", "type": "string", "format": "uri", "description": "A link."}],
        "missingValues": [""],
    }
    (tmp_path / "links.csv").write_text("link\nhttps://example.org/a\nnot a link\n", encoding="utf-8")
    table, findings = read_csv("links", tmp_path / "links.csv", "links.csv", schema)
    assert [(f.code, f.line, f.field) for f in findings] == [("bad-value", 3, "link")]
    assert "not an absolute URI" in findings[0].message
    assert table is not None and table.data.column("link").to_pylist()[0] == "https://example.org/a"


def test_foreign_keys_are_read_once_with_self_references_resolved():
    organizations = Schema.from_dict(read_json(REPO / "schema/organizations.json"), "organizations")
    (parent,) = organizations.foreign_keys
    assert (parent.fields, parent.resource, parent.reference_fields) == (
        ("parent_organization_id",),
        "organizations",
        ("organization_id",),
    )
    assert parent.self_reference
    evidence = Schema.from_dict(read_json(REPO / "schema/evidence.json"), "evidence")
    assert evidence.reference("contract_id").resource == "contracts"
    assert evidence.reference("quote") is None


def test_tombstone_attributes_are_the_fields_of_its_schema():
    declared = Schema.from_dict(read_json(REPO / "schema/tombstones.json"), "tombstones").field_names
    assert [f.name for f in fields(Tombstone)] == declared
