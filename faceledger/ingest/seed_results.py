"""What one seed gives the build, in a form that crosses process and cache boundaries.

A seed is read and normalized on its own (documents.normalize_seed), in a worker
process or not at all when the cache has its result. The result holds no YAML
node tree and no open file: findings, the seed's source and its related entries.
On disk it is JSON, never pickle, so a cache file can at worst be wrong, never run
code; a wrong one cannot be used either, because entries are keyed by the bytes
they were computed from (ingest/cache.py).
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
_PLAIN = ("seed_path", "position", "body", "sha256")


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


def _source(source: Source) -> dict[str, Any]:
    plain = {name: getattr(source, name) for name in _PLAIN}
    values = dict(source.values)
    # Datetimes travel as ISO text, their field names listed once rather than each value tagged.
    stamps = [key for key, value in values.items() if isinstance(value, datetime)]
    for key in stamps:
        values[key] = values[key].isoformat()
    # What the article says, apart from where it was seen, as one string: a feed lists the same
    # related articles in item after item, and each distinct one is decoded once (Shared).
    content = [values, stamps, list(source.addresses), source.tokens, source.url_key]
    return {
        **plain,
        "content": json.dumps(content, ensure_ascii=False, separators=(",", ":")),
        "lines": source.where is not None,
        "at": None if source.at is None else list(source.at),
        "places": {name: list(place) for name, place in source.places.items()},
    }


Content = tuple[dict[str, Any], tuple[str, ...], list[str], str | None]


class Shared:
    """What the results of one build share: each distinct article content decoded once, one copy
    of each seed path. Sources given the same content share its objects, which nothing changes."""

    def __init__(self) -> None:
        self.contents: dict[str, Content] = {}
        self.strings: dict[str, str] = {}

    def content(self, text: str, repeated: bool) -> Content:
        """`text` decoded; kept for the next source with the same text when it is `repeated` (a
        related entry: a seed's own content is its own, and keeping its text would only cost memory)."""
        found = self.contents.get(text) if repeated else None
        if found is None:
            values, stamps, addresses, tokens, url_key = json.loads(text)
            for key in stamps:
                values[key] = datetime.fromisoformat(values[key])
            if repeated:
                found = self.contents[text] = (values, tuple(addresses), tokens, url_key)
            else:
                # Seeds repeat their publisher, its domain, the format and topics: one copy of each.
                for key, value in values.items():
                    if type(value) is str and len(value) < 100:
                        values[key] = self.strings.setdefault(value, value)
                found = (values, tuple(addresses), tokens, url_key)
        return found


def _unsource(data: dict[str, Any], lines: FileLines | None, shared: Shared) -> Source:
    values, addresses, tokens, url_key = shared.content(data["content"], data["position"] > 0)
    source = Source(
        seed_path=shared.strings.setdefault(data["seed_path"], data["seed_path"]),
        position=data["position"],
        body=data["body"],
        sha256=data["sha256"],
        values=values,
        addresses=addresses,
        where=lines if data["lines"] else None,
        at=None if data["at"] is None else tuple(data["at"]),
        places={name: tuple(place) for name, place in data["places"].items()},
    )
    # Worked out by the process that made the entry, from what the entry holds (merge.Source.tokens).
    source.__dict__["tokens"] = tokens
    source.__dict__["url_key"] = url_key
    return source


def handed_on(result: SeedResult, root: Path) -> SeedResult:
    """`result` with its sources' lines to be read again from the file, not from the text they hold."""
    if result.source is not None and result.source.sha256:
        lines = FileLines(root, result.rel, result.source.sha256)
        for source in [result.source, *result.related]:
            if source.where is not None:
                source.where = lines
    return result


def _finding(finding: Finding) -> list[Any]:
    return [finding.path, finding.line, finding.code, finding.message, finding.field, finding.severity]


def dumps(result: SeedResult) -> bytes:
    data = {
        "rel": result.rel,
        "read": [_finding(f) for f in result.read],
        "findings": [_finding(f) for f in result.findings],
        "source": None if result.source is None else _source(result.source),
        "related": [_source(s) for s in result.related],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(blob: bytes, root: Path, shared: Shared | None = None) -> SeedResult:
    """The result `dumps` stored, for the seed of that path in the repository at `root`.

    `shared` is what the build's results share (Shared).
    """
    shared = Shared() if shared is None else shared
    data = json.loads(blob)
    source = data["source"]
    lines = FileLines(root, data["rel"], source["sha256"]) if source and source["sha256"] else None
    return SeedResult(
        data["rel"],
        [Finding.restored(f) for f in data["read"]],
        [Finding.restored(f) for f in data["findings"]],
        None if source is None else _unsource(source, lines, shared),
        [_unsource(s, lines, shared) for s in data["related"]],
    )
