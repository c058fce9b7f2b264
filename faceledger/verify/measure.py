"""Reading what verify checks, with bounded sizes: a file's or zip member's size and SHA-256.

Nothing is extracted or written: files are hashed as they are read, a block at
a time, and only descriptors and SHA256SUMS are kept in memory, up to MAX_TEXT.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..core.files import safe_path

BLOCK = 1 << 20
# The most verify reads of SHA256SUMS, a datapackage.json, or a zip member whose size no
# record gives (changes.csv, CHANGELOG.md): a release's are a few kilobytes to a few megabytes.
MAX_TEXT = 64 << 20
# The most it inflates of a zip member whose descriptor records its size: more than a release's
# own files reach by far, and still an upper bound when the descriptor itself lies.
MAX_MEMBER = 4 << 30

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"[A-Za-z]:")


class TooLarge(Exception):
    """More bytes than verify reads of it."""

    def __init__(self, limit: int):
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class Measured:
    size: int
    # None when it was not read: its recorded size already disagrees with the one it declares.
    digest: str | None
    # The bytes themselves, only when asked for (a descriptor).
    data: bytes | None = None


def digest_stream(read: Callable[[int], bytes], limit: int | None, keep: bool = False) -> Measured:
    """Size and SHA-256 of what `read` gives until it gives nothing; TooLarge past `limit` bytes."""
    digest = hashlib.sha256()
    size = 0
    kept = []
    while block := read(BLOCK):
        size += len(block)
        if limit is not None and size > limit:
            raise TooLarge(limit)
        digest.update(block)
        if keep:
            kept.append(block)
    return Measured(size, digest.hexdigest(), b"".join(kept) if keep else None)


def measure_file(path: Path, limit: int | None = None, keep: bool = False) -> Measured | None:
    """The file's size and SHA-256, None when it is not a readable file; TooLarge past `limit`."""
    try:
        # A release holds no links: one (to anywhere, in or out of the folder) is not followed.
        if path.is_symlink() or not path.is_file():
            return None
        with path.open("rb") as handle:
            return digest_stream(handle.read, limit, keep)
    except OSError:
        return None


def release_path(path: str) -> bool:
    """A path as a release writes it: relative, forward slashes, nothing that climbs, no `.`, `//` or controls."""
    return not unsafe(path) and PurePosixPath(path).as_posix() == path


def unsafe(name: str) -> bool:
    """A name that, unpacked, would land outside its folder (`../x`, `/x`, `C:x`, `a\\b`) or holds controls."""
    return not safe_path(name) or bool(_DRIVE.match(name) or _CONTROL.search(name))


def prefixed(base: str, name: str) -> str:
    return name if base in ("", ".") else f"{base}/{name}"


def shown(value: object, width: int = 80) -> str:
    """A value for a message, cut short: hostile input can be megabytes long."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."
