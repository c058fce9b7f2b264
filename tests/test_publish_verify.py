"""`faceledger verify`: a release checks clean, and any changed, missing or extra file is named."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from .support import History, cli


@pytest.fixture
def release(two: History, tmp_path: Path) -> Path:
    """A private copy of release 0.1.1, safe to tamper with."""
    return Path(shutil.copytree(two.second, tmp_path / "faceledger-0.1.1"))


def flip(path: Path, at: int = -20) -> None:
    """Change one byte: what a bad download or a careless edit does."""
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_release_verifies(release: Path):
    result = cli("verify", str(release))
    assert result.exit_code == 0, result.output
    assert f"{release}: every file matches" in result.output


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        (
            "csv/vendors.csv",
            [
                "csv/vendors.csv: error checksum-mismatch: its SHA-256 is not the one in SHA256SUMS",
                "csv/vendors.csv: error hash-mismatch: its SHA-256 is not the hash in csv/datapackage.json",
            ],
        ),
        (
            "parquet/documents.parquet",
            [
                "parquet/documents.parquet: error checksum-mismatch",
                "parquet/documents.parquet: error hash-mismatch",
            ],
        ),
        ("changes.csv", ["changes.csv: error checksum-mismatch"]),
    ],
)
def test_one_changed_byte_is_named(release: Path, rel: str, expected: list[str]):
    flip(release / rel)
    result = cli("verify", str(release))
    assert result.exit_code == 1
    for line in expected:
        assert line in result.output
    assert f"{len(expected)} error(s)" in result.output


def test_a_changed_zip_member_is_named(release: Path):
    """Rewriting a zip member with a valid CRC still disagrees with the datapackage.json inside."""
    archive = release / "faceledger-0.1.1-csv.zip"
    with zipfile.ZipFile(archive) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(archive, "w") as target:
        for info, data in members:
            target.writestr(info, data.replace(b"Cognitec", b"Cognitek"))
    result = cli("verify", str(release))
    assert result.exit_code == 1
    assert "faceledger-0.1.1-csv.zip: error checksum-mismatch" in result.output
    assert (
        "faceledger-0.1.1-csv.zip:faceledger-0.1.1-csv/vendors.csv: error hash-mismatch: its SHA-256 is not "
        "the hash in faceledger-0.1.1-csv.zip:faceledger-0.1.1-csv/datapackage.json" in result.output
    )


def test_a_corrupt_zip_is_named(release: Path):
    archive = release / "faceledger-0.1.1-parquet.zip"
    flip(archive, at=60)  # inside the first member's compressed data
    with zipfile.ZipFile(archive) as opened:
        first = opened.infolist()[0].filename
    expected = f"faceledger-0.1.1-parquet.zip:{first}: error corrupt-zip: its CRC does not match its contents"
    assert expected in cli("verify", str(archive)).output
    result = cli("verify", str(release))
    assert result.exit_code == 1
    assert "faceledger-0.1.1-parquet.zip: error checksum-mismatch" in result.output
    assert expected in result.output


def test_missing_extra_and_resized_files(release: Path):
    (release / "json" / "vendors.jsonl").unlink()
    (release / "csv" / "notes.txt").write_text("not part of the release")
    with (release / "csv" / "documents.csv").open("ab") as handle:
        handle.write(b"\r\n")
    result = cli("verify", str(release))
    assert result.exit_code == 1
    for line in [
        "csv/notes.txt: error unlisted-file: not in SHA256SUMS: not part of the release",
        "json/vendors.jsonl: error missing-file: listed in json/datapackage.json but not here",
        "csv/documents.csv: error bytes-mismatch",
    ]:
        assert line in result.output
    # A file listed in SHA256SUMS is found inside its format's zip when the folder lacks it.
    assert "json/vendors.jsonl: error missing-file: listed in SHA256SUMS" not in result.output


def test_the_downloaded_assets_verify(release: Path, tmp_path: Path):
    """What release.yml attaches: the zips and the top-level files, without the format folders."""
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    for path in release.iterdir():
        if path.is_file():
            shutil.copyfile(path, downloads / path.name)
    assert cli("verify", str(downloads)).exit_code == 0
    (downloads / "faceledger-0.1.1-json.zip").unlink()
    result = cli("verify", str(downloads))
    assert result.exit_code == 1
    assert "faceledger-0.1.1-json.zip: error missing-file: listed in SHA256SUMS but not here" in result.output
    assert "json/documents.jsonl: error missing-file" in result.output
    assert cli("verify", str(downloads), "--ignore-missing").exit_code == 0


def test_an_unpacked_zip_verifies_by_its_descriptor(release: Path, tmp_path: Path):
    with zipfile.ZipFile(release / "faceledger-0.1.1-csv.zip") as archive:
        archive.extractall(tmp_path)
    unpacked = tmp_path / "faceledger-0.1.1-csv"
    assert cli("verify", str(unpacked)).exit_code == 0
    flip(unpacked / "documents.csv")
    result = cli("verify", str(unpacked))
    assert result.exit_code == 1
    assert (
        "documents.csv: error hash-mismatch: its SHA-256 is not the hash in datapackage.json" in result.output
    )


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda text: "not a checksum line\n" + text, "SHA256SUMS:1: error malformed-line"),
        (lambda text: text.replace("  changes.csv", "  ../changes.csv"), "error malformed-line"),
        (
            lambda text: text.replace("  CHANGELOG.md\n", "  CHANGELOG.md\n" + "0" * 64 + "  gone.csv\n"),
            "gone.csv: error missing-file",
        ),
    ],
)
def test_a_tampered_checksum_list_is_named(release: Path, edit, expected: str):
    sums = release / "SHA256SUMS"
    sums.write_text(edit(sums.read_text(encoding="utf-8")), encoding="utf-8")
    result = cli("verify", str(release))
    assert result.exit_code == 1
    assert expected in result.output


def test_nothing_to_verify(tmp_path: Path):
    assert "error nothing-to-verify" in cli("verify", str(tmp_path)).output
    assert cli("verify", str(tmp_path / "nowhere")).exit_code == 1
