"""`faceledger release`: one version in one place, checked bumps, reproducible and atomic artifacts."""

from __future__ import annotations

import json
import re
import tomllib
import zipfile
from pathlib import Path

import pytest

from faceledger.build import package_version
from faceledger.core import versions as versioning
from faceledger.core.versions import Level, Version, VersionError

from .support import (
    REPO,
    VENDORS_SCHEMA,
    History,
    cli,
    commit,
    copy_repo,
    git,
    refresh,
    with_a_new_vendor,
    write_csv,
    write_schema,
)


def version_of(root: Path) -> str:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# Versions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.2", "'1.2' is not a semantic version: write MAJOR.MINOR.PATCH"),
        ("01.2.3", "'01.2.3' is not a semantic version"),
        ("1.2.3.4", "'1.2.3.4' is not a semantic version"),
        ("v1.2.3", "'v1.2.3': write the version without the leading 'v' (1.2.3)"),
        ("1.2.3-rc.1", "'1.2.3-rc.1': pre-release and build suffixes are not used"),
        ("1.2.3+build.5", "'1.2.3+build.5': pre-release and build suffixes are not used"),
        ("１.2.3", "is not a semantic version"),  # a full-width digit is still not an ASCII one
        (None, "None is not a semantic version"),
    ],
)
def test_only_plain_semantic_versions_parse(text, message):
    with pytest.raises(VersionError, match=re.escape(message)):
        versioning.parse(text)


@pytest.mark.parametrize(
    ("old", "new", "level"),
    [
        ("1.2.3", "1.2.3", Level.NONE),
        ("1.2.3", "1.2.4", Level.PATCH),
        ("1.2.3", "1.2.9", Level.PATCH),
        ("1.2.3", "1.3.0", Level.MINOR),
        ("1.2.3", "2.0.0", Level.MAJOR),
        ("0.9.9", "0.10.0", Level.MINOR),
    ],
)
def test_version_steps(old, new, level):
    assert versioning.step(versioning.parse(old), versioning.parse(new)) is level


@pytest.mark.parametrize(
    ("old", "new"), [("1.2.3", "1.2.2"), ("1.2.3", "1.3.1"), ("1.2.3", "2.1.0"), ("2.0.0", "1.9.9")]
)
def test_invalid_version_steps(old, new):
    with pytest.raises(VersionError):
        versioning.step(versioning.parse(old), versioning.parse(new))


def test_bump_requests():
    current = Version(1, 2, 3)
    assert [str(versioning.target(current, r)) for r in ("major", "minor", "patch", "4.0.0")] == [
        "2.0.0",
        "1.3.0",
        "1.2.4",
        "4.0.0",
    ]


def test_the_committed_version_is_valid():
    versioning.parse(version_of(REPO))


# One version, one place -----------------------------------------------------------------------------


def test_release_changes_only_the_version_and_the_changelog(two: History):
    assert version_of(two.root) == "0.1.1"
    touched = git(two.root, "show", "--name-only", "--format=", "v0.1.1").split()
    # The data dictionary is generated from datapackage.json by the build, like dataset/ from seeds/.
    assert touched == ["CHANGELOG.md", "datapackage.json", "docs/data-dictionary.md"]
    # The Python package takes its version from the data (hatch_build.py): at the tag, the release's.
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert package_version(two.root) == "0.1.1"


def test_changelog_entries_move_under_the_dated_version(two: History):
    text = (two.root / "CHANGELOG.md").read_text(encoding="utf-8")
    # Dated from the last commit (the test repository's commits are all 2025-03-01), never the clock.
    assert "## Unreleased\n\n## 0.1.1 — 2025-03-01\n\n### What changed in the data\n\n" in text
    assert "- vendors: 1 added, 1 removed, 1 modified, 1 renamed\n" in text
    assert text.index("## 0.1.1") < text.index("## 0.1.0 — 2025-03-01")
    assert text == (two.second / "CHANGELOG.md").read_text(encoding="utf-8")


def test_a_minor_release_with_unreleased_entries(two: History, tmp_path: Path):
    root = two.copy(tmp_path / "repo")
    schema = json.loads(json.dumps(VENDORS_SCHEMA))
    schema["fields"].append({"name": "website", "type": "string", "description": "Home page."})
    write_schema(root, "vendors", schema)
    lines = (root / "dataset" / "vendors.csv").read_text().splitlines()
    write_csv(root, "dataset/vendors.csv", [lines[0] + ",website"] + [line + "," for line in lines[1:]])
    changelog = (root / "CHANGELOG.md").read_text()
    (root / "CHANGELOG.md").write_text(
        changelog.replace("## Unreleased\n", "## Unreleased\n\n- Vendors have a website.\n")
    )
    refresh(root)
    commit(root, "Websites")
    assert cli("release", "patch", "--root", str(root)).exit_code == 1
    result = cli("release", "minor", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert "released 0.2.0 since v0.1.1: changes need a minor bump" in result.output
    text = (root / "CHANGELOG.md").read_text()
    assert (
        "## 0.2.0 — 2025-03-01\n\n- Vendors have a website.\n\n### What changed in the data\n\n"
        "- vendors.website: new optional field (minor)\n" in text
    )
    # A new column is a schema change, not a change to every row.
    changes = (root / "dist" / "faceledger-0.2.0" / "changes.csv").read_bytes()
    assert changes == b"resource,change,key,fields,note\r\n"


# Refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ("0.2", "'0.2' is not a semantic version"),
        ("next", "'next' is not a semantic version"),
        ("v0.2.0", "write the version without the leading 'v'"),
        ("0.1.0", "0.1.0 is lower than 0.1.1: a version never goes down"),
        ("0.1.1", "0.1.1 is already released (tag v0.1.1)"),
        ("0.3.1", "0.1.1 -> 0.3.1: after a minor bump the lower parts start at 0 (0.3.0)"),
        (
            "patch",
            "0.1.1 -> 0.1.2 is a patch bump, but the changes need a major bump (at least 1.0.0): vendors.country: field removed",
        ),
        ("minor", "0.1.1 -> 0.2.0 is a minor bump, but the changes need a major bump"),
    ],
)
def test_bad_release_requests_change_nothing(two: History, tmp_path: Path, request_: str, message: str):
    root = two.copy(tmp_path / "repo")
    schema = json.loads(json.dumps(VENDORS_SCHEMA))
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "country"]
    write_schema(root, "vendors", schema)
    rows = [line.split(",") for line in (root / "dataset" / "vendors.csv").read_text().splitlines()]
    write_csv(root, "dataset/vendors.csv", [",".join(r[:2] + r[3:]) for r in rows])
    refresh(root)
    before = files(root)
    result = cli("release", request_, "--root", str(root))
    assert result.exit_code == 1
    assert message in result.output
    assert "release refused: nothing was changed or written" in result.output
    assert files(root) == before
    assert cli("release", "major", "--root", str(root)).exit_code == 0


def test_nothing_to_release(two: History, tmp_path: Path):
    root = two.copy(tmp_path / "repo")
    result = cli("release", "patch", "--root", str(root))
    assert result.exit_code == 1
    assert "nothing changed since v0.1.1 and CHANGELOG.md lists no unreleased entries" in result.output


def test_release_refuses_an_id_removed_without_tombstone(two: History, tmp_path: Path):
    root = two.copy(tmp_path / "repo")
    lines = (root / "dataset" / "vendors.csv").read_text().splitlines()
    write_csv(root, "dataset/vendors.csv", [line for line in lines if not line.startswith("ven-cognitec")])
    refresh(root)
    result = cli("release", "major", "--root", str(root))
    assert result.exit_code == 1
    assert "error removed-without-tombstone" in result.output and "(ven-cognitec)" in result.output
    assert not (root / "dist").exists()


def test_first_release_without_git_needs_a_date(tmp_path: Path):
    root = copy_repo(tmp_path / "repo")
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\n- First data.\n", encoding="utf-8")
    result = cli("release", "0.1.0", "--root", str(root), env={"SOURCE_DATE_EPOCH": None})
    assert result.exit_code == 1
    assert "cannot date the release without the clock" in result.output
    result = cli("release", "0.1.0", "--root", str(root), "--date", "2025-01-31")
    assert result.exit_code == 0, result.output
    assert "## 0.1.0 — 2025-01-31" in (root / "CHANGELOG.md").read_text()
    assert "released 0.1.0 (first release)" in result.output


# Reproducible and atomic -----------------------------------------------------------------------


def test_two_builds_of_a_commit_are_byte_identical(two: History, tmp_path: Path):
    first = cli("build", "--root", str(two.root), "--dist", str(tmp_path / "a"))
    second = cli("build", "--root", str(two.root), "--dist", str(tmp_path / "b"))
    assert first.exit_code == second.exit_code == 0
    a, b = files(tmp_path / "a" / "faceledger-0.1.1"), files(tmp_path / "b" / "faceledger-0.1.1")
    assert list(a) == list(b) and all(a[name] == b[name] for name in a)
    # And they are the release the maintainer made: CI's rebuild of the tag publishes the same bytes.
    assert a == files(two.second)


def test_a_clean_checkout_of_the_tag_rebuilds_the_release(two: History, tmp_path: Path):
    checkout = tmp_path / "checkout"
    git(two.root, "worktree", "add", "-q", "--detach", str(checkout), "v0.1.1")
    try:
        assert cli("build", "--root", str(checkout), "--dist", str(tmp_path / "ci")).exit_code == 0
        assert files(tmp_path / "ci" / "faceledger-0.1.1") == files(two.second)
    finally:
        git(two.root, "worktree", "remove", "--force", str(checkout))


def test_zip_entries_are_dated_without_the_clock(two: History, tmp_path: Path):
    with zipfile.ZipFile(two.second / "faceledger-0.1.1-csv.zip") as archive:
        infos = archive.infolist()
    assert {info.date_time for info in infos} == {(2025, 3, 1, 0, 0, 0)}  # the CHANGELOG date of 0.1.1
    assert {info.external_attr >> 16 for info in infos} == {0o100644}
    # The format folder, then the files beside it, each in name order, with the same bytes.
    inside = sorted((two.second / "csv").iterdir())
    beside = sorted(
        p
        for p in two.second.iterdir()
        if p.is_file() and p.suffix != ".zip" and p.name not in ("SHA256SUMS", "croissant.json")
    )
    assert [info.filename for info in infos] == [f"faceledger-0.1.1-csv/{p.name}" for p in inside + beside]
    assert {"changes.csv", "CHANGELOG.md", "LICENSE-DATA"} <= {p.name for p in beside}
    with zipfile.ZipFile(two.second / "faceledger-0.1.1-csv.zip") as archive:
        assert [archive.read(info) for info in infos] == [p.read_bytes() for p in inside + beside]
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    assert cli("build", "--root", str(two.root), "--dist", str(tmp_path / "e"), env=env).exit_code == 0
    with zipfile.ZipFile(tmp_path / "e" / "faceledger-0.1.1" / "faceledger-0.1.1-json.zip") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    bad = cli(
        "build",
        "--root",
        str(two.root),
        "--dist",
        str(tmp_path / "f"),
        env={"SOURCE_DATE_EPOCH": "yesterday"},
    )
    assert bad.exit_code == 1
    assert "SOURCE_DATE_EPOCH: error invalid-epoch: 'yesterday' is not a time" in bad.output
    assert not (tmp_path / "f").exists()  # refused before anything was written


def test_release_artifacts(two: History):
    names = set(files(two.second))
    for fmt in ("csv", "json", "parquet"):
        assert f"faceledger-0.1.1-{fmt}.zip" in names
        assert f"{fmt}/datapackage.json" in names
        package = json.loads((two.second / fmt / "datapackage.json").read_text())
        size = "bytes" if fmt != "parquet" else "x-faceledger-bytes"
        assert all(r[size] > 0 and r["hash"].startswith("sha256:") for r in package["resources"])
    listed = {line.split("  ", 1)[1] for line in (two.second / "SHA256SUMS").read_text().splitlines()}
    # The site lists its own files (site/SHA256SUMS, tests/test_site.py).
    assert listed == {name for name in names if not name.startswith("site/")} - {"SHA256SUMS"}
    assert {"changes.csv", "CHANGELOG.md", "LICENSE-DATA"} <= names


def test_an_interrupted_release_leaves_nothing(two: History, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = with_a_new_vendor(two, tmp_path / "repo")
    before = files(root)

    from faceledger.publish.exporters import parquet

    written = []

    def write_then_fail(table, schema, path, *cached):
        written.append(path.name)
        if len(written) == 3:  # part-way through the Parquet files
            raise OSError("No space left on device")
        path.write_bytes(b"partial")

    monkeypatch.setattr(parquet, "write", write_then_fail)
    result = cli("release", "patch", "--root", str(root))
    assert result.exit_code == 1
    assert (
        "release failed: No space left on device; datapackage.json and CHANGELOG.md are as they were"
        in result.output
    )
    assert files(root) == before  # the version and the changelog are put back
    assert not (root / "dist").exists()  # no release folder, no staging folder, not even dist/
    monkeypatch.undo()
    assert cli("release", "patch", "--root", str(root)).exit_code == 0
    assert version_of(root) == "0.1.2"
