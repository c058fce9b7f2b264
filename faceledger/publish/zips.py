"""One zip per format: the format folder and the files beside it, reproducible byte for byte.

Compressing is most of a release's writing time, so a file's deflate stream is
made once: the files beside the format folders go into every zip, and a file
that is the same bytes as in an earlier build is in the render cache
(publish/cache.py) by its SHA-256. The stream is what zipfile's own compressor
makes of the file (zlib's default level, raw deflate, fed a block at a time), so
a zip is the same bytes whichever way each member's stream was come by; zipfile
still counts the file's size and CRC from its bytes.
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from .cache import RenderCache

BLOCK = 1 << 20


def members(folder: Path, fmt: str) -> list[tuple[str, Path]]:
    """A zip's members in their fixed order: the format folder's files, then the files beside it."""
    found = sorted(
        (p.relative_to(folder / fmt).as_posix(), p) for p in (folder / fmt).rglob("*") if p.is_file()
    )
    return found + sorted((p.name, p) for p in folder.iterdir() if p.is_file() and p.suffix != ".zip")


def deflate(path: Path) -> bytes:
    """The file as zipfile deflates it: zlib's default level (level 9 took 1.5x as long for zips 0-2% smaller)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    parts = []
    with path.open("rb") as source:
        while block := source.read(BLOCK):
            parts.append(compressor.compress(block))
    parts.append(compressor.flush())
    return b"".join(parts)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


class _Replay:
    """Stands in for zipfile's compressor, giving back a stream already made of the same bytes."""

    def __init__(self, stream: bytes) -> None:
        self.stream = stream

    def compress(self, data: Any) -> bytes:
        return b""

    def flush(self) -> bytes:
        return self.stream


class Deflated:
    """Each file's deflate stream, made once per content for a release (and kept in `cache`)."""

    def __init__(self, cache: RenderCache) -> None:
        self.cache = cache
        self.lock = threading.Lock()
        self.made: dict[str, Future[bytes]] = {}

    def stream(self, path: Path) -> bytes:
        digest = sha256(path)
        with self.lock:
            mine = digest not in self.made
            if mine:
                self.made[digest] = Future()
            wanted = self.made[digest]
        if mine:
            try:
                wanted.set_result(self.cache.rendered("deflate", digest, lambda: deflate(path)))
            except BaseException as exc:
                wanted.set_exception(exc)
        return wanted.result()


def write_zip(
    folder: Path, fmt: str, release: str, stamp: datetime, deflated: Deflated | None = None
) -> None:
    """<release>-<format>.zip: the format folder and the files beside it, in a fixed order."""
    deflated = deflated or Deflated(RenderCache())
    name = f"{release}-{fmt}"
    with zipfile.ZipFile(folder / f"{name}.zip", "w") as archive:
        for arcname, path in members(folder, fmt):
            info = zipfile.ZipInfo(f"{name}/{arcname}", date_time=stamp.timetuple()[:6])
            info.create_system = 3  # unix, whatever system builds it
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = path.stat().st_size
            stream = deflated.stream(path)
            with path.open("rb") as source, archive.open(info, "w") as target:
                # zipfile keeps its compressor here; were it to move, it would simply compress again.
                if hasattr(target, "_compressor"):
                    target._compressor = _Replay(stream)
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

    def add(self, fmt: str, make: Callable[[], None] | None = None) -> None:
        """Zip the folder of `fmt`, after running `make` (which writes it) on the same thread."""

        def job() -> None:
            if make is not None:
                make()
            write_zip(self.folder, fmt, self.release, self.stamp, self.deflated)

        self.jobs.append(self.pool.submit(job))

    def wait(self) -> None:
        try:
            for job in self.jobs:
                job.result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
