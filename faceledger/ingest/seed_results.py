"""What one seed gives the build, in a form that crosses process and cache boundaries.

A seed is read and normalized on its own (documents.normalize_seed), in a worker
process or not at all when the cache has its result. The result holds no YAML
node tree and no open file: findings, the seed's source and its related entries.
On disk it is JSON, never pickle, so a cache file can at worst be wrong, never run
code; a wrong one cannot be used either, because entries are keyed by the bytes
they were computed from (ingest/cache.py).

An entry is one line of JSON, then the related entries' contents, each JSON of its
own, one after the other: the line says where each starts and how long it is. A
feed lists the same related articles in item after item, so the build decodes the
line and only the contents it has not seen (Shared); inside the line they would be
decoded every time, as escaped text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.findings import Finding
from .merge import Source
from .seeds import FileLines

# Source fields that round-trip as they are; `values` needs its datetimes tagged.
_PLAIN = ("seed_path", "position", "body", "sha256", "words")


@dataclass
class SeedResult:
    rel: str
    read: list[Finding] = field(default_factory=list)  # reading the file
    findings: list[Finding] = field(default_factory=list)  # normalizing what was read
    source: Source | None = None
    related: list[Source] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """No error: every entry was kept, so no finding depends on the build's reference time."""
        return not any(f.severity == "error" for f in (*self.read, *self.findings))

    def latest(self) -> datetime | None:
        """The latest publication time any kept source gives (what the future-date check compares)."""
        sources = ([self.source] if self.source else []) + self.related
        stamps = [s.values["published_at"] for s in sources if s.values.get("published_at") is not None]
        return max(stamps, default=None)


def _source(source: Source, contents: list[bytes] | None = None) -> dict[str, Any]:
    """The JSON of `source`; a related entry's content goes to `contents`, the seed's stays inline."""
    plain = {name: getattr(source, name) for name in _PLAIN}
    values = dict(source.values)
    # Datetimes travel as ISO text, their field names listed once rather than each value tagged.
    stamps = [key for key, value in values.items() if isinstance(value, datetime)]
    for key in stamps:
        values[key] = values[key].isoformat()
    # What the article says, apart from where it was seen.
    content: Any = [values, stamps, list(source.addresses), source.tokens, source.url_key]
    if contents is not None:
        data = _json(content)
        content = [sum(map(len, contents)), len(data)]
        contents.append(data)
    return {
        **plain,
        "content": content,
        "lines": source.where is not None,
        "at": None if source.at is None else list(source.at),
        "places": {name: list(place) for name, place in source.places.items()},
    }


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


Content = tuple[dict[str, Any], tuple[str, ...], list[str], str | None]


class Shared:
    """What the results of one build share: each distinct related content decoded once, one copy
    of each seed path, field name and short value, and of each place. Sources given the same
    content or places share their objects, which nothing changes."""

    def __init__(self) -> None:
        self.contents: dict[bytes, Content] = {}
        self.strings: dict[str, str] = {}
        self.places: dict[
            tuple[tuple[str, tuple[str | int, ...]], ...], dict[str, tuple[str | int, ...]]
        ] = {}
        self.spots: dict[tuple[str | int, ...], tuple[str | int, ...]] = {}

    def related(self, data: bytes) -> Content:
        """A related entry's content from its JSON, decoded the first time the build sees it."""
        found = self.contents.get(data)
        if found is None:
            found = self.contents[data] = _content(json.loads(data))
        return found

    def seed(self, content: list[Any], path: str, sha256: str | None) -> tuple[Content, str, str | None]:
        """A seed's own content (decoded with its entry), with its path and digest.

        A feed of a million seeds holds them all until the merge: what they share is kept once.
        Seeds repeat their field names, publisher, its domain, the format and topics; one seed
        repeats its own path, digest and addresses among its values, tokens and article key.
        """
        values, addresses, tokens, url_key = _content(content)
        short = self.strings
        values = {
            short.setdefault(key, key): short.setdefault(value, value)
            if type(value) is str and len(value) < 100
            else value
            for key, value in values.items()
        }
        mine = {value: value for value in values.values() if type(value) is str}
        path = mine.setdefault(path, path)
        path = short.setdefault(path, path)  # its related entries name it too
        addresses = tuple(mine.setdefault(address, address) for address in addresses)
        tokens = [mine.setdefault(token, token) for token in tokens]
        url_key = None if url_key is None else mine.setdefault(url_key, url_key)
        sha256 = None if sha256 is None else mine.setdefault(sha256, sha256)
        return (values, addresses, tokens, url_key), path, sha256

    def place(self, data: dict[str, list[str | int]]) -> dict[str, tuple[str | int, ...]]:
        """Where a source has the fields two seeds must agree on: the same for most seeds."""
        key = tuple((name, tuple(place)) for name, place in data.items())
        found = self.places.get(key)
        if found is None:
            found = self.places[key] = dict(key)
        return found

    def spot(self, at: list[str | int] | None) -> tuple[str | int, ...] | None:
        """A related entry's place in its seed: the n-th of the related list, for some n."""
        return None if at is None else self.spots.setdefault(tuple(at), tuple(at))


def _content(content: list[Any]) -> Content:
    values, stamps, addresses, tokens, url_key = content
    for key in stamps:
        values[key] = datetime.fromisoformat(values[key])
    return values, tuple(addresses), tokens, url_key


def _unsource(data: dict[str, Any], lines: FileLines | None, shared: Shared, contents: bytes) -> Source:
    if data["position"] > 0:
        start, length = data["content"]
        if start + length > len(contents):
            raise ValueError("an entry's content lies past its end")
        content = shared.related(contents[start : start + length])
        path, sha256 = shared.strings.setdefault(data["seed_path"], data["seed_path"]), data["sha256"]
    else:
        content, path, sha256 = shared.seed(data["content"], data["seed_path"], data["sha256"])
    values, addresses, tokens, url_key = content
    source = Source(
        seed_path=path,
        position=data["position"],
        body=data["body"],
        sha256=sha256,
        values=values,
        addresses=addresses,
        where=lines if data["lines"] else None,
        at=shared.spot(data["at"]),
        places=shared.place(data["places"]),
    )
    # Worked out by the process that made the entry, from what the entry holds (merge.Source.tokens).
    source.__dict__["tokens"] = tokens
    source.__dict__["url_key"] = url_key
    source.__dict__["words"] = data["words"]
    return source


def handed_on(result: SeedResult, root: Path) -> SeedResult:
    """`result` with its sources' lines to be read again from the file, not from the text they hold."""
    if result.source is not None and result.source.sha256:
        lines = FileLines(root, result.rel, result.source.sha256)
        for source in [result.source, *result.related]:
            if source.where is not None:
                source.where = lines
    return result


def stored_finding(finding: Finding) -> list[Any]:
    """A finding as its fields in order, as caches keep it (Finding.restored reads it back)."""
    return [finding.path, finding.line, finding.code, finding.message, finding.field, finding.severity]


def dumps(result: SeedResult) -> bytes:
    contents: list[bytes] = []
    data = {
        "rel": result.rel,
        "read": [stored_finding(f) for f in result.read],
        "findings": [stored_finding(f) for f in result.findings],
        "source": None if result.source is None else _source(result.source),
        "related": [_source(s, contents) for s in result.related],
    }
    # The JSON writer escapes every newline inside a string: the first one ends the line.
    return b"".join([_json(data), b"\n", *contents])


def loads(blob: bytes, root: Path, shared: Shared | None = None) -> SeedResult:
    """The result `dumps` stored, for the seed of that path in the repository at `root`.

    `shared` is what the build's results share (Shared).
    """
    shared = Shared() if shared is None else shared
    line, _, contents = blob.partition(b"\n")
    data = json.loads(line)
    source = data["source"]
    lines = FileLines(root, data["rel"], source["sha256"]) if source and source["sha256"] else None
    return SeedResult(
        data["rel"],
        [Finding.restored(f) for f in data["read"]],
        [Finding.restored(f) for f in data["findings"]],
        None if source is None else _unsource(source, lines, shared, contents),
        [_unsource(s, lines, shared, contents) for s in data["related"]],
    )
