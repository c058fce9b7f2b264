"""CITATION.cff and .zenodo.json: valid, and saying what datapackage.json says.

cffconvert 2.0.0 pins jsonschema below 4, which frictionless cannot run with, so
CITATION.cff is checked against the Citation File Format 1.2.0 schema itself
(tests/data/citation-file-format-1.2.0.schema.json, from the CFF project, CC-BY-4.0).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from faceledger.build import plan
from faceledger.publish import citation

from .support import REPO

CFF_SCHEMA = REPO / "tests" / "data" / "citation-file-format-1.2.0.schema.json"


def cff() -> dict:
    data: dict = yaml.safe_load((REPO / citation.CFF).read_text(encoding="utf-8"))
    return data


def zenodo() -> dict:
    data: dict = json.loads((REPO / citation.ZENODO).read_text(encoding="utf-8"))
    return data


def package() -> dict:
    data: dict = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    return data


def test_citation_cff_is_valid_citation_file_format():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(cff())
    assert cff()["type"] == "dataset"


def test_the_schema_check_rejects_what_cff_forbids():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    assert not validator.is_valid({**cff(), "license": "Creative Commons"})
    assert not validator.is_valid({k: v for k, v in cff().items() if k != "authors"})


def test_zenodo_cff_and_the_descriptor_agree_on_title_version_licence_and_creators():
    descriptor = package()
    creators = [p["title"] for p in descriptor["contributors"] if "creator" in p["roles"]]
    assert creators
    assert cff()["title"] == zenodo()["title"] == descriptor["title"]
    assert cff()["version"] == zenodo()["version"] == descriptor["version"]
    assert cff()["license"] == descriptor["licenses"][0]["name"]
    assert zenodo()["license"] == descriptor["licenses"][0]["name"].lower()
    assert [a["name"] for a in cff()["authors"]] == [c["name"] for c in zenodo()["creators"]] == creators
    assert zenodo()["upload_type"] == "dataset"
    assert zenodo()["description"] and zenodo()["access_right"] == "open"


def test_a_version_bump_reaches_both_files_through_the_build(repo: Path):
    for name in (citation.CFF, citation.ZENODO):
        (repo / name).write_bytes((REPO / name).read_bytes())
    assert not [rel for rel in plan(repo).changed if rel in (citation.CFF, citation.ZENODO)]
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = "9.9.9"
    (repo / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    result = plan(repo)
    assert {citation.CFF, citation.ZENODO} <= set(result.changed)
    assert yaml.safe_load(result.files[citation.CFF])["version"] == "9.9.9"
    assert json.loads(result.files[citation.ZENODO])["version"] == "9.9.9"
