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
    return {
        **plain,
        "values": values,
        "datetimes": stamps,
        "addresses": list(source.addresses),
        "tokens": source.tokens,
        "url_key": source.url_key,
        "lines": source.where is not None,
        "at": None if source.at is None else list(source.at),
        "places": {name: list(place) for name, place in source.places.items()},
    }


def _shared(value: Any, strings: dict[str, str]) -> Any:
    if isinstance(value, str):
        return strings.setdefault(value, value)
    if isinstance(value, list):
        return [_shared(item, strings) for item in value]
    return value


def _unsource(data: dict[str, Any], lines: FileLines | None, strings: dict[str, str]) -> Source:
    # A feed repeats its related articles across items, and every source repeats its seed's path:
    # one copy of each string (`strings`, kept for a build) instead of one per source.
    values = {key: _shared(value, strings) for key, value in data["values"].items()}
    for key in data["datetimes"]:
        values[key] = datetime.fromisoformat(values[key])
    source = Source(
        **{name: _shared(data[name], strings) for name in _PLAIN},
        values=values,
        addresses=tuple(_shared(data["addresses"], strings)),
        where=lines if data["lines"] else None,
        at=None if data["at"] is None else tuple(data["at"]),
        places={name: tuple(place) for name, place in data["places"].items()},
    )
    # Worked out by the process that made the entry, from what the entry holds (merge.Source.tokens).
    source.__dict__["tokens"] = _shared(data["tokens"], strings)
    source.__dict__["url_key"] = _shared(data["url_key"], strings)
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


def loads(blob: bytes, root: Path, strings: dict[str, str] | None = None) -> SeedResult:
    """The result `dumps` stored, for the seed of that path in the repository at `root`.

    `strings` is where the build keeps one copy of each text its sources share.
    """
    strings = {} if strings is None else strings
    data = json.loads(blob)
    source = data["source"]
    lines = FileLines(root, data["rel"], source["sha256"]) if source and source["sha256"] else None
    return SeedResult(
        data["rel"],
        [Finding.restored(f) for f in data["read"]],
        [Finding.restored(f) for f in data["findings"]],
        None if source is None else _unsource(source, lines, strings),
        [_unsource(s, lines, strings) for s in data["related"]],
    )
