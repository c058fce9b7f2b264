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
from pathlib import Path

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


def inside(root: Path, path: Path) -> bool:
    """Whether `path`, every link followed, ends inside `root`."""
    return path.resolve().is_relative_to(root.resolve())


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
        return Finding(
            rel,
            None,
            "unsafe-file",
            f"a symbolic link that leads outside the repository (to {path.resolve()}); it is not read",
        )
    if stat.S_ISLNK(mode):
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return Finding(rel, None, "unsafe-file", "a symbolic link to nothing; it is not read")
    if not stat.S_ISREG(mode):
        return Finding(rel, None, "unsafe-file", f"{kind(mode)}, not a regular file; it is not read")
    return None


def read_bytes(root: Path, rel: str, limit: int) -> bytes:
    """The bytes of the regular file `rel` inside `root`, at most `limit` of them.

    Raises FileNotFoundError when nothing is there, and UnsafeFile (code unsafe-file or
    over-limit) when what is there is not read or is larger than `limit`.
    """
    path = root / rel
    problem = unsafe(root, rel)
    if problem is not None:
        raise UnsafeFile(problem)
    os.lstat(path)  # FileNotFoundError when nothing is there
    target = path.resolve()
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(target, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnsafeFile(
            Finding(rel, None, "unsafe-file", f"the file cannot be opened: {exc.strerror}; it is not read")
        ) from None
    with os.fdopen(fd, "rb") as handle:
        # What was opened may not be what was examined (it was swapped in between): look again.
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise UnsafeFile(
                Finding(rel, None, "unsafe-file", f"{kind(mode)}, not a regular file; it is not read")
            )
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnsafeFile(
            Finding(rel, None, "over-limit", f"the file is larger than {size(limit)}, the most read of it")
        )
    return data
