"""`faceledger diff`: schema changes classified, data changes by key, renames, exit codes."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

import pytest

from faceledger.compare import columns, report, snapshots
from faceledger.compare import rows as diff_rows
from faceledger.compare import schema_changes as schemadiff
from faceledger.core.versions import Level

from .support import (
    TOMBSTONES_HEADER,
    VENDORS,
    VENDORS_SCHEMA,
    History,
    add_resource,
    cli,
    commit,
    refresh,
    write_csv,
    write_schema,
)


def field(schema: dict, name: str) -> dict:
    return next(spec for spec in schema["fields"] if spec["name"] == name)


def changed(edit) -> dict:
    schema = copy.deepcopy(VENDORS_SCHEMA)
    edit(schema)
    return schema


def _rename(schema):
    field(schema, "country")["name"] = "country_code"


def _retype(schema):
    field(schema, "founded")["type"] = "string"


def _require(schema):
    field(schema, "country")["constraints"] = {"required": True}


def _raise_minimum(schema):
    field(schema, "founded")["constraints"]["minimum"] = 1900


def _pattern(schema):
    field(schema, "vendor_id")["constraints"]["pattern"] = "ven-[a-z-]+"


def _enum(schema):
    field(schema, "country")["constraints"] = {"enum": ["US", "FR"]}


def _rekey(schema):
    schema["primaryKey"] = ["vendor_id", "name"]


def _reorder(schema):
    schema["fields"][1], schema["fields"][2] = schema["fields"][2], schema["fields"][1]


def _delimiter(schema):
    field(schema, "products")["delimiter"] = ";"


def _add_optional(schema):
    schema["fields"].append({"name": "website", "type": "string", "description": "Home page."})


def _add_required(schema):
    schema["fields"].append(
        {"name": "website", "type": "string", "description": "x", "constraints": {"required": True}}
    )


def _lower_minimum(schema):
    field(schema, "founded")["constraints"]["minimum"] = 1700


def _drop_required(schema):
    field(schema, "name")["constraints"] = {}


def _describe(schema):
    field(schema, "name")["description"] = "The name the company trades under."


@pytest.mark.parametrize(
    ("edit", "level", "message"),
    [
        (lambda s: s["fields"].pop(2), Level.MAJOR, "vendors.country: field removed"),
        (_rename, Level.MAJOR, "vendors.country: field renamed to 'country_code'"),
        (_retype, Level.MAJOR, "vendors.founded: type changed from 'integer' to 'string'"),
        (_require, Level.MAJOR, "vendors.country: constraint required tightened: None -> True"),
        (_raise_minimum, Level.MAJOR, "vendors.founded: constraint minimum tightened: 1800 -> 1900"),
        (_pattern, Level.MAJOR, "vendors.vendor_id: constraint pattern tightened: None -> 'ven-[a-z-]+'"),
        (_enum, Level.MAJOR, "vendors.country: constraint enum tightened: None -> ['US', 'FR']"),
        (_rekey, Level.MAJOR, "vendors: primary key changed from ['vendor_id'] to ['vendor_id', 'name']"),
        (_reorder, Level.MAJOR, "vendors: fields reordered (CSV readers go by position)"),
        (_delimiter, Level.MAJOR, "vendors.products: delimiter changed from '|' to ';'"),
        (_add_required, Level.MAJOR, "vendors.website: new required field"),
        (_add_optional, Level.MINOR, "vendors.website: new optional field"),
        (_lower_minimum, Level.MINOR, "vendors.founded: constraint minimum loosened: 1800 -> 1700"),
        (_drop_required, Level.MINOR, "vendors.name: constraint required loosened: True -> None"),
        (_describe, Level.PATCH, "vendors.name: description changed"),
    ],
)
def test_schema_changes_are_classified(edit, level, message):
    changes = schemadiff.compare_schemas("vendors", VENDORS_SCHEMA, changed(edit))
    assert [(c.level, str(c)) for c in changes][0] == (level, message)
    assert max(c.level for c in changes) == level


@pytest.mark.parametrize(
    ("key", "before", "after", "tighter"),
    [
        ("enum", ["a", "b"], ["a"], True),
        ("enum", ["a"], ["a", "b"], False),
        ("enum", ["a", "b"], ["a", "c"], True),
        ("maxLength", 10, 5, True),
        ("maxLength", 5, 10, False),
        ("minimum", "2020-01-01", "2019-01-01", False),
        ("unique", None, True, True),
        ("pattern", "[a-z]+", None, False),
        ("minimum", 1, "x", True),  # bounds that cannot be ordered: assume the worst
    ],
)
def test_constraint_direction(key, before, after, tighter):
    assert schemadiff.tightens(key, before, after) is tighter


def test_resources_added_and_removed_are_minor_and_major():
    old = {"resources": [{"name": "a"}, {"name": "b"}]}
    new = {"resources": [{"name": "b"}, {"name": "c"}], "description": "new words"}
    schemas = {"a": VENDORS_SCHEMA, "b": VENDORS_SCHEMA, "c": VENDORS_SCHEMA}
    changes = {(c.resource, c.message): c.level for c in schemadiff.compare(old, new, schemas, schemas)}
    assert changes == {
        ("a", "resource removed"): Level.MAJOR,
        ("c", "new resource"): Level.MINOR,
        ("(package)", "description changed"): Level.PATCH,
    }


def test_diff_of_two_releases_lists_each_change_by_key(two: History):
    result = cli("diff", str(two.first), str(two.second), "--root", str(two.root))
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Schema: no changes" in text
    assert "vendors: 1 added, 1 removed, 1 modified, 1 renamed" in text
    assert "    + ven-cognitec" in text
    assert "    - ven-old  Entered by mistake: not a facial-recognition vendor." in text
    assert "    ~ ven-nec  name" in text
    assert "    > ven-idemia -> ven-idemia-ps  name" in text
    assert "Required bump: patch" in text
    assert "documents" not in text.split("Data changes")[1]  # unchanged resources stay quiet


def test_git_refs_and_folders_give_the_same_diff(two: History):
    by_ref = report.as_dict(
        diff_rows.compare(snapshots.read("v0.1.0", two.root), snapshots.read("v0.1.1", two.root))
    )
    by_folder = report.as_dict(
        diff_rows.compare(snapshots.read_folder(two.first), snapshots.read_folder(two.second))
    )
    for side in (by_ref, by_folder):
        side.pop("old"), side.pop("new")
    assert by_ref == by_folder
    assert by_ref["data"]["vendors"]["renamed_keys"] == [
        {"from": "ven-idemia", "to": "ven-idemia-ps", "fields": ["name"]}
    ]


def test_each_format_folder_reads_the_same(two: History):
    """CSV is converted by the schema, Parquet read as written: the same data either way."""
    from_csv = snapshots.read_folder(two.second / "csv")
    from_parquet = snapshots.read_folder(two.second / "parquet")
    assert from_csv.schemas == from_parquet.schemas
    nothing = diff_rows.compare(from_csv, from_parquet)
    assert nothing.schema == [] and not any(c.changed for c in nothing.data) and nothing.problems == []
    assert from_parquet.tables["vendors"].equals(from_csv.tables["vendors"])


def test_json_report_carries_every_key(two: History):
    result = cli("diff", "v0.1.0", "v0.1.1", "--root", str(two.root), "--format", "json", "--limit", "0")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["required_bump"] == "patch"
    assert (report["old"]["version"], report["new"]["version"]) == ("0.1.0", "0.1.1")
    vendors = report["data"]["vendors"]
    assert vendors["added_keys"] == ["ven-cognitec"]
    assert vendors["modified_keys"] == [{"key": "ven-nec", "fields": ["name"]}]
    assert vendors["removed_keys"] == [
        {"key": "ven-old", "reason": "Entered by mistake: not a facial-recognition vendor."}
    ]
    assert report["data"]["tombstones"]["added_keys"] == ["vendors|ven-idemia", "vendors|ven-old"]
    assert report["problems"] == []


def test_changes_csv_lists_add_mod_del_per_key(two: History):
    rows = list(csv.DictReader(io.StringIO((two.second / "changes.csv").read_text(encoding="utf-8"))))
    vendors = [(r["change"], r["key"], r["fields"], r["note"]) for r in rows if r["resource"] == "vendors"]
    assert vendors == [
        ("ADD", "ven-cognitec", "", ""),
        ("DEL", "ven-idemia", "", "renamed to ven-idemia-ps"),
        ("ADD", "ven-idemia-ps", "name", "renamed from ven-idemia"),
        ("MOD", "ven-nec", "name", ""),
        ("DEL", "ven-old", "", "Entered by mistake: not a facial-recognition vendor."),
    ]
    first = list(csv.DictReader(io.StringIO((two.first / "changes.csv").read_text(encoding="utf-8"))))
    assert {r["change"] for r in first} == {"ADD"}  # a first release: everything is new
    assert sum(r["resource"] == "vendors" for r in first) == len(VENDORS) - 1
    assert (two.second / "changes.csv").read_bytes().count(b"\r\n") == len(rows) + 1


def test_default_diff_compares_the_working_tree_with_the_last_release(two: History, tmp_path: Path):
    root = two.copy(tmp_path / "repo")
    result = cli("diff", "--root", str(root))
    assert result.exit_code == 0, result.output
    # The clean checkout of v0.1.1 is that release: it is compared with the one before.
    assert result.output.startswith(f"v0.1.0 (0.1.0) -> {root} (0.1.1)")
    write_csv(
        root,
        "dataset/vendors.csv",
        [*(two.second / "csv" / "vendors.csv").read_text().splitlines(), "ven-x,X,,,"],
    )
    refresh(root)
    result = cli("diff", "--root", str(root))
    assert result.output.startswith(f"v0.1.1 (0.1.1) -> {root} (0.1.1)")
    assert "    + ven-x" in result.output
    assert "The version is unchanged: the next release must be at least 0.1.2" in result.output


def test_schema_changes_in_the_repository_set_the_required_bump(two: History, tmp_path: Path):
    root = two.copy(tmp_path / "repo")
    schema = changed(_add_optional)
    write_schema(root, "vendors", schema)
    lines = (root / "dataset" / "vendors.csv").read_text().splitlines()
    write_csv(root, "dataset/vendors.csv", [lines[0] + ",website"] + [line + "," for line in lines[1:]])
    add_resource(root, "resellers", VENDORS_SCHEMA, VENDORS[:2])
    refresh(root)
    commit(root, "New field and resource")
    result = cli("diff", "v0.1.1", "HEAD", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert "  minor  vendors.website: new optional field" in result.output
    assert "  minor  resellers: new resource" in result.output
    assert "  resellers: 1 added" in result.output
    assert "Required bump: minor" in result.output
    # No MOD rows for the new column: it is a schema change, not a change to every row.
    assert "~" not in result.output


def test_removed_id_without_tombstone_fails(two: History, tmp_path: Path):
    root = two.copy(tmp_path / "repo")
    lines = (root / "dataset" / "vendors.csv").read_text().splitlines()
    write_csv(root, "dataset/vendors.csv", [line for line in lines if not line.startswith("ven-nec")])
    refresh(root)
    result = cli("diff", "v0.1.1", str(root), "--root", str(root))
    assert result.exit_code == 1
    assert (
        "dataset/vendors.csv: error removed-without-tombstone: 1 vendors id(s) published in 0.1.1 are gone "
        "without a tombstone (ven-nec): add each to dataset/tombstones.csv" in result.output
    )


def test_dropped_tombstone_fails(two: History, tmp_path: Path):
    root = two.copy(tmp_path / "repo")
    write_csv(root, "dataset/tombstones.csv", [TOMBSTONES_HEADER])
    refresh(root)
    result = cli("diff", "v0.1.1", str(root), "--root", str(root))
    assert result.exit_code == 1
    assert "error tombstone-dropped [id]: vendors ven-old: a published tombstone is kept" in result.output


@pytest.mark.parametrize(
    ("version", "code", "message"),
    [
        (
            "0.1.2",
            1,
            "0.1.1 -> 0.1.2 is a patch bump, but the changes need a minor bump (at least 0.2.0): "
            "vendors.website: new optional field",
        ),
        ("0.2.0", 0, None),
        ("0.1.1", 0, None),  # unchanged: a contribution need not bump
        ("0.1.0", 1, "0.1.0 is lower than 0.1.1: a version never goes down"),
        ("0.3.1", 1, "0.1.1 -> 0.3.1: after a minor bump the lower parts start at 0 (0.3.0)"),
        ("0.2", 1, "'0.2' is not a semantic version"),
    ],
)
def test_check_version_against_the_required_bump(two: History, tmp_path: Path, version, code, message):
    root = two.copy(tmp_path / "repo")
    write_schema(root, "vendors", changed(_add_optional))
    lines = (root / "dataset" / "vendors.csv").read_text().splitlines()
    write_csv(root, "dataset/vendors.csv", [lines[0] + ",website"] + [line + "," for line in lines[1:]])
    descriptor = json.loads((root / "datapackage.json").read_text())
    (root / "datapackage.json").write_text(json.dumps({**descriptor, "version": version}, indent=2))
    result = cli("diff", "v0.1.1", str(root), "--root", str(root), "--check-version")
    assert result.exit_code == code, result.output
    if message:
        assert message in result.output
    # Without --check-version the version is not judged.
    assert cli("diff", "v0.1.1", str(root), "--root", str(root)).exit_code == 0


def test_unknown_source_is_a_finding_not_a_traceback(two: History):
    result = cli("diff", "v9.9.9", "--root", str(two.root))
    assert result.exit_code == 1
    assert "v9.9.9: error unknown-version: neither a folder nor a git ref of the repository" in result.output


def test_both_unreadable_versions_are_named(two: History):
    result = cli("diff", "v9.9.9", "v8.8.8", "--root", str(two.root))
    assert result.exit_code == 1
    assert "v9.9.9: error unknown-version" in result.output
    assert "v8.8.8: error unknown-version" in result.output


def test_release_folder_missing_a_file_is_a_finding(two: History, tmp_path: Path):
    import shutil

    broken = tmp_path / "release"
    shutil.copytree(two.second, broken)
    (broken / "parquet" / "vendors.parquet").unlink()
    result = cli("diff", str(two.first), str(broken))
    assert result.exit_code == 1
    assert "vendors.parquet: error missing-file" in result.output


def test_lists_compare_by_value_and_empty_equals_missing():
    import pyarrow as pa

    a = pa.chunked_array([pa.array([["x", "y"], [], None, ["x"], [""]], pa.list_(pa.string()))])
    b = pa.chunked_array([pa.array([["x", "y"], None, [], ["y"], []], pa.list_(pa.string()))])
    assert columns.differs(a, b).to_pylist() == [False, False, False, True, True]
    n = pa.chunked_array([pa.array([1.0, float("nan"), None, 2.0])])
    m = pa.chunked_array([pa.array([1.0, float("nan"), 3.0, None])])
    assert columns.differs(n, m).to_pylist() == [False, False, True, True]


def snapshot(label: str, schema: dict, rows: list[dict]) -> snapshots.Snapshot:
    import pyarrow as pa

    from faceledger.core.schema import arrow_schema

    descriptor = {"version": "1.0.0", "resources": [{"name": "t", "path": "t.csv"}]}
    table = pa.Table.from_pylist(rows, schema=arrow_schema(schema))
    return snapshots.Snapshot(label, descriptor, {"t": schema}, {"t": table})


PAIRS = {
    "fields": [
        {"name": "a", "type": "string"},
        {"name": "b", "type": "integer"},
        {"name": "note", "type": "string"},
    ],
    "primaryKey": ["a", "b"],
}


def test_composite_keys_join_their_values():
    old = snapshot("old", PAIRS, [{"a": "x", "b": 1, "note": "n"}, {"a": "x", "b": 2, "note": "n"}])
    new = snapshot("new", PAIRS, [{"a": "x", "b": 1, "note": "m"}, {"a": "y", "b": 2, "note": "n"}])
    listed = report.change_rows(diff_rows.compare(old, new))
    assert listed == [
        ("t", "MOD", "x|1", "note", ""),
        ("t", "DEL", "x|2", "", ""),
        ("t", "ADD", "y|2", "", ""),
    ]


@pytest.mark.parametrize(
    ("schema", "note", "problem"),
    [
        ({**PAIRS, "primaryKey": []}, "no primary key: rows not compared", None),
        (PAIRS, "duplicate keys: rows not compared", "duplicate-key"),
    ],
)
def test_rows_that_cannot_be_matched_still_count_as_a_change(schema, note, problem):
    rows = [{"a": "x", "b": 1, "note": "n"}, {"a": "x", "b": 1, "note": "n"}]
    same = diff_rows.compare(snapshot("old", schema, rows), snapshot("new", schema, rows))
    other = diff_rows.compare(snapshot("old", schema, rows), snapshot("new", schema, rows[:1]))
    assert same.data[0].note == other.data[0].note == note
    assert (same.required, other.required) == (Level.NONE, Level.PATCH)
    assert [p.code for p in other.problems] == ([problem] if problem else [])


def test_changes_csv_quotes_exactly_as_the_csv_module_does():
    from faceledger.compare.changes import Diff, ResourceChanges

    awkward = ["plain", "a,comma", 'a "quote"', "a\nbreak", "a\rreturn", " spaced ", "", "semi;colon"]
    changes = ResourceChanges(
        "vendors",
        added=awkward,
        removed=["gone"],
        modified=[("ven-x", ["name", "notes"])],
        reasons={"gone": 'Removed: "wrong", twice'},
    )
    nothing = snapshots.nothing()
    diff = Diff(nothing, nothing, [], [changes], [])
    expected = io.StringIO(newline="")
    writer = csv.writer(expected, lineterminator="\r\n")
    writer.writerow(report.CHANGES_HEADER)
    writer.writerows(report.change_rows(diff))
    assert report.changes_csv(diff) == expected.getvalue().encode("utf-8")
    parsed = list(csv.reader(io.StringIO(report.changes_csv(diff).decode("utf-8"), newline="")))
    assert sorted(row[2] for row in parsed[1:] if row[1] == "ADD") == sorted(awkward)


@pytest.mark.parametrize(
    "added",
    [
        [],
        ["doc-b", "doc-a", "doc-ü", "doc-c"],
        ["line\r\nlike", "doc-a"],
        ["doc-a", "two,fields"],
        ['say "hi"'],
    ],
    ids=["nothing", "plain", "a line break", "a comma", "a quote"],
)
def test_changes_csv_is_the_csv_modules_whether_or_not_a_row_needs_quoting(added: list[str]):
    from faceledger.compare.changes import Diff, ResourceChanges

    changes = ResourceChanges("vendors", added=added, modified=[("doc-a", ["name"])] if added else [])
    nothing = snapshots.nothing()
    diff = Diff(nothing, nothing, [], [changes, ResourceChanges("others", removed=added[:1])], [])
    expected = io.StringIO(newline="")
    writer = csv.writer(expected, lineterminator="\r\n")
    writer.writerow(report.CHANGES_HEADER)
    rows = sorted(
        [("vendors", "ADD", key, "", "") for key in added]
        + [("vendors", "MOD", "doc-a", "name", "")] * bool(added)
        + [("others", "DEL", key, "", "") for key in added[:1]],
        key=lambda row: (row[0] != "vendors", row[2], row[1]),
    )
    writer.writerows(rows)
    assert report.change_rows(diff) == rows
    assert report.changes_csv(diff) == expected.getvalue().encode("utf-8")
