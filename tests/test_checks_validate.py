"""`faceledger validate`: schemas, descriptor and data, as findings with exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from faceledger.core.files import dump_json

from .support import cli


def validate(repo: Path, *extra: str):
    return cli("validate", "--root", str(repo), *extra)


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_bytes(dump_json(data))


def test_repository_is_valid(repo: Path):
    result = validate(repo)
    assert result.exit_code == 0, result.output
    assert " error " not in result.output


def test_findings_as_json(repo: Path):
    (repo / "seeds" / "empty.txt").write_bytes(b"")
    result = validate(repo, "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert {
        "severity": "error",
        "code": "empty-file",
        "path": "seeds/empty.txt",
        "line": None,
        "field": None,
    } in [{k: f[k] for k in ("severity", "code", "path", "line", "field")} for f in findings]


def test_undocumented_field_is_an_error(repo: Path):
    edit_json(repo / "schema" / "documents.json", lambda s: s["fields"][1].pop("description"))
    result = validate(repo)
    assert result.exit_code == 1
    assert "schema/documents.json: error undocumented-field [title]" in result.output


def test_unsupported_type_is_an_error(repo: Path):
    edit_json(repo / "schema" / "document_links.json", lambda s: s["fields"][2].update(type="geopoint"))
    result = validate(repo)
    assert result.exit_code == 1
    assert "schema/document_links.json: error invalid-schema [position]" in result.output


def test_foreign_key_to_unknown_resource(repo: Path):
    edit_json(
        repo / "schema" / "document_links.json",
        lambda s: s["foreignKeys"][0]["reference"].update(resource="nowhere"),
    )
    result = validate(repo)
    assert result.exit_code == 1
    assert "refers to unknown resource 'nowhere'" in result.output


def test_broken_descriptor_json_names_the_line(repo: Path):
    path = repo / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"version"', "version", 1), encoding="utf-8")
    result = validate(repo)
    assert result.exit_code == 1
    assert "datapackage.json:" in result.output and "error invalid-json" in result.output


def test_frictionless_catches_a_descriptor_our_reader_accepts(repo: Path):
    # A non-v2 licence entry: our code does not read licences, the standard does.
    edit_json(repo / "datapackage.json", lambda d: d.update(licenses=[{"title": 5}]))
    result = validate(repo, "--frictionless")
    assert result.exit_code == 1
    assert "error frictionless-" in result.output


def test_missing_schema_file(repo: Path):
    (repo / "schema" / "document_links.json").unlink()
    result = validate(repo)
    assert result.exit_code == 1
    assert "schema/document_links.json: error missing-file" in result.output
