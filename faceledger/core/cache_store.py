"""What the build's caches share: one SQLite table of bytes by key, in a folder the build made.

The seed cache (ingest/cache.py) and the render cache (publish/cache.py) each keep
entries under a key that starts from a salt (a fingerprint of the code that made
them), write new ones in large transactions, forget other salts' entries the first
time they write, and forget entries no build asks for once these pile up. Each
reads only a folder and file it can tell the build made: a plain folder holding a
plain file, that git does not track (a pull request can commit a git-ignored file).
"""

from __future__ import annotations

import hashlib
import sqlite3
from functools import cache
from importlib import metadata
from pathlib import Path

from . import git

PACKAGE = Path(__file__).resolve().parent.parent


@cache
def code_digest() -> bytes:
    """The SHA-256 of faceledger's own source, read once a process (it is the code this process runs)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def versions(names: tuple[str, ...]) -> bytes:
    """The installed versions of the libraries `names` ("-" for one not installed), as key material."""
    found = []
    for name in names:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        found.append(f"{name}={version}\0")
    return "".join(found).encode()


def refusal(root: Path, place: Path, database: str) -> str | None:
    """Why the cache folder `place` (holding the file `database`) must not be read, or None."""
    if not place.exists() and not place.is_symlink():
        return None  # nothing there yet: this build makes it
    if place.is_symlink() or not place.is_dir():
        return "is not a plain folder"
    file = place / database
    if file.is_symlink() or (file.exists() and not file.is_file()):
        return f"holds a {database} that is not a plain file"
    if place.resolve().is_relative_to(root.resolve()) and git.is_repository(root):
        try:
            tracked = git.run(root, "ls-files", "-z", "--", str(place.resolve()))
        except git.GitError:
            tracked = b""
        if tracked:
            return "is committed to git: the build reads only a cache it wrote itself"
    return None


def connect(place: Path, database: str, table: str) -> sqlite3.Connection:
    """The cache file, made with its folder (git-ignored) and table where missing. Raises OSError or sqlite3.Error."""
    place.mkdir(parents=True, exist_ok=True)
    ignore = place / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# The build's caches (faceledger/core/cache_store.py): safe to delete.\n*\n")
    connection = sqlite3.connect(place / database, timeout=30, check_same_thread=False)
    # Workers read entries while the build writes new ones: in WAL mode neither waits.
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, salt TEXT NOT NULL, value BLOB NOT NULL)"
    )
    return connection


class Store:
    """Entries of one table by key; with no connection it keeps nothing, and a failing file is let go."""

    def __init__(self, connection: sqlite3.Connection | None, table: str, salt: str) -> None:
        self.connection = connection
        self.table = table
        self.salt = salt
        self.new: dict[str, bytes] = {}
        self.used: set[str] = set()  # every key this build asked for
        self.pruned = False

    def flush(self) -> None:
        """Write the new entries; the first time, forget those of another salt, which no key can find."""
        if self.connection is None or not self.new:
            return
        try:
            with self.connection:
                if not self.pruned:
                    self.connection.execute(f"DELETE FROM {self.table} WHERE salt != ?", [self.salt])
                    self.pruned = True
                self.connection.executemany(
                    f"INSERT OR REPLACE INTO {self.table} (key, salt, value) VALUES (?, ?, ?)",
                    [(key, self.salt, value) for key, value in sorted(self.new.items())],
                )
        except sqlite3.Error:  # a cache that cannot be written only costs the next build its speed
            self.connection = None
        self.new.clear()

    def trim(self, beyond: int, anyway: int) -> None:
        """Forget the entries this build did not ask for, once there are more than `beyond` times
        those it did, plus `anyway`: each edit leaves its old entry behind, and another branch's
        entries get some room before they are forgotten."""
        if self.connection is None:
            return
        try:
            (count,) = self.connection.execute(f"SELECT count(*) FROM {self.table}").fetchone()
            if count <= beyond * len(self.used) + anyway:
                return
            with self.connection:
                self.connection.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
                self.connection.executemany("INSERT INTO used VALUES (?)", [(k,) for k in sorted(self.used)])
                self.connection.execute(f"DELETE FROM {self.table} WHERE key NOT IN (SELECT key FROM used)")
                self.connection.execute("DROP TABLE used")
        except sqlite3.Error:
            self.connection = None
