"""Reading a file of the repository only if it is a regular file inside it, and only up to a limit.

Every reader of contributed input (seeds, sidecars, curated CSVs, the descriptor and schemas,
dataset/private-names.txt) goes through `read_bytes`. A path that leads outside the repository
(a symbolic link to /etc/passwd or /proc/self/environ, or a link among its folders), a folder,
a device, a FIFO or a socket is refused before it is opened, so nothing outside the repository
is ever read and nothing can hang the build or fill its memory. A symbolic link that stays
inside the repository and ends at a regular file is read like that file.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from .findings import Finding
from .limits import size

# What a file is, by the name a finding gives it; anything else is "not a regular file".
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class UnsafeFile(Exception):
    """A file the repository holds that is not read; carries the finding that says why."""

    def __init__(self, finding: Finding):
        super().__init__(str(finding))
        self.finding = finding


def kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


@lru_cache(maxsize=32)
def _real_root(root: str, device: int, inode: int) -> str:
    # Keyed by the folder's identity too: a root replaced by another folder or a link is resolved anew.
    return os.path.join(os.path.realpath(root), "")


def _within(root: Path, real: str) -> bool:
    try:
        found = os.stat(root)
        base = _real_root(str(root), found.st_dev, found.st_ino)
    except OSError:
        base = os.path.join(os.path.realpath(root), "")
    return real == base[:-1] or real.startswith(base)


def inside(root: Path, path: Path) -> bool:
    """Whether `path`, every link followed, ends inside `root`."""
    return _within(root, os.path.realpath(path))


def way_out(root: Path, path: Path) -> Path | None:
    """The first of `path` and the folders on the way to it from `root` that, links followed, ends outside `root`.

    None when every step stays inside. A step that is not there yet cannot lead out, and
    neither can anything made under it later, since a build makes only folders.
    """
    step = root
    for part in path.relative_to(root).parts:
        step = step / part
        if not inside(root, step):
            return step
    return None


def _outside(rel: str, real: Path) -> Finding:
    return Finding(
        rel,
        None,
        "unsafe-file",
        f"a symbolic link that leads outside the repository (to {real}); it is not read",
    )


def unsafe(root: Path, rel: str) -> Finding | None:
    """Why the file at `rel` would not be read, or None; a file that is not there is not unsafe."""
    path = root / rel
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Finding(
            rel, None, "unsafe-file", f"the file cannot be examined: {exc.strerror}; it is not read"
        )
    if not inside(root, path):
        return _outside(rel, path.resolve())
    if stat.S_ISLNK(mode):
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return Finding(rel, None, "unsafe-file", "a symbolic link to nothing; it is not read")
    if not stat.S_ISREG(mode):
        return Finding(rel, None, "unsafe-file", f"{kind(mode)}, not a regular file; it is not read")
    return None


def _opened_path(fd: int) -> str | None:
    """Where an open file really is, as the kernel says (Linux); None where it cannot say."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def read_bytes(root: Path, rel: str, limit: int) -> bytes:
    """The bytes of the regular file `rel` inside `root`, at most `limit` of them.

    Raises FileNotFoundError when nothing is there, and UnsafeFile (code unsafe-file or
    over-limit) when what is there is not read or is larger than `limit`.
    """
    path = root / rel
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        raise
    except OSError:
        mode = 0  # unsafe() below says what is wrong
    real = None
    if stat.S_ISREG(mode):
        # The common case, a plain file: open it without following a link and ask the kernel
        # where it is, which also catches a folder on the way that links outside.
        fd = _open(path, rel, flags)
        real = _opened_path(fd)
        if real is not None and not _within(root, real):
            os.close(fd)
            raise UnsafeFile(_outside(rel, Path(real)))
    if real is None:
        problem = unsafe(root, rel)
        if problem is not None:
            if stat.S_ISREG(mode):
                os.close(fd)
            raise UnsafeFile(problem)
        if not stat.S_ISREG(mode):
            fd = _open(Path(os.path.realpath(path)), rel, flags)
    with os.fdopen(fd, "rb") as handle:
        # What was opened may not be what was examined (it was swapped in between): look again.
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise UnsafeFile(
                Finding(rel, None, "unsafe-file", f"{kind(mode)}, not a regular file; it is not read")
            )
        data = _read_at_most(handle, os.fstat(handle.fileno()).st_size, limit)
    if len(data) > limit:
        raise UnsafeFile(
            Finding(rel, None, "over-limit", f"the file is larger than {size(limit)}, the most read of it")
        )
    return data


def _read_at_most(handle: BinaryIO, size: int, limit: int) -> bytes:
    """Up to `limit` + 1 bytes (one more says it is too large), asking for what the file holds.

    read(limit + 1) would set aside the whole limit for every file, 256 MiB for a small CSV;
    a file that grows while it is read is read on, in blocks, up to the same bound.
    """
    parts = [handle.read(min(size, limit) + 1)]
    total = len(parts[0])
    while total <= limit and (more := handle.read(min(1 << 20, limit + 1 - total))):
        parts.append(more)
        total += len(more)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _open(path: Path, rel: str, flags: int) -> int:
    try:
        return os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnsafeFile(
            Finding(rel, None, "unsafe-file", f"the file cannot be opened: {exc.strerror}; it is not read")
        ) from None
