"""The release: three formats with equal content, valid for frictionless, checksummed, reproducible."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from frictionless import Package as FrictionlessPackage

from faceledger.build import BuildResult, build
from faceledger.core.schema import DATETIME_FORMAT
from faceledger.ingest.tables import read_csv
from faceledger.validate import frictionless_findings

from .support import REPO, cli, copy_repo

FORMATS = ("csv", "parquet", "json")


def descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def plain(value):
    """One representation for values read from any format."""
    if hasattr(value, "strftime") and hasattr(value, "hour"):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def rows_from(folder: Path, fmt: str, resource: dict) -> list[dict]:
    path = folder / resource["path"]
    if fmt == "csv":
        table, findings = read_csv(resource["name"], path, resource["path"], resource["schema"])
        assert not findings
        records = table.data.to_pylist()
    elif fmt == "parquet":
        records = pq.read_table(path).to_pylist()
    else:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [{k: plain(v) for k, v in record.items()} for record in records]


def test_release_has_three_self_contained_formats(built: Path):
    assert built.name == "faceledger-" + descriptor(REPO)["version"]
    names = [r["name"] for r in descriptor(REPO)["resources"]]
    for fmt in FORMATS:
        package = descriptor(built / fmt)
        assert [r["name"] for r in package["resources"]] == names
        for resource in package["resources"]:
            assert isinstance(resource["schema"], dict)  # inline: the folder stands alone
            data = (built / fmt / resource["path"]).read_bytes()
            # Parquet records its size under another name: frictionless-py cannot measure it.
            size = resource["bytes"] if fmt != "parquet" else resource["x-faceledger-bytes"]
            assert size == len(data) and ("bytes" in resource) == (fmt != "parquet")
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_all_formats_hold_the_same_rows_and_values(built: Path):
    by_format = {}
    for fmt in FORMATS:
        package = descriptor(built / fmt)
        by_format[fmt] = {r["name"]: rows_from(built / fmt, fmt, r) for r in package["resources"]}
    assert by_format["csv"] == by_format["parquet"] == by_format["json"]
    documents = by_format["json"]["documents"]
    assert len(documents) >= 4
    assert any(d["topics"] == ["AI", "Computer Vision", "Natural Language Processing"] for d in documents)


def test_parquet_carries_schema_types_and_descriptions(built: Path):
    table = pq.read_table(built / "parquet" / "documents.parquet")
    assert str(table.schema.field("published_at").type) == "timestamp[ms, tz=UTC]"
    assert str(table.schema.field("topics").type) == "list<element: string>"
    assert table.schema.field("title").metadata[b"description"].startswith(b"Headline")
    meta = pq.read_metadata(built / "parquet" / "documents.parquet")
    assert meta.row_group(0).column(0).compression == "ZSTD"


def test_csv_is_rfc4180_with_header(built: Path):
    data = (built / "csv" / "documents.csv").read_bytes()
    assert data.startswith(b"document_id,title,")
    assert data.count(b"\r\n") == data.count(b"\n")  # every line ends CRLF
    data.decode("utf-8")


def test_json_is_one_object_per_line(built: Path):
    data = (built / "json" / "documents.jsonl").read_bytes()
    assert data.endswith(b"}\n") and b"\r" not in data and not data.startswith(b"[")
    records = [json.loads(line) for line in data.decode("utf-8").split("\n")[:-1]]
    assert (
        all(isinstance(r, dict) for r in records)
        and len(records) == descriptor(built / "json")["resources"][0]["rows"]
    )
    assert list(records[0]) == [
        f["name"] for f in descriptor(built / "json")["resources"][0]["schema"]["fields"]
    ]
    related = next(r for r in records if r["source_format"] == "related")
    assert related["published_at"].endswith("Z") and related["seed_path"] is None
    assert isinstance(next(r for r in records if r["topics"])["topics"], list)


def test_checksums_cover_every_file(built: Path):
    listed = {}
    for line in (built / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    # The site lists its own files (site/SHA256SUMS, tests/test_site.py).
    files = {name for name in files if not name.startswith("site/")}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((built / name).read_bytes()).hexdigest() == digest
    assert "CHANGELOG.md" in listed and "LICENSE-DATA" in listed


def test_frictionless_validates_the_repository():
    assert frictionless_findings(REPO / "datapackage.json") == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_frictionless_validates_each_release_folder(built: Path, fmt: str):
    report = FrictionlessPackage(str(built / fmt / "datapackage.json")).validate(limit_errors=10_000)
    assert report.flatten(["type", "note"]) == []


def test_two_builds_are_byte_identical(tmp_path: Path):
    first = build(copy_repo(tmp_path / "a")).release
    second = build(copy_repo(tmp_path / "b")).release
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_committed_dataset_is_current():
    result = cli("build", "--check", "--root", str(REPO))
    assert result.exit_code == 0, result.output


def test_check_names_stale_files_and_writes_nothing(repo: Path):
    stale = repo / "dataset" / "documents" / "6b.csv"
    stale.write_bytes(stale.read_bytes().replace(b"Business Insider", b"Business Outsider"))
    result = cli("build", "--check", "--root", str(repo))
    assert result.exit_code == 1
    assert "dataset/documents/6b.csv: error stale" in result.output
    assert b"Business Outsider" in stale.read_bytes()
    assert not (repo / "dist").exists()


def test_build_refreshes_stale_dataset(repo: Path):
    (repo / "dataset" / "documents" / "6b.csv").write_bytes(b"")
    result = cli("build", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert "updated dataset/documents/6b.csv" in result.output
    assert (repo / "dataset" / "documents" / "6b.csv").read_bytes() == (
        REPO / "dataset" / "documents" / "6b.csv"
    ).read_bytes()


def test_failed_release_leaves_previous_release_untouched(repo: Path, monkeypatch: pytest.MonkeyPatch):
    release = build(repo).release
    before = {p: p.read_bytes() for p in release.rglob("*") if p.is_file()}

    from faceledger.publish.exporters import json as json_exporter

    def interrupted(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(json_exporter, "write", interrupted)
    with pytest.raises(OSError):
        build(repo)
    assert {p: p.read_bytes() for p in release.rglob("*") if p.is_file()} == before
    assert [p.name for p in release.parent.iterdir()] == [release.name]  # no staging folder left


def test_changes_that_fail_to_render_fail_the_release_and_leave_no_zip_waiting(
    build_result: BuildResult, tmp_path: Path
):
    import threading
    from datetime import UTC, datetime

    from faceledger.publish.release_folder import fill_release

    def broken() -> bytes:
        raise RuntimeError("changes.csv could not be made")

    raised: list[BaseException] = []

    def attempt() -> None:
        try:
            fill_release(
                build_result.package, tmp_path, "faceledger-x", broken, datetime(2030, 1, 1, tzinfo=UTC)
            )
        except BaseException as exc:  # noqa: BLE001 - the test reads it
            raised.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the release hung waiting for changes.csv"
    assert raised and "could not be made" in str(raised[0]) + str(raised[0].__context__)
    assert not (tmp_path / "SHA256SUMS").exists()
