"""Every single-byte change to a release gives exit 1 and the changed file's name, never a traceback.

A zip is where a flipped byte used to crash `verify` (zlib.error, NotImplementedError,
EOFError from about a third of all positions) or pass unseen (a member's time or a
header field no CRC covers). The tiny release (tests/verify_support.py) is written by
the release writer, so its zips are made the same way as a real one's: every byte of
its smallest zip is flipped, and every byte of its SHA256SUMS; the real release's zips
and the tiny release's other files are flipped at sampled positions, headers and
central directory included. Each flip runs verify() in-process; a sample of them
runs the CLI too, for the exit code and the printed name.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from faceledger.core.findings import errors
from faceledger.verify import verify

from .verify_support import cli_names, copy_release, names, tiny_release

# Every how-manyth flip also goes through the CLI (each costs ~10 ms there, ~1 ms in-process).
CLI_EVERY = 40


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One tiny release for the module; each test flips bytes in its own copy and puts them back."""
    return tiny_release(tmp_path_factory.mktemp("tiny"))


def flip_each(release: Path, rel: str, positions: list[int], target: Path | None = None) -> int:
    """Flip each position of release/rel in turn (XOR 0xFF), verifying `target` (default the release) each time."""
    path = release / rel
    name = Path(rel).name if rel.endswith(".zip") else rel
    original = path.read_bytes()
    try:
        for count, at in enumerate(positions):
            path.write_bytes(original[:at] + bytes([original[at] ^ 0xFF]) + original[at + 1 :])
            findings = verify(target or release)
            assert names(findings, name), (rel, at, findings)
            if count % CLI_EVERY == 0:
                cli_names(target or release, name)
    finally:
        path.write_bytes(original)
    assert not errors(verify(target or release))
    return len(positions)


def smallest_zip(release: Path) -> Path:
    return min(release.glob("*.zip"), key=lambda path: path.stat().st_size)


def test_every_byte_of_the_smallest_zip(tiny: Path, tmp_path: Path):
    release = copy_release(tiny, tmp_path)
    archive = smallest_zip(release)
    size = archive.stat().st_size
    assert size < 2000
    # In its release, and on its own beside SHA256SUMS: each a different path through the checks.
    assert flip_each(release, archive.name, list(range(size))) == size
    assert flip_each(release, archive.name, list(range(size)), target=archive) == size


def test_every_byte_of_sha256sums(tiny: Path, tmp_path: Path):
    """Every byte: a digest, a path, a separator, a newline; none of them may be a change that passes."""
    release = copy_release(tiny, tmp_path)
    size = (release / "SHA256SUMS").stat().st_size
    assert flip_each(release, "SHA256SUMS", list(range(size))) == size


def spread(size: int, count: int) -> list[int]:
    """`count` positions spread over a file of `size` bytes, its first and last byte included."""
    return sorted({min(size - 1, i * size // count) for i in range(count)} | {0, size - 1})


def test_sampled_bytes_of_every_other_file(tiny: Path, tmp_path: Path):
    release = copy_release(tiny, tmp_path)
    for path in sorted(release.rglob("*")):
        rel = path.relative_to(release).as_posix()
        if path.is_file() and rel != "SHA256SUMS":
            flip_each(release, rel, spread(path.stat().st_size, 32))


def zip_structure(data: bytes) -> list[int]:
    """Positions of the headers a zip reader trusts: the first local header, the central directory, the end."""
    end = data.rindex(b"PK\x05\x06")
    directory_size, directory_at = struct.unpack("<II", data[end + 12 : end + 20])
    name_length = struct.unpack("<H", data[26:28])[0]
    local = range(0, 30 + name_length)
    directory = range(directory_at, directory_at + directory_size, 7)
    return sorted({*local, *directory, *range(end, len(data))})


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_sampled_bytes_of_the_real_zips(built: Path, tmp_path: Path, fmt: str):
    release = copy_release(built, tmp_path)
    archive = release / f"{release.name}-{fmt}.zip"
    data = archive.read_bytes()
    positions = sorted(set(zip_structure(data)) | set(spread(len(data), 64)))
    flip_each(release, archive.name, positions, target=archive)
