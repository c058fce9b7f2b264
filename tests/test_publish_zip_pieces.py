"""The zips' deflate streams: made of pieces cut where the content says, joined into one stream."""

from __future__ import annotations

import random
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import pytest

from faceledger.core import cache_store
from faceledger.publish import zips
from faceledger.publish.cache import DATABASE, TABLE, RenderCache

from .support import spy


def rows(count: int, seed: int = 1) -> bytes:
    """CSV-like lines, alike enough to compress, different enough to cut."""
    pick = random.Random(seed)
    return b"".join(
        f"doc-{pick.getrandbits(64):016x},https://example.org/{pick.randrange(10**6)},title {i}\n".encode()
        for i in range(count)
    )


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"one line, no newline",
        rows(100),
        rows(60_000),
        random.Random(2).randbytes(9 << 20),  # binary, like the database: newlines at random
        b"x" * (zips.PIECE_MAX * 2 + 5),  # no newline at all: cut at PIECE_MAX
        b"\n" * (zips.PIECE_MIN * 3),
    ],
    ids=["empty", "short", "small", "csv", "binary", "no-newline", "newlines"],
)
def test_the_pieces_join_into_one_stream_of_the_file(tmp_path: Path, data: bytes):
    path = tmp_path / "f"
    path.write_bytes(data)
    pieces = list(zips.pieces(path))
    assert b"".join(pieces) == data
    assert all(zips.PIECE_MIN <= len(p) <= zips.PIECE_MAX for p in pieces[:-1])
    (tmp_path / "csv").mkdir()
    path.rename(tmp_path / "csv" / "f")
    zips.write_zip(tmp_path, "csv", "r", datetime(2030, 1, 1))
    with zipfile.ZipFile(tmp_path / "r-csv.zip") as archive:
        assert archive.read("r-csv/f") == data  # zipfile inflates it and checks its CRC
        packed = archive.getinfo("r-csv/f").compress_size
    # Each piece starts from the window before it: as small as one stream, within 0.5 % (and
    # a few bytes a piece, for the flush that ends it).
    whole = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    assert packed <= len(whole.compress(data) + whole.flush()) * 1.005 + 64 * len(pieces)


def test_an_edited_line_changes_the_pieces_around_it_and_no_others(tmp_path: Path):
    data = rows(60_000)
    at = len(data) // 2
    edited = data[:at] + b"an inserted line that shifts every byte after it\n" + data[at:]
    (tmp_path / "a").write_bytes(data)
    (tmp_path / "b").write_bytes(edited)
    before, after = list(zips.pieces(tmp_path / "a")), list(zips.pieces(tmp_path / "b"))
    assert len(before) > 8
    assert len(set(after) - set(before)) <= 2


def test_a_zip_after_an_edit_deflates_only_the_changed_pieces_and_reads_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "release"
    (folder / "csv").mkdir(parents=True)
    table = folder / "csv" / "rows.csv"
    stamp = datetime(2030, 1, 1)
    cache = RenderCache(cache_store.connect(tmp_path / "cache", DATABASE, TABLE), "salt")
    made = spy(monkeypatch, zips, "deflate_piece", lambda result, before, piece: piece)

    def zipped(data: bytes) -> bytes:
        table.write_bytes(data)
        deflated = zips.Deflated(cache)
        try:
            zips.write_zip(folder, "csv", "r", stamp, deflated)
        finally:
            deflated.close()
        with zipfile.ZipFile(folder / "r-csv.zip") as archive:
            assert archive.testzip() is None
            assert archive.read("r-csv/rows.csv") == data
        return (folder / "r-csv.zip").read_bytes()

    data = rows(60_000)
    first = zipped(data)
    count = len(made)
    assert count > 8
    edited = data.replace(b"title 30000\n", b"title 30000, edited\n")
    zipped(edited)
    assert 1 <= len(made) - count <= 2
    # The same file again is the same zip, every piece found.
    assert zipped(data) == first
    assert len(made) - count <= 2
    cache.connection.close()


def test_a_file_beside_the_format_folders_is_deflated_once_for_every_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "release"
    for fmt in ("csv", "json"):
        (folder / fmt).mkdir(parents=True)
        (folder / fmt / f"rows.{fmt}").write_bytes(rows(20_000, seed=len(fmt)))
    (folder / "changes.csv").write_bytes(rows(20_000, seed=9))
    made = spy(monkeypatch, zips, "deflate_piece", lambda result, before, piece: piece)
    deflated = zips.Deflated(RenderCache())
    try:
        for fmt in ("csv", "json"):
            zips.write_zip(folder, fmt, "r", datetime(2030, 1, 1), deflated)
    finally:
        deflated.close()
    expected = [p for f in ("csv/rows.csv", "json/rows.json", "changes.csv") for p in zips.pieces(folder / f)]
    assert sorted(made) == sorted(expected)
    for fmt in ("csv", "json"):
        with zipfile.ZipFile(folder / f"r-{fmt}.zip") as archive:
            assert archive.read("r-" + fmt + "/changes.csv") == (folder / "changes.csv").read_bytes()


def test_another_zlib_gives_the_render_cache_another_fingerprint(monkeypatch: pytest.MonkeyPatch):
    # Another zlib may deflate the same piece otherwise: its cached pieces must not be used.
    from faceledger.publish.cache import fingerprint

    before = fingerprint()
    monkeypatch.setattr(zlib, "ZLIB_RUNTIME_VERSION", "0.0.0-other")
    assert fingerprint() != before
