"""`faceledger verify` on hostile input: findings that name the file, never a traceback, nothing written,
and no zip member inflated past what the release records."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from faceledger.core.findings import errors
from faceledger.verify import verify

from .support import cli
from .verify_support import (
    copy_release,
    deflated_zeros,
    member,
    raw_member,
    rewrite_zip,
    tiny_release,
    write_raw_zip,
)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return tiny_release(tmp_path / "tiny")


@pytest.fixture
def copy(built: Path, tmp_path: Path) -> Path:
    return copy_release(built, tmp_path)


def test_a_sha256sums_that_is_not_utf8(copy: Path):
    sums = copy / "SHA256SUMS"
    lines = sums.read_bytes().split(b"\n")
    lines[2] = lines[2][:70] + b"\xff\xfe" + lines[2][72:]
    sums.write_bytes(b"\n".join(lines))
    result = cli("verify", str(copy))
    assert result.exit_code == 1
    assert "SHA256SUMS:3: error malformed-line: not UTF-8" in result.output


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        # `sha256sum -c` reads ' *' as binary mode, but a release never writes it.
        (lambda text: text.replace("  changes.csv", " *changes.csv"), "error malformed-line"),
        (lambda text: text.replace("  changes.csv", "  ./changes.csv"), "error malformed-line"),
        (lambda text: text.replace("  changes.csv\n", "  changes.csv\r\n"), "error malformed-line"),
        (lambda text: text.rstrip("\n"), "error malformed-line: the last line does not end with a newline"),
        (
            lambda text: text + text.splitlines(keepends=True)[0],
            "error malformed-line: lists 'CHANGELOG.md' again",
        ),
    ],
    ids=["binary-mode", "dot", "crlf", "no-final-newline", "twice"],
)
def test_a_sha256sums_in_any_other_form_than_a_release_writes(copy: Path, edit, expected: str):
    sums = copy / "SHA256SUMS"
    sums.write_text(edit(sums.read_text(encoding="utf-8")), encoding="utf-8", newline="")
    result = cli("verify", str(copy))
    assert result.exit_code == 1
    assert expected in result.output


DESCRIPTORS = {
    "number": (b'{"resources": 5}', "invalid-descriptor: cannot read its resources: 5"),
    "null": (b'{"resources": null}', "invalid-descriptor: cannot read its resources: None"),
    "not-objects": (b'{"resources": [1, "x", null]}', "invalid-descriptor: resource 2 is not an object: 'x'"),
    "list": (b"[]", "invalid-descriptor: cannot read its resources"),
    "garbage": (b"\x00\xff\xfe garbage", "invalid-descriptor: not valid JSON"),
    "deep": (b"[" * 100_000, "invalid-descriptor: not valid JSON"),
    "climbing-path": (b'{"resources": [{"path": "../SHA256SUMS"}]}', "is not a relative path"),
    "hash-number": (
        b'{"resources": [{"path": "tiny.csv", "bytes": true, "hash": 5}]}',
        "tiny.csv: error no-hash",
    ),
}


@pytest.mark.parametrize("kind", list(DESCRIPTORS))
def test_a_descriptor_that_is_not_one(tiny: Path, kind: str):
    data, expected = DESCRIPTORS[kind]
    (tiny / "csv" / "datapackage.json").write_bytes(data)
    result = cli("verify", str(tiny))
    assert result.exit_code == 1
    assert expected in result.output
    assert "csv/datapackage.json: error checksum-mismatch" in result.output
    # The same descriptor inside a zip, and in a folder that is not a release.
    rewrite_zip(
        tiny / "faceledger-0.0.1-csv.zip",
        lambda members: [
            (info, data if info.filename.endswith("/datapackage.json") else content)
            for info, content in members
        ],
    )
    inside = cli("verify", str(tiny / "faceledger-0.0.1-csv.zip"))
    assert inside.exit_code == 1
    assert expected in inside.output
    assert cli("verify", str(tiny / "csv")).exit_code == 1


def test_a_zip_that_is_not_a_zip_and_a_truncated_zip(tiny: Path):
    (tiny / "faceledger-0.0.1-json.zip").write_bytes(b"PK\x03\x04 not a zip at all")
    parquet = tiny / "faceledger-0.0.1-parquet.zip"
    parquet.write_bytes(parquet.read_bytes()[:-30])
    result = cli("verify", str(tiny))
    assert result.exit_code == 1
    assert "faceledger-0.0.1-json.zip: error corrupt-zip: cannot be read as a zip" in result.output
    assert "faceledger-0.0.1-parquet.zip: error corrupt-zip: cannot be read as a zip" in result.output
    assert cli("verify", str(parquet)).exit_code == 1


def test_a_member_that_climbs_or_is_absolute_is_named_and_never_written(tiny: Path, tmp_path: Path):
    target = tiny / "faceledger-0.0.1-csv.zip"
    evil = ["../escaped.txt", "/tmp/absolute.txt", "faceledger-0.0.1-csv/../../up.txt", "C:/windows.txt"]
    rewrite_zip(target, lambda members: members + [member(name, b"boo") for name in evil])
    before = sorted(p for p in tmp_path.rglob("*"))
    result = cli("verify", str(target))
    assert result.exit_code == 1
    for name in evil:
        assert f"faceledger-0.0.1-csv.zip:{name!r}: error unsafe-path" in result.output
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert not Path("/tmp/absolute.txt").exists()


def test_members_encrypted_or_compressed_otherwise_or_twice(tiny: Path):
    target = tiny / "faceledger-0.0.1-csv.zip"
    with zipfile.ZipFile(target, "a") as opened, pytest.warns(UserWarning, match="Duplicate name"):
        info = zipfile.ZipInfo("faceledger-0.0.1-csv/tiny.csv")  # a second member of this name
        opened.writestr(info, b"id,n\r\n")
        info = zipfile.ZipInfo("faceledger-0.0.1-csv/packed.bin")
        info.compress_type = zipfile.ZIP_LZMA
        opened.writestr(info, b"lzma")
    result = cli("verify", str(target))
    assert result.exit_code == 1
    assert "csv/tiny.csv: error corrupt-zip: the zip holds two members of this name" in result.output
    assert (
        "csv/packed.bin: error corrupt-zip: encrypted or compressed in a way a release never is"
        in result.output
    )


def bomb(tiny: Path, name: str, declared: int | None = None) -> Path:
    """The csv zip again, with member `name` replaced by 3.75 GiB of zeros in 3.8 MB (or a smaller lie)."""
    source = tiny / "faceledger-0.0.1-csv.zip"
    with zipfile.ZipFile(source) as opened:
        members = [raw_member(info.filename, opened.read(info)) for info in opened.infolist()]
    zeros = deflated_zeros(3840)
    members = [
        (member_name, zeros, 0, 3840 << 20 if declared is None else declared)
        if member_name.endswith(f"/{name}")
        else (member_name, data, crc, size)
        for member_name, data, crc, size in members
    ]
    write_raw_zip(source, members)
    return source


@pytest.mark.parametrize(
    ("name", "declared", "expected"),
    [
        # The descriptor records 16 bytes: a member that declares more is not inflated at all.
        ("tiny.csv", None, "csv/tiny.csv: error bytes-mismatch: 4026531840 bytes"),
        # Nothing records the size of changes.csv: no more than 64 MiB of it is inflated.
        ("changes.csv", None, "csv/changes.csv: error too-large: its zip entry gives 4026531840 bytes"),
        # A member that declares the recorded size and inflates to more stops there.
        ("tiny.csv", 16, "csv/tiny.csv: error corrupt-zip: its CRC does not match its contents"),
    ],
    ids=["recorded", "unrecorded", "lying"],
)
def test_a_zip_bomb_is_not_inflated(tiny: Path, name: str, declared: int | None, expected: str):
    target = bomb(tiny, name, declared)
    start = time.perf_counter()
    findings = verify(target)
    elapsed = time.perf_counter() - start
    assert expected in "\n".join(map(str, findings))
    # Inflating and hashing 3.75 GiB takes several seconds; reading the zip takes milliseconds.
    assert elapsed < 1.0, elapsed
    if declared is None:
        assert not [f for f in errors(findings) if f.code == "corrupt-zip"]


def test_a_folder_where_a_file_should_be(tiny: Path):
    (tiny / "changes.csv").unlink()
    (tiny / "changes.csv").mkdir()
    (tiny / "json" / "datapackage.json").unlink()
    (tiny / "json" / "datapackage.json").mkdir()
    result = cli("verify", str(tiny))
    assert result.exit_code == 1
    assert "changes.csv: error missing-file: listed in SHA256SUMS but not here" in result.output
    assert (
        "json/datapackage.json: error missing-file: a format folder holds its datapackage.json"
        in result.output
    )
