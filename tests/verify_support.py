"""Support for the `faceledger verify` tests: a tiny real release, and zips rewritten or written by hand.

The tiny release is written by the release writer itself (publish/release_folder.py
write_release, so its zips by publish/zips.py) from a one-resource package: a
release made the same way as a real one, small enough to change every byte of.
"""

from __future__ import annotations

import shutil
import struct
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from faceledger.core.findings import Finding, errors
from faceledger.core.package import Package, Table
from faceledger.publish.release_folder import write_release

from .support import cli

Members = list[tuple[zipfile.ZipInfo, bytes]]

TINY_SCHEMA = {
    "fields": [
        {"name": "id", "type": "string", "description": "Id."},
        {"name": "n", "type": "integer", "description": "A number."},
    ],
    "primaryKey": ["id"],
}


def tiny_release(base: Path) -> Path:
    """faceledger-0.0.1/: one two-row resource in every format, a licence, changes.csv, zips and SHA256SUMS."""
    root = base / "repo"
    root.mkdir(parents=True)
    (root / "LICENSE-DATA").write_text("CC-BY-4.0\n", encoding="utf-8")
    descriptor = {"name": "tiny", "version": "0.0.1", "resources": [{"name": "tiny", "path": "tiny.csv"}]}
    data = pa.table({"id": ["a", "b"], "n": pa.array([1, 2], pa.int64())})
    package = Package(root, descriptor, {"tiny": TINY_SCHEMA}, {"tiny": Table("tiny", data)})
    changes = b"resource,change,key,fields,note\r\ntiny,ADD,a,,\r\ntiny,ADD,b,,\r\n"
    return write_release(package, base / "dist", changes, datetime(2025, 3, 1))


def copy_release(release: Path, target: Path) -> Path:
    return Path(shutil.copytree(release, target / release.name))


def names(findings: list[Finding], name: str) -> bool:
    """Whether some error names the file `name`: as its path, inside a zip, or in its message."""
    return any(f.path == name or f.path.startswith(f"{name}:") or name in f.message for f in errors(findings))


def cli_names(path: Path, name: str) -> None:
    """`faceledger verify PATH` exits 1 and names `name` (an exception would be raised, not caught)."""
    result = cli("verify", str(path))
    assert result.exit_code == 1, result.output
    assert name in result.output, result.output


def rewrite_zip(archive: Path, edit: Callable[[Members], Members]) -> None:
    """Write the zip again with its members edited; every CRC stays right."""
    with zipfile.ZipFile(archive) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(archive, "w") as target:
        for info, data in edit(members):
            target.writestr(info, data)


def member(name: str, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=(2025, 3, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info, data


# Zips written by hand, for what zipfile will not write: sizes that lie, and zip bombs.
Raw = tuple[str, bytes, int, int]  # name, deflated data, CRC-32, size it declares


def raw_member(name: str, data: bytes) -> Raw:
    """A member whose entry is true: its deflated bytes, CRC and size."""
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    return name, deflate.compress(data) + deflate.flush(), zlib.crc32(data), len(data)


def deflated_zeros(mib: int) -> bytes:
    """A raw deflate stream of `mib` MiB of zero bytes, made in milliseconds: full flushes repeat exactly."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(1 << 20)
    first = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    return first + again * (mib - 2) + deflate.compress(block) + deflate.flush()


def write_raw_zip(path: Path, members: list[Raw]) -> None:
    """A deflated zip of `members` exactly as given: local headers, central directory, end record."""
    body = bytearray()
    directory = bytearray()
    for name, data, crc, size in members:
        encoded = name.encode("utf-8")
        offset = len(body)
        # version 20, no flags, deflate, 1980-01-01 00:00
        body += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
        )
        body += encoded + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))
