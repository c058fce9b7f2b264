"""`faceledger verify` knows what a release holds: no SHA256SUMS, no descriptor, a zip member added,
removed or changed, each fails and is named, whether the zip is verified in its release or on its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from faceledger.publish import exporters, release_folder
from faceledger.verify import archive, release

from .support import cli
from .verify_support import copy_release, member, rewrite_zip

EXTRAS = ("changes.csv", "CHANGELOG.md", "LICENSE-DATA", "data-dictionary.md")


@pytest.fixture
def copy(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built release, safe to tamper with."""
    return copy_release(built, tmp_path)


def zip_of(release_path: Path, fmt: str) -> Path:
    return release_path / f"{release_path.name}-{fmt}.zip"


def test_verify_knows_the_release_layout_the_writer_writes():
    assert release_folder.FOLDERS == release.FORMATS
    assert set(exporters.EXPORTERS) < set(release.FORMATS)
    extras = {target for _, target in release_folder.RELEASE_EXTRAS} | {release_folder.CHANGES}
    assert set(archive.EXTRAS) == extras


def test_a_release_without_sha256sums_fails_and_names_the_edited_files(copy: Path):
    (copy / "SHA256SUMS").unlink()
    for name in EXTRAS:
        with (copy / name).open("a", encoding="utf-8") as handle:
            handle.write("edited\n")
    result = cli("verify", str(copy))
    assert result.exit_code == 1
    assert "SHA256SUMS: error missing-file: a release holds SHA256SUMS" in result.output
    # Each zip holds a copy of the files beside the format folders: the edited ones differ from it.
    for name in EXTRAS:
        assert (
            f"{copy.name}-csv.zip:{copy.name}-csv/{name}: error checksum-mismatch: not the same as {name} "
            "in the release folder" in result.output
        )


def test_downloaded_assets_without_sha256sums_fail(copy: Path, tmp_path: Path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    for path in copy.glob("*.zip"):
        shutil.copyfile(path, downloads / path.name)
    result = cli("verify", str(downloads))
    assert result.exit_code == 1
    assert "SHA256SUMS: error missing-file" in result.output


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_a_format_folder_without_its_descriptor_fails(copy: Path, fmt: str):
    """Not rescued by the copy in the zip."""
    (copy / fmt / "datapackage.json").unlink()
    result = cli("verify", str(copy))
    assert result.exit_code == 1
    assert (
        f"{fmt}/datapackage.json: error missing-file: a format folder holds its datapackage.json"
        in result.output
    )


def test_a_format_folder_without_its_descriptor_fails_without_sha256sums_too(copy: Path):
    (copy / "SHA256SUMS").unlink()
    (copy / "csv" / "datapackage.json").unlink()
    result = cli("verify", str(copy))
    assert result.exit_code == 1
    assert "csv/datapackage.json: error missing-file" in result.output


def edited_zip(copy: Path, edit: str) -> Path:
    target = zip_of(copy, "csv")
    inner = f"{copy.name}-csv"
    if edit == "added":
        rewrite_zip(target, lambda members: [*members, member(f"{inner}/notes.txt", b"not part of it")])
    elif edit == "removed":
        rewrite_zip(target, lambda members: [m for m in members if m[0].filename != f"{inner}/LICENSE-DATA"])
    elif edit == "removed-resource":
        rewrite_zip(target, lambda members: [m for m in members if m[0].filename != f"{inner}/systems.csv"])
    else:
        rewrite_zip(
            target,
            lambda members: [
                (info, b"resource,change,key\r\n" if info.filename.endswith("/changes.csv") else data)
                for info, data in members
            ],
        )
    return target


EDITS = {
    "added": "csv/notes.txt: error unlisted-file: not in SHA256SUMS",
    "removed": "csv/LICENSE-DATA: error missing-file: listed in SHA256SUMS as LICENSE-DATA, not in the zip",
    "removed-resource": "csv/systems.csv: error missing-file: listed in",
    "rewritten": "csv/changes.csv: error checksum-mismatch: its SHA-256 is not the one in SHA256SUMS for changes.csv",
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_zip_member_added_removed_or_changed_is_named(copy: Path, edit: str):
    target = edited_zip(copy, edit)
    expected = f"{target.name}:{copy.name}-{EDITS[edit]}"
    for path in (copy, target):  # in its release, and on its own with SHA256SUMS beside it
        result = cli("verify", str(path))
        assert result.exit_code == 1
        assert f"{target.name}: error checksum-mismatch" in result.output
        assert expected in result.output, result.output


def test_a_zip_on_its_own_without_sha256sums_fails(copy: Path, tmp_path: Path):
    """Nothing inside a zip vouches for changes.csv or CHANGELOG.md: verify says so instead of passing."""
    alone = tmp_path / "alone"
    alone.mkdir()
    target = Path(shutil.copyfile(zip_of(copy, "json"), alone / zip_of(copy, "json").name))
    result = cli("verify", str(target))
    assert result.exit_code == 1
    assert f"SHA256SUMS: error missing-file: not beside {target.name}" in result.output
    # What the descriptor inside can vouch for, it still checks.
    rewrite_zip(target, lambda members: [m for m in members if not m[0].filename.endswith("/systems.json")])
    rewrite_zip(target, lambda members: [*members, member(f"{copy.name}-json/extra.json", b"[]")])
    result = cli("verify", str(target))
    assert f"{copy.name}-json/systems.json: error missing-file" in result.output
    assert f"{copy.name}-json/extra.json: error unlisted-file" in result.output


def test_a_zip_not_listed_in_sha256sums_is_named_on_its_own(copy: Path):
    renamed = copy / "faceledger-9.9.9-csv.zip"
    zip_of(copy, "csv").rename(renamed)
    result = cli("verify", str(renamed))
    assert result.exit_code == 1
    assert "faceledger-9.9.9-csv.zip: error unlisted-file: not in SHA256SUMS" in result.output


def test_an_unpacked_zip_warns_about_the_files_nothing_vouches_for(built: Path, tmp_path: Path):
    """No SHA256SUMS in an unpacked zip: its descriptor covers the data, and the rest is said to be unchecked."""
    unpacked = tmp_path / f"{built.name}-csv"
    shutil.copytree(built / "csv", unpacked)
    shutil.copyfile(built / "changes.csv", unpacked / "changes.csv")
    result = cli("verify", str(unpacked))
    assert result.exit_code == 0
    assert (
        "changes.csv: warning unchecked-file: no SHA256SUMS here and no datapackage.json lists it"
        in result.output
    )
    assert "documents.csv: warning" not in result.output
