"""sqlite/faceledger.db: every resource a table with its schema's keys and types, searchable, reproducible."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from faceledger.build import BuildResult
from faceledger.core.schema import Schema
from faceledger.publish import sqlite_db
from faceledger.verify import verify

from .test_publish_release_folder import descriptor, rows_from
from .verify_support import copy_release, names

# SQLite's own names for the column types the schema types are stored as.
DECLARED = {str: "TEXT", int: "INTEGER", float: "REAL"}


@pytest.fixture(scope="module")
def db(built: Path) -> Iterator[sqlite3.Connection]:
    uri = (built / "sqlite" / "faceledger.db").as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        yield conn


def schemas(built: Path) -> dict[str, Schema]:
    csv = descriptor(built / "csv")
    return {r["name"]: Schema.from_dict(r["schema"], r["name"]) for r in csv["resources"]}


def test_every_resource_is_a_strict_table_with_the_schema_columns_and_types(built: Path, db):
    for name, schema in schemas(built).items():
        sql = db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        assert sql is not None, name
        assert sql[0].rstrip().endswith("STRICT"), name
        info = db.execute(f"PRAGMA table_info([{name}])").fetchall()
        assert [row["name"] for row in info] == schema.field_names
        for row, spec in zip(info, schema.fields, strict=True):
            assert row["type"] == DECLARED[sqlite_db.COLUMN_TYPES[spec.type]], (name, spec.name)
            assert bool(row["notnull"]) == spec.required, (name, spec.name)
        key = sorted((row["pk"], row["name"]) for row in info if row["pk"])
        assert tuple(column for _, column in key) == schema.primary_key, name


def test_foreign_keys_are_the_schemas_and_every_row_keeps_them(built: Path, db):
    for name, schema in schemas(built).items():
        declared = {
            (row["from"], row["table"], row["to"])
            for row in db.execute(f"PRAGMA foreign_key_list([{name}])").fetchall()
        }
        expected = {(fk.fields[0], fk.resource, fk.reference_fields[0]) for fk in schema.foreign_keys}
        assert declared == expected, name
    assert schemas(built)["contracts"].foreign_keys  # the check above is not vacuous
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_tables_hold_the_rows_and_values_of_the_csv(built: Path, db):
    for resource in descriptor(built / "csv")["resources"]:
        name = resource["name"]
        schema = Schema.from_dict(resource["schema"], name)
        expected = rows_from(built / "csv", "csv", resource)
        order = ", ".join(f"[{k}]" for k in schema.primary_key)
        rows = [dict(row) for row in db.execute(f"SELECT * FROM [{name}] ORDER BY {order}")]
        for row in rows:
            for spec in schema.fields:
                if spec.item_type is not None and row[spec.name] is not None:
                    row[spec.name] = json.loads(row[spec.name])
        assert rows == expected, name
    topics = db.execute("SELECT topics FROM documents WHERE topics LIKE '%Computer Vision%'").fetchone()
    assert json.loads(topics[0]) == ["AI", "Computer Vision", "Natural Language Processing"]


def test_descriptions_are_stored_beside_the_tables(built: Path, db):
    stored = {
        (row["resource"], row["field"]): row["description"]
        for row in db.execute(f"SELECT * FROM {sqlite_db.DESCRIPTIONS}")
    }
    expected = {(n, f.name): f.description for n, s in schemas(built).items() for f in s.fields}
    assert stored == expected
    assert all(expected.values())


def search(db: sqlite3.Connection, words: str) -> list[str]:
    query = (
        "SELECT document_id FROM documents WHERE rowid IN "
        "(SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?) ORDER BY document_id"
    )
    return [row[0] for row in db.execute(query, (words,))]


def test_full_text_search_finds_documents_by_title_and_excerpt(db):
    documents = [dict(row) for row in db.execute("SELECT * FROM documents")]
    for column in sqlite_db.SEARCH["documents"]:
        texts = [d for d in documents if d[column]]
        assert texts, column
        # A word of the column's text finds its document, and every document it finds holds the word.
        word = max(texts[0][column].split(), key=len).strip(".,:;'\"()")
        found = search(db, f'"{word}"')
        assert texts[0]["document_id"] in found, (column, word)
        for document_id in found:
            text = " ".join(
                d["title"] + " " + (d["excerpt"] or "") for d in documents if d["document_id"] == document_id
            )
            assert word.lower() in text.lower()
    assert search(db, "clearview")
    assert search(db, "zzzznotaword") == []


def test_contracts_with_sources_has_one_row_per_quote_of_a_contract(db):
    rows = [dict(row) for row in db.execute(f"SELECT * FROM {sqlite_db.VIEW}")]
    quotes = db.execute("SELECT count(*) FROM evidence WHERE contract_id IS NOT NULL").fetchone()[0]
    assert len(rows) == quotes > 0
    contract_ids = {row[0] for row in db.execute("SELECT contract_id FROM contracts")}
    assert {row["contract_id"] for row in rows} == contract_ids  # every fact cites a quote
    for row in rows:
        evidence = db.execute(
            "SELECT * FROM evidence WHERE evidence_id = ?", (row["evidence_id"],)
        ).fetchone()
        document = db.execute(
            "SELECT * FROM documents WHERE document_id = ?", (row["document_id"],)
        ).fetchone()
        assert evidence["contract_id"] == row["contract_id"]
        assert evidence["document_id"] == row["document_id"]
        assert row["evidence_quote"] == evidence["quote"]
        assert row["document_title"] == document["title"]


def test_the_database_is_the_same_bytes_every_build(build_result: BuildResult, built: Path, tmp_path: Path):
    released = (built / "sqlite" / "faceledger.db").read_bytes()
    for attempt in ("a", "b"):
        sqlite_db.write(build_result.package, tmp_path / attempt)
        assert (tmp_path / attempt / "faceledger.db").read_bytes() == released
        assert (tmp_path / attempt / "metadata.json").read_bytes() == (
            built / "sqlite" / "metadata.json"
        ).read_bytes()
    # What the header says: rollback journal (not WAL), no free pages left behind by the build.
    assert released[18:20] == b"\x01\x01"
    assert int.from_bytes(released[36:40], "big") == 0
    assert sorted(p.name for p in (built / "sqlite").iterdir()) == [
        "datapackage.json",
        "faceledger.db",
        "metadata.json",
    ]


def test_the_datasette_metadata_carries_licence_source_and_every_description(built: Path):
    metadata = json.loads((built / "sqlite" / "metadata.json").read_text(encoding="utf-8"))
    package = descriptor(built / "csv")
    assert metadata["title"] == package["title"]
    assert metadata["license_url"] == package["licenses"][0]["path"]
    assert metadata["source_url"] == package["homepage"]
    tables = metadata["databases"]["faceledger"]["tables"]
    for name, schema in schemas(built).items():
        assert tables[name]["description"] == schema.description
        assert tables[name]["columns"] == {f.name: f.description for f in schema.fields}
    assert tables["documents"]["fts_table"] == "documents_fts"
    assert sqlite_db.VIEW in tables and sqlite_db.DESCRIPTIONS in tables


def test_sha256sums_and_the_descriptor_vouch_for_the_database(built: Path, tmp_path: Path):
    sums = dict(
        reversed(line.split("  ", 1))
        for line in (built / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    )
    data = (built / "sqlite" / "faceledger.db").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert sums["sqlite/faceledger.db"] == digest
    resources = descriptor(built / "sqlite")["resources"]
    assert {r["path"]: r["hash"] for r in resources}["faceledger.db"] == f"sha256:{digest}"
    release = copy_release(built, tmp_path)
    db_file = release / "sqlite" / "faceledger.db"
    db_file.write_bytes(data[:5000] + bytes([data[5000] ^ 1]) + data[5001:])
    assert names(verify(release), "sqlite/faceledger.db")


def test_a_download_of_the_assets_verifies_the_database_inside_its_zip(built: Path, tmp_path: Path):
    assets = tmp_path / "assets"
    assets.mkdir()
    for path in built.iterdir():
        if path.is_file():
            (assets / path.name).write_bytes(path.read_bytes())
    archive = assets / f"{built.name}-sqlite.zip"
    with zipfile.ZipFile(archive) as opened:
        assert f"{built.name}-sqlite/faceledger.db" in opened.namelist()
    assert not [f for f in verify(assets) if f.severity == "error"]
    # The same database, one byte changed, zipped again: the zip's member is named.
    with zipfile.ZipFile(archive) as opened:
        members = [(info, opened.read(info)) for info in opened.infolist()]
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename.endswith("faceledger.db"):
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
            target.writestr(info, data)
    assert names(verify(assets), archive.name)


def test_datetimes_are_stored_as_the_csv_writes_them_old_years_and_fractions_included():
    from datetime import UTC, datetime

    import pyarrow as pa

    from faceledger.core.schema import format_datetime, format_datetimes

    values = [
        datetime(2021, 3, 4, 5, 6, 7, 999000, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 58, 500000, tzinfo=UTC),  # before 1970: floored, not rounded up
        datetime(999, 1, 2, tzinfo=UTC),
        None,
    ]
    column = pa.chunked_array([pa.array(values, pa.timestamp("ms", tz="UTC"))])
    expected = [None if v is None else format_datetime(v) for v in values]
    assert format_datetimes(column).to_pylist() == expected
    assert expected[:3] == ["2021-03-04T05:06:07Z", "1969-12-31T23:59:58Z", "0999-01-02T00:00:00Z"]


def test_the_search_index_agrees_with_the_rows_it_points_to(built: Path, tmp_path: Path):
    import shutil

    # The check is an INSERT of a command, which a read-only connection refuses: on a copy.
    copy = tmp_path / sqlite_db.DATABASE
    shutil.copyfile(built / "sqlite" / sqlite_db.DATABASE, copy)
    with closing(sqlite3.connect(copy)) as conn:
        for name in sqlite_db.SEARCH:
            fts = f"{name}_fts"
            conn.execute(f"INSERT INTO [{fts}]([{fts}], rank) VALUES ('integrity-check', 1)")
            title = conn.execute(f"SELECT title FROM [{name}] ORDER BY rowid LIMIT 1").fetchone()[0]
            word = max(title.split(), key=len).strip('.,:;"()')
            found = conn.execute(
                f"SELECT count(*) FROM [{fts}] WHERE [{fts}] MATCH ?", [f'"{word}"']
            ).fetchone()
            assert found[0] >= 1, word
