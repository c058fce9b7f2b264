"""Reading seed files: source documents exactly as received.

Two shapes, told apart by content rather than file extension: a news-feed
document with YAML front matter, and plain text whose first line is the
title. Every problem becomes a finding; nothing raises.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from ..core import limits
from ..core.findings import Finding
from ..core.safe_read import UnsafeFile, read_bytes
from . import feedyaml

SIDECAR_SUFFIX = ".meta.yaml"


class SeedLines:
    """File lines of the places (keys and list indexes) in a seed's front matter.

    A seed keeps its front matter's text, not its node tree: the tree is composed
    only when a finding first asks for a line, reduced to an index of lines at once,
    and the index can be dropped; a pickled copy leaves it behind.
    """

    def __init__(self, text: str, offset: int = 1):
        self.text = text  # the front matter as the YAML loader read it
        self.offset = offset  # file line of its first line, minus one
        self._index: dict[tuple[str | int, ...], int] | None = None

    def __call__(self, *path: str | int) -> int | None:
        if self._index is None:
            try:
                self._index = feedyaml.line_index(feedyaml.compose(self.text))
            except yaml.YAMLError:  # not for text the loader accepted; a line is not worth a crash
                self._index = {}
        line = feedyaml.indexed_line(self._index, *path)
        return None if line is None else line + self.offset

    def drop(self) -> None:
        """Forget the index (it is built again if a line is asked for)."""
        self._index = None

    def __getstate__(self) -> dict[str, Any]:
        return {"text": self.text, "offset": self.offset, "_index": None}


class FileLines:
    """A seed's SeedLines, read again from its file the first time a finding asks for a line.

    What the workers and the seed cache hand on: it holds the seed's path and digest, not
    its text, so that a build of many seeds does not keep every front matter in memory.
    A file that no longer has those bytes gives no line rather than a wrong one.
    """

    def __init__(self, root: Path, rel: str, sha256: str):
        self.root, self.rel, self.sha256 = root, rel, sha256
        self._lines: SeedLines | None = None
        self._read = False

    def __call__(self, *path: str | int) -> int | None:
        if not self._read:
            self._read = True
            try:
                data: bytes | None = read_bytes(self.root, self.rel, limits.SEED_BYTES)
            except (UnsafeFile, OSError):
                data = None
            if data is not None and hashlib.sha256(data).hexdigest() == self.sha256:
                seed = parse_seed(data, self.rel)[0]
                self._lines = seed.lines if seed is not None else None
        return None if self._lines is None else self._lines(*path)

    def __getstate__(self) -> dict[str, Any]:
        return {"root": self.root, "rel": self.rel, "sha256": self.sha256, "_lines": None, "_read": False}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileLines) and (self.root, self.rel, self.sha256) == (
            other.root,
            other.rel,
            other.sha256,
        )

    def __hash__(self) -> int:
        return hash((self.root, self.rel, self.sha256))


@dataclass
class Seed:
    """A seed file read and split, before any normalization."""

    path: str  # repository-relative, with forward slashes
    sha256: str
    source_format: str  # "front-matter" or "plain-text"
    metadata: dict[str, Any]
    body: str
    lines: SeedLines | None = None  # where its front matter's values are, for findings

    def line(self, *path: str | int) -> int | None:
        return None if self.lines is None else self.lines(*path)


class _FeedHandler(YAMLHandler):
    """python-frontmatter handler that reads with the strict loader's rules and keeps the text it read."""

    text: str | None = None
    data: Any = None

    def load(self, fm: str, **kwargs: object) -> Any:
        self.text = fm
        self.data = feedyaml.load_data(fm)
        return self.data


# Hidden files in seeds/ that are placeholders, not seeds: skipped without a word.
PLACEHOLDERS = frozenset({".gitkeep"})


def is_seed(name: str) -> bool:
    # Anything else in seeds/ (a folder, a link, a FIFO) is read too, and reported as unsafe
    # rather than skipped; hidden files are reported by hidden_files.
    return not name.startswith(".") and not name.endswith(SIDECAR_SUFFIX)


def seed_names(seed_dir: Path) -> list[str]:
    """Every name in the seed folder, in name order (file-system order is not stable across machines).

    Names, not paths: a feed's folder holds tens of thousands, and a Path each costs more
    than the listing.
    """
    return sorted(os.listdir(seed_dir)) if seed_dir.is_dir() else []


def seed_paths(seed_dir: Path) -> list[Path]:
    """Seed files in name order."""
    return [seed_dir / name for name in seed_names(seed_dir) if is_seed(name)]


def hidden_files(seed_dir: Path, rel_dir: str = "seeds", names: list[str] | None = None) -> list[Finding]:
    """A warning for each hidden file in seeds/ (but .gitkeep): it is not read, and is said not to be.

    `names` is the folder's listing (seed_names), when the caller has it.
    """
    return [
        Finding(
            f"{rel_dir}/{name}",
            None,
            "hidden-file",
            "a hidden file in seeds/ is not read as a seed; rename it without the leading '.' or remove it",
            severity="warning",
        )
        for name in (seed_names(seed_dir) if names is None else names)
        if name.startswith(".") and name not in PLACEHOLDERS
    ]


def _read(path: Path, rel: str, root: Path | None, limit: int) -> bytes:
    """The file's bytes through the safe reader; findings name it `rel`."""
    base, name = (path.parent, path.name) if root is None else (root, rel)
    try:
        return read_bytes(base, name, limit)
    except UnsafeFile as exc:
        raise UnsafeFile(dataclasses.replace(exc.finding, path=rel)) from None


def read_seed(path: Path, rel: str, root: Path | None = None) -> tuple[Seed | None, list[Finding]]:
    """The seed at `path` (`rel` inside the repository at `root`; without it, inside its folder)."""
    try:
        data = _read(path, rel, root, limits.SEED_BYTES)
    except UnsafeFile as exc:
        return None, [exc.finding]
    except OSError as exc:
        return None, [Finding(rel, None, "unreadable", f"the file cannot be read: {exc.strerror}")]
    return parse_seed(data, rel)


def parse_seed(data: bytes, rel: str) -> tuple[Seed | None, list[Finding]]:
    """The seed whose bytes are `data`, read from `rel`."""
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        return None, [Finding(rel, None, "empty-file", "the file is empty")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Finding(rel, line, "not-utf8", f"byte {exc.start} is not valid UTF-8: save the file as UTF-8")
        ]
    findings: list[Finding] = []
    if text.startswith("\ufeff"):
        # A BOM hides front matter from python-frontmatter; strip it and say so.
        text = text[1:]
        findings.append(
            Finding(
                rel,
                1,
                "byte-order-mark",
                "the file starts with a UTF-8 byte order mark; it was ignored",
                severity="warning",
            )
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    first_line = text.split("\n", 1)[0]
    if first_line.rstrip() == "---":
        seed, more = _read_front_matter(text, rel)
    else:
        seed, more = _read_plain_text(text, rel)
    findings += more
    if seed is not None:
        seed.sha256 = digest
    return seed, findings


def _read_front_matter(text: str, rel: str) -> tuple[Seed | None, list[Finding]]:
    lines = text.split("\n")
    if not any(line.rstrip() == "---" for line in lines[1:]):
        return None, [
            Finding(
                rel,
                1,
                "front-matter-unterminated",
                "front matter opened with '---' on line 1 is never closed by a '---' line",
            )
        ]
    handler = _FeedHandler()
    try:
        metadata, body = frontmatter.parse(text, handler=handler)
    except feedyaml.FeedYAMLError as exc:
        line = None if exc.line is None else exc.line + 1
        return None, [Finding(rel, line, "front-matter-invalid", str(exc))]
    if handler.text is None or not isinstance(handler.data, dict):
        return None, [
            Finding(rel, 2, "front-matter-invalid", "front matter must be a mapping of keys to values")
        ]
    seed = Seed(rel, "", "front-matter", dict(metadata), body, lines=SeedLines(handler.text))
    return seed, []


def _read_plain_text(text: str, rel: str) -> tuple[Seed | None, list[Finding]]:
    lines = text.split("\n")
    # Blank lines before the title are tolerated; the title is the first line with text.
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:  # only whitespace-like characters: no-break spaces, U+2028, separators
        return None, [Finding(rel, None, "empty-file", "the file holds only whitespace")]
    title = lines[start].strip()
    body = "\n".join(lines[start + 1 :]).strip()
    seed = Seed(rel, "", "plain-text", {"title": title}, body)
    return seed, []


def read_sidecar(
    path: Path, rel: str, root: Path | None = None
) -> tuple[dict[str, Any] | None, yaml.Node | None, list[Finding]]:
    try:
        data, node = feedyaml.load(_read(path, rel, root, limits.SIDECAR_BYTES).decode("utf-8"))
    except UnsafeFile as exc:
        return None, None, [exc.finding]
    except OSError as exc:
        return None, None, [Finding(rel, None, "unreadable", f"the sidecar cannot be read: {exc.strerror}")]
    except UnicodeDecodeError:
        return None, None, [Finding(rel, None, "not-utf8", "the sidecar is not valid UTF-8")]
    except feedyaml.FeedYAMLError as exc:
        line = None if exc.line is None else exc.line + 1
        return None, None, [Finding(rel, line, "sidecar-invalid", str(exc))]
    if not isinstance(data, dict):
        return (
            None,
            None,
            [
                Finding(
                    rel, 1, "sidecar-invalid", "a sidecar must be a mapping of field names to {value, source}"
                )
            ],
        )
    return data, node, []
