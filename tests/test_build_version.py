"""A build carries a version that says which data it holds: a release's own, or a development version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packaging.version import Version as Pep440

from faceledger.core.versions import Version, development

from .support import History, cli, commit, git, with_a_new_vendor


def built(root: Path, dist: Path) -> list[str]:
    result = cli("build", "--root", str(root), "--dist", str(dist))
    assert result.exit_code == 0, result.output
    return sorted(path.name for path in dist.iterdir())


def descriptor_versions(release: Path) -> set[str]:
    return {
        json.loads((release / fmt / "datapackage.json").read_text(encoding="utf-8"))["version"]
        for fmt in ("csv", "parquet", "json")
    }


def test_development_versions_are_pep_440_and_sort_between_the_releases():
    dev = development(Version(0, 2, 0), 3, "1a2b3c4")
    assert dev == "0.2.0.dev3+g1a2b3c4"
    assert Pep440("0.1.0") < Pep440(dev) < Pep440("0.2.0")
    dirty = development(Version(0, 2, 0), 3, "1a2b3c4", dirty=True)
    assert Pep440(dirty).local == "g1a2b3c4.dirty"
    assert development(Version(1, 0, 0), 0, None) == "1.0.0.dev0"


def test_a_clean_checkout_of_a_release_builds_that_release(two: History, tmp_path: Path):
    root = two.copy(tmp_path / "repo")
    assert built(root, tmp_path / "dist") == ["faceledger-0.1.1"]
    assert descriptor_versions(tmp_path / "dist" / "faceledger-0.1.1") == {"0.1.1"}


def test_changed_data_build_a_development_version_of_the_next_release(two: History, tmp_path: Path):
    root = with_a_new_vendor(two, tmp_path / "repo")
    commit(root, "One more vendor")
    head = git(root, "rev-parse", "--short=7", "HEAD").strip()
    # One commit after v0.1.1, and an added row needs at least a patch release: 0.1.2.
    expected = f"0.1.2.dev1+g{head}"
    assert built(root, tmp_path / "dist") == [f"faceledger-{expected}"]
    release = tmp_path / "dist" / f"faceledger-{expected}"
    assert descriptor_versions(release) == {expected}
    assert f"faceledger-{expected}-csv.zip" in {path.name for path in release.iterdir()}
    # The repository keeps the released version: only `faceledger release` changes it.
    assert json.loads((root / "datapackage.json").read_text())["version"] == "0.1.1"
    assert cli("verify", str(release)).exit_code == 0


def test_edits_not_committed_are_marked_dirty(two: History, tmp_path: Path):
    root = with_a_new_vendor(two, tmp_path / "repo")  # refreshed, not committed
    head = git(root, "rev-parse", "--short=7", "HEAD").strip()
    assert built(root, tmp_path / "dist") == [f"faceledger-0.1.2.dev0+g{head}.dirty"]


def test_a_release_cut_is_plain_before_and_after_its_tag(two: History, tmp_path: Path):
    root = with_a_new_vendor(two, tmp_path / "repo")
    commit(root, "One more vendor")
    dist = tmp_path / "dist"
    result = cli("release", "minor", "--root", str(root), "--dist", str(dist))
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in dist.iterdir()) == ["faceledger-0.2.0"]
    commit(root, "Release 0.2.0", tag="v0.2.0")
    assert built(root, tmp_path / "again") == ["faceledger-0.2.0"]


@pytest.mark.parametrize("edit", ["schema", "none"])
def test_only_a_difference_from_the_release_makes_a_development_version(
    two: History, tmp_path: Path, edit: str
):
    root = two.copy(tmp_path / "repo")
    (root / "README.extra").write_text("not data\n", encoding="utf-8")
    commit(root, "A file that is not data")
    if edit == "schema":
        schema = json.loads((root / "schema" / "vendors.json").read_text())
        schema["fields"][1]["description"] = "The vendor's name as it trades."
        (root / "schema" / "vendors.json").write_text(json.dumps(schema, indent=2) + "\n")
        result = cli("build", "--root", str(root), "--dist", str(tmp_path / "scratch"))
        assert result.exit_code == 0, result.output
        commit(root, "A description")
    names = built(root, tmp_path / "dist")
    if edit == "none":
        assert names == ["faceledger-0.1.1"]
    else:
        head = git(root, "rev-parse", "--short=7", "HEAD").strip()
        assert names == [f"faceledger-0.1.2.dev2+g{head}"]


def test_faceledger_site_finds_the_release_of_a_development_version(two: History, tmp_path: Path):
    root = with_a_new_vendor(two, tmp_path / "repo")
    commit(root, "One more vendor")
    result = cli("build", "--root", str(root))
    assert result.exit_code == 0, result.output
    [release] = (root / "dist").iterdir()
    assert ".dev1+g" in release.name
    result = cli("site", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert f"site written to {release / 'site'}" in result.stderr
