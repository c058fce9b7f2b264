"""croissant.json: valid Croissant 1.0 for mlcroissant, whose records are the release's rows."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import mlcroissant
import pytest

from faceledger.publish import croissant, release_folder

from .test_publish_release_folder import descriptor, rows_from
from .verify_support import copy_release


def document(built: Path) -> dict:
    return json.loads((built / croissant.NAME).read_text(encoding="utf-8"))


@pytest.mark.slow
def test_the_mlcroissant_command_validates_it(built: Path):
    command = Path(sys.executable).with_name("mlcroissant")
    result = subprocess.run(
        [str(command), "validate", "--jsonld", str(built / croissant.NAME)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in (result.stdout + result.stderr).lower()


def warnings(path: Path) -> set[str]:
    issues = mlcroissant.Dataset(jsonld=str(path)).metadata.ctx.issues
    assert not issues.errors, issues.report()
    return set(issues.warnings)


def test_a_dated_release_validates_without_a_warning(built: Path, tmp_path: Path):
    release = copy_release(built, tmp_path)
    croissant.write(release, list(release_folder.FOLDERS), datetime(2025, 3, 1, tzinfo=UTC))
    assert document(release)["datePublished"] == "2025-03-01"
    assert warnings(release / croissant.NAME) == set()
    # The repository's version has no dated CHANGELOG entry yet: no date, rather than a made-up one.
    assert "datePublished" not in document(built)
    assert {"datePublished" in w for w in warnings(built / croissant.NAME)} <= {True}


def test_mlcroissant_reads_every_record_set_as_the_release_rows(built: Path):
    dataset = mlcroissant.Dataset(jsonld=str(built / croissant.NAME))
    for resource in descriptor(built / "csv")["resources"]:
        name = resource["name"]
        expected = rows_from(built / "csv", "csv", resource)
        records = list(dataset.records(name))
        assert len(records) == len(expected), name
        key = resource["schema"]["primaryKey"][0]
        read = [record[f"{name}/{key}"].decode() for record in records]
        assert read == [row[key] for row in expected], name


def test_every_release_file_is_a_file_object_with_its_sha256(built: Path):
    meta = document(built)
    assert meta["conformsTo"] == croissant.CONFORMS_TO
    listed = {entry["contentUrl"]: entry for entry in meta["distribution"]}
    for fmt in ("csv", "parquet", "json", "sqlite"):
        for resource in descriptor(built / fmt)["resources"]:
            rel = f"{fmt}/{resource['path']}"
            data = (built / rel).read_bytes()
            assert listed[rel]["sha256"] == hashlib.sha256(data).hexdigest(), rel
            assert listed[rel]["contentSize"] == f"{len(data)} B"
    assert "sqlite/faceledger.db" in listed


def test_record_sets_follow_the_schemas(built: Path):
    sets = {entry["name"]: entry for entry in document(built)["recordSet"]}
    resources = descriptor(built / "csv")["resources"]
    assert list(sets) == [r["name"] for r in resources]
    for resource in resources:
        schema = resource["schema"]
        fields = sets[resource["name"]]["field"]
        assert [f["name"] for f in fields] == [f["name"] for f in schema["fields"]]
        assert [f["description"] for f in fields] == [f["description"] for f in schema["fields"]]
        assert [k["@id"] for k in sets[resource["name"]]["key"]] == [
            f"{resource['name']}/{k}" for k in schema["primaryKey"]
        ]
    buyer = next(f for f in sets["contracts"]["field"] if f["name"] == "buyer_organization_id")
    assert buyer["references"] == {"field": {"@id": "organizations/organization_id"}}
    words = next(f for f in sets["documents"]["field"] if f["name"] == "word_count")
    assert words["dataType"] == "sc:Integer"


def test_sha256sums_lists_it_and_no_zip_carries_it(built: Path):
    sums = (built / "SHA256SUMS").read_text(encoding="utf-8")
    digest = hashlib.sha256((built / croissant.NAME).read_bytes()).hexdigest()
    assert f"{digest}  {croissant.NAME}\n" in sums
    for archive in built.glob("*.zip"):
        with zipfile.ZipFile(archive) as opened:
            assert not [n for n in opened.namelist() if n.endswith(croissant.NAME)], archive.name
