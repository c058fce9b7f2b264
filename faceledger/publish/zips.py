"""One zip per format: the format folder and the files beside it, reproducible byte for byte.

Compressing is most of a release's writing time, so it is done as little as it can be:

- a file's deflate stream is made once a release, though the files beside the format
  folders go into every zip;
- a file is deflated in pieces (zlib's default level, raw deflate), each ended with a sync
  flush so that the pieces join into one stream, and each started with the 32 KB before
  it as its dictionary, which a reader of the joined stream has just read: it compresses
  as well as one stream would. The pieces of one large file (the SQLite database) are
  deflated on every core at once.
- A piece is cut after a line whose CRC-32 ends in CUT_MASK's zero bits, so where the
  pieces begin follows the content, not the offset: an edited row changes the piece it
  is in, and every other piece is the same bytes as in the last build, wherever it moved
  to, and is found in the render cache (publish/cache.py) by its SHA-256 and its dictionary's.

A member's stream is the same bytes whether its pieces were deflated or found; zipfile
still counts the file's size and CRC from its bytes.
"""

from __future__ import annotations

import hashlib
import os
import threading
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from .cache import RenderCache

BLOCK = 1 << 20
# A piece is at least PIECE_MIN bytes and at most PIECE_MAX, and ends after the first line past
# PIECE_MIN whose CRC-32 has CUT_MASK's bits clear (one line in 1,024): about 1 MB of CSV.
PIECE_MIN = 256 << 10
PIECE_MAX = 4 << 20
CUT_MASK = (1 << 10) - 1
# An empty last block (what a compressor's flush gives with nothing left): it ends the joined stream.
_LAST = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15).flush()
# How far back deflate looks: a piece's dictionary is this much of what came before it.
WINDOW = 32 << 10


def members(folder: Path, fmt: str) -> list[tuple[str, Path]]:
    """A zip's members in their fixed order: the format folder's files, then the files beside it."""
    found = sorted(
        (p.relative_to(folder / fmt).as_posix(), p) for p in (folder / fmt).rglob("*") if p.is_file()
    )
    return found + sorted((p.name, p) for p in folder.iterdir() if p.is_file() and p.suffix != ".zip")


def _cut(data: bytes, final: bool) -> int | None:
    """Where the first piece of `data` ends; None when more data is needed to tell."""
    if len(data) <= PIECE_MIN:
        return len(data) if final and data else None
    view = memoryview(data)
    # The line that crosses PIECE_MIN is the first that may end the piece.
    start = data.rfind(b"\n", 0, PIECE_MIN) + 1
    limit = min(len(data), PIECE_MAX)
    while (end := data.find(b"\n", start, limit)) >= 0:
        if end >= PIECE_MIN and zlib.crc32(view[start:end]) & CUT_MASK == 0:
            return end + 1
        start = end + 1
    if len(data) >= PIECE_MAX:
        return PIECE_MAX
    return len(data) if final else None


def pieces(path: Path) -> Iterator[bytes]:
    """The file in the pieces it is deflated in (see the module's docstring)."""
    data = b""
    with path.open("rb") as source:
        while True:
            block = source.read(BLOCK)
            data += block
            while (cut := _cut(data, final=not block)) is not None:
                yield data[:cut]
                data = data[cut:]
            if not block:
                return


def deflate_piece(before: bytes, piece: bytes) -> bytes:
    """A piece after `before` (the WINDOW bytes preceding it), at zlib's default level.

    Level 9 took 1.5x as long for zips 0-2% smaller.
    """
    if before:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15, zdict=before)
    else:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(piece) + compressor.flush(zlib.Z_SYNC_FLUSH)


def windowed(path: Path) -> Iterator[tuple[bytes, bytes]]:
    """Each piece of the file with the WINDOW bytes before it (pieces are longer than WINDOW)."""
    before = b""
    for piece in pieces(path):
        yield before, piece
        before = piece[-WINDOW:]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


# A piece as the zips use it: how many of the file's bytes it holds, and its deflate stream.
Piece = tuple[int, bytes]


class _Replay:
    """Stands in for zipfile's compressor, handing back pieces already deflated from the same bytes.

    A piece's stream is handed back once zipfile has been given the first of its bytes, so
    the member is written as it is deflated, and no more of it is held than the pieces in flight.
    """

    def __init__(self, made: Iterator[Piece]) -> None:
        self.made = made
        self.given = 0  # bytes zipfile has been given
        self.covered = 0  # bytes of the pieces handed back

    def compress(self, data: Any) -> bytes:
        self.given += len(data)
        out = []
        while self.covered < self.given:
            found = next(self.made, None)
            if found is None:
                raise RuntimeError("a file grew while it was zipped")
            self.covered += found[0]
            out.append(found[1])
        return b"".join(out)

    def flush(self) -> bytes:
        return b"".join(stream for _, stream in self.made) + _LAST


class Deflated:
    """Each file's deflate stream, in pieces kept in `cache`; those of a file every zip holds, made once."""

    def __init__(self, cache: RenderCache) -> None:
        self.cache = cache
        self.lock = threading.Lock()
        self.shared: dict[str, Future[list[Piece]]] = {}
        self.workers = os.cpu_count() or 1
        # Pieces of every zip's members, deflated on every core.
        self.pool = ThreadPoolExecutor(max_workers=self.workers)

    def stream(self, path: Path, shared: bool = False) -> Iterator[Piece]:
        """The file's pieces in order; a `shared` file's (one that goes into every zip) are kept for the next zip."""
        if not shared:
            return self._deflated(path)
        digest = sha256(path)
        with self.lock:
            mine = digest not in self.shared
            if mine:
                self.shared[digest] = Future()
            wanted = self.shared[digest]
        if mine:
            try:
                wanted.set_result(list(self._deflated(path)))
            except BaseException as exc:
                wanted.set_exception(exc)
        return iter(wanted.result())

    def _deflated(self, path: Path) -> Iterator[Piece]:
        # A few pieces in flight at a time: memory stays flat in the file's size.
        flying: deque[tuple[int, Future[bytes]]] = deque()
        for before, piece in windowed(path):
            flying.append((len(piece), self.pool.submit(self._piece, before, piece)))
            if len(flying) > self.workers:
                size, job = flying.popleft()
                yield size, job.result()
        for size, job in flying:
            yield size, job.result()

    def _piece(self, before: bytes, piece: bytes) -> bytes:
        digests = (hashlib.sha256(before).hexdigest(), hashlib.sha256(piece).hexdigest())
        return self.cache.rendered("deflate piece", digests, lambda: deflate_piece(before, piece))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def write_zip(
    folder: Path, fmt: str, release: str, stamp: datetime, deflated: Deflated | None = None
) -> None:
    """<release>-<format>.zip: the format folder and the files beside it, in a fixed order."""
    own = deflated is None
    deflated = deflated or Deflated(RenderCache())
    try:
        _write_zip(folder, fmt, release, stamp, deflated)
    finally:
        if own:
            deflated.close()


def _write_zip(folder: Path, fmt: str, release: str, stamp: datetime, deflated: Deflated) -> None:
    name = f"{release}-{fmt}"
    with zipfile.ZipFile(folder / f"{name}.zip", "w") as archive:
        for arcname, path in members(folder, fmt):
            info = zipfile.ZipInfo(f"{name}/{arcname}", date_time=stamp.timetuple()[:6])
            info.create_system = 3  # unix, whatever system builds it
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = path.stat().st_size
            made = deflated.stream(path, shared=path.parent == folder)
            with path.open("rb") as source, archive.open(info, "w") as target:
                # zipfile keeps its compressor here; were it to move, it would simply compress again.
                if hasattr(target, "_compressor"):
                    target._compressor = _Replay(made)
                while block := source.read(BLOCK):
                    target.write(block)


class Zips:
    """The release's zips, each written on a thread of its own as soon as its format folder is ready.

    zlib and SQLite let go of the interpreter while they work, so the zips (and a format
    folder given as a job, like the SQLite database) are made while the rest is written.
    The files beside the format folders must be in place before the first zip starts.
    """

    def __init__(self, folder: Path, release: str, stamp: datetime, cache: RenderCache, workers: int) -> None:
        self.folder, self.release, self.stamp = folder, release, stamp
        self.deflated = Deflated(cache)
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.jobs: list[Future[None]] = []

    def add(
        self, fmt: str, make: Callable[[], None] | None = None, after: threading.Event | None = None
    ) -> None:
        """Zip the folder of `fmt`, after running `make` (which writes it) on the same thread.

        `after`, when given, is set once the files beside the format folders are in place: the
        zip waits for it, `make` does not.
        """

        def job() -> None:
            if make is not None:
                make()
            if after is not None:
                after.wait()
            write_zip(self.folder, fmt, self.release, self.stamp, self.deflated)

        self.jobs.append(self.pool.submit(job))

    def wait(self) -> None:
        try:
            for job in self.jobs:
                job.result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.deflated.close()
