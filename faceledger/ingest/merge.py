"""Sources into documents: every description of one article becomes one document (docs/identity.md).

A source is a seed, or one entry of a seed's related list. Seeds that share an
article key (of any of their addresses) or their bytes describe one document;
a related entry joins the seed that any of its addresses leads to, or, without
an address, the one seed with its title and publication time; the related
entries left over join each other the same way. Two seeds that claim one
article but give it different titles or publication times are an error naming
both files.

A document takes each field from the first source that gives it: seeds before
related entries, seeds in file-name order, entries in the order of their seed
and their position. `document_sources` records which source gave which fields,
the quotable text is every source's text, and a merge is reported as an info
finding naming the sources and any value not kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from ..core.findings import Finding
from . import identity, text

# Fields that say where a document came from rather than what the article is: taken from the
# document's first source with the rest of its values, and never reported as values not kept.
PROVENANCE = ("content_sha256", "seed_path", "source_format")
# Fields two seeds of one article must agree on (after text repair), or the build stops.
AGREED = ("title", "published_at")


@dataclass
class Source:
    """One description of a document: a seed, or one entry of a seed's related list."""

    seed_path: str
    position: int  # 0 for the seed itself, n for the n-th entry of its related list
    values: dict[str, Any]  # the documents fields it gives a value for
    addresses: tuple[str, ...] = ()  # its canonical URLs, the one it is published under first
    # Lines are worked out only when a finding needs one: `where` gives the file line of a place
    # (keys and list indexes) in the seed's front matter, `at` is a related entry's place, and
    # `places` says where a seed has the fields two seeds must agree on (AGREED).
    where: Callable[..., int | None] | None = None
    at: tuple[str | int, ...] | None = None
    places: dict[str, tuple[str | int, ...]] = field(default_factory=dict)
    body: str | None = None
    sha256: str | None = None  # a seed's bytes

    @property
    def line(self) -> int | None:
        return None if self.where is None or self.at is None else self.where(*self.at)

    def line_of(self, name: str) -> int | None:
        """The line of the field `name` (one of AGREED) in the seed, where the file has it."""
        place = self.places.get(name)
        return None if self.where is None or place is None else self.where(*place)

    @property
    def text(self) -> str:
        """What it can be quoted from: its title, excerpt and body (worked out, not kept, as a feed has many)."""
        parts = (self.values.get("title"), self.values.get("excerpt"), self.body)
        return "\n".join(part for part in parts if part)

    @property
    def is_seed(self) -> bool:
        return self.position == 0

    @property
    def label(self) -> str:
        return self.seed_path if self.is_seed else f"{self.seed_path} related[{self.position - 1}]"

    @property
    def headline(self) -> tuple[str, datetime] | None:
        title, published = self.values.get("title"), self.values.get("published_at")
        return (title, published) if title and published else None

    @cached_property
    def words(self) -> int:
        """The word count of its title, excerpt and body: a document's, when it gives the first two."""
        return text.word_count(self.values.get("title"), self.values.get("excerpt"), self.body)

    @cached_property
    def url_key(self) -> str | None:
        """The article key of the URL it gives, which names the document when this source gives its URL."""
        return identity.article_key(self.values.get("url"))

    @cached_property
    def tokens(self) -> list[str]:
        """What this source shares with every other description of its article."""
        found = [key for key in (identity.article_key(a) for a in self.addresses) if key]
        if self.sha256:
            found.append("sha256:" + self.sha256)
        if not self.addresses and not self.is_seed:
            found.append(
                "headline:" + identity.headline_key(self.values["title"], self.values.get("published_at"))
            )
        return list(dict.fromkeys(found))


@dataclass
class Documents:
    """The documents, their links and sources, and the text each can be quoted from."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


class _Sets:
    """Union-find over source numbers; each set's root is its lowest number, its first source."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        root = self.parent.setdefault(item, item)
        while root != self.parent[root]:
            root = self.parent[root]
        self.parent[item] = root
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def merge(seeds: Sequence[Source], related: Mapping[str, Sequence[Source]], out: Documents) -> None:
    """Group the sources into documents; rows, links, sources, texts and findings go to `out`."""
    sets = _Sets()
    owner: dict[str, int] = {}
    for number, seed in enumerate(seeds):
        for token in seed.tokens:
            sets.union(owner.setdefault(token, number), number)
    kept = _agreeing(seeds, sets, out)
    group_of = {token: sets.find(number) for token, number in owner.items()}
    headlines: dict[tuple[str, datetime], set[int]] = {}
    for number in kept:
        headline = seeds[number].headline
        if headline is not None:
            headlines.setdefault(headline, set()).add(sets.find(number))

    base = len(seeds)
    entries = [
        (n, entry) for n, seed in enumerate(seeds) if n in kept for entry in related.get(seed.seed_path, ())
    ]
    listed = _place(entries, base, sets, group_of, headlines, out)
    members: dict[int, list[int]] = {}
    for number in sorted(kept) + [base + j for j in listed]:
        members.setdefault(sets.find(number), []).append(number)

    def source(number: int) -> Source:
        return seeds[number] if number < base else entries[number - base][1]

    ids = {root: _document([source(n) for n in numbers], out) for root, numbers in members.items()}
    linked: set[tuple[str, str]] = set()
    for j in listed:
        listing, entry = entries[j]
        pair = (ids[sets.find(listing)], ids[sets.find(base + j)])
        if pair not in linked:  # a merged copy of a seed lists the same articles again
            linked.add(pair)
            out.links.append(
                {"document_id": pair[0], "related_document_id": pair[1], "position": entry.position}
            )


def _agreeing(seeds: Sequence[Source], sets: _Sets, out: Documents) -> set[int]:
    """The seeds that make documents: each set's first, and those that agree with it."""
    kept = set()
    for number, seed in enumerate(seeds):
        first = seeds[sets.find(number)]
        clash = [name for name in AGREED if _differ(first.values.get(name), seed.values.get(name))]
        if not clash:
            kept.add(number)
            continue
        given = "; ".join(
            f"{name} {_shown(seed.values[name])} here, {_shown(first.values[name])} there" for name in clash
        )
        out.findings.append(
            Finding(
                seed.seed_path,
                seed.line_of(clash[0]),
                "duplicate-document",
                f"{seed.seed_path} and {first.seed_path} claim one article ({seed.tokens[0]}) but differ "
                f"({given}): correct the one that is wrong, or remove the copy",
                field="title" if "title" in clash else "publishedDateTime",
            )
        )
    return kept


def _differ(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a != b


def _place(
    entries: Sequence[tuple[int, Source]],
    base: int,
    sets: _Sets,
    group_of: dict[str, int],
    headlines: Mapping[tuple[str, datetime], set[int]],
    out: Documents,
) -> list[int]:
    """Join each related entry to its document; the numbers of the entries that are sources, in order."""
    pending, selves = list(range(len(entries))), set()
    # An entry placed by one address makes its other addresses lead there too: repeat until none moves.
    while pending:
        left = []
        for j in pending:
            listing, entry = entries[j]
            root = _seed_of(entry, group_of, headlines)
            if root is None:
                left.append(j)
            elif root == sets.find(listing):
                selves.add(j)
                out.findings.append(
                    _warning(entry, "related-self", "the document lists itself as related; no link is made")
                )
            else:
                sets.union(root, base + j)
                for token in entry.tokens:
                    group_of.setdefault(token, root)
        if len(left) == len(pending):
            break
        pending = left
    owner: dict[str, int] = {}
    for j in pending:  # articles no seed describes: the entries of one article join each other
        for token in entries[j][1].tokens:
            sets.union(owner.setdefault(token, base + j), base + j)
    listed, seen = [], set()
    for j, (listing, entry) in enumerate(entries):
        if j in selves:
            continue
        target = (listing, sets.find(base + j))
        if target in seen:
            message = "this related article is listed earlier; the first position is kept"
            out.findings.append(_warning(entry, "related-duplicate", message))
            continue
        seen.add(target)
        listed.append(j)
    return listed


def _seed_of(
    entry: Source, group_of: Mapping[str, int], headlines: Mapping[tuple[str, datetime], set[int]]
) -> int | None:
    for token in entry.tokens:
        if token in group_of:
            return group_of[token]
    seeds = headlines.get(entry.headline) if entry.headline and not entry.addresses else None
    return next(iter(seeds)) if seeds and len(seeds) == 1 else None


def _warning(entry: Source, code: str, message: str) -> Finding:
    where = f"related[{entry.position - 1}]"
    return Finding(entry.seed_path, entry.line, code, message, field=where, severity="warning")


def _document(sources: Sequence[Source], out: Documents) -> str:
    """One document from its sources, first source first; its id."""
    first = sources[0]
    row: dict[str, Any] = {}
    order: dict[str, int] = {}  # fields in the order the sources first name them
    given: list[list[str]] = []
    dropped: list[tuple[int, int, str, Any]] = []  # (field order, source number, field, value)
    # Related entries of one article share one values dict (ingest/seed_results.Shared): after the
    # first, such an entry gives no field, and differs from the row where the first one did.
    differing: dict[int, list[tuple[str, Any]]] = {}
    for number, source in enumerate(sources):
        values = source.values
        known = differing.get(id(values))
        if known is not None:
            given.append([])
            dropped += [(order[name], number, name, value) for name, value in known]
            continue
        mine, differs = [], []
        for name, value in values.items():
            order.setdefault(name, len(order))
            if value is None:
                continue
            if name not in row:
                row[name] = value
                mine.append(name)
            elif value != row[name] and name not in PROVENANCE:
                differs.append((name, value))
        given.append(mine)
        dropped += [(order[name], number, name, value) for name, value in differs]
        differing[id(values)] = differs
    row = {name: row[name] for name in sorted(row, key=order.__getitem__)}
    dropped.sort(key=lambda item: item[:2])
    seed = next((s for s in sources if s.is_seed), None)
    giver = next((s for n, s in enumerate(sources) if "url" in given[n]), None)
    key = giver.url_key if giver is not None else None
    if key is None:
        key = (
            identity.seed_key(seed.seed_path)
            if seed
            else identity.headline_key(row["title"], row.get("published_at"))
        )
    document_id = identity.document_id(key)
    row["document_id"] = document_id
    title, excerpt = row.get("title"), row.get("excerpt")
    if title == first.values.get("title") and excerpt == first.values.get("excerpt"):
        row["word_count"] = first.words
    else:
        row["word_count"] = text.word_count(title, excerpt, first.body)
    out.rows.append(row)
    # A text that an earlier source has adds no line to the union; sources that share their values
    # and have no body (related entries of one article) have one text, worked out once.
    texts: dict[tuple[int, str | None], str] = {}
    for source in sources:
        place = (id(source.values), source.body)
        if place not in texts:
            texts[place] = source.text
    out.texts[document_id] = _union(list(dict.fromkeys(texts.values())))
    out.sources += [
        {
            "document_id": document_id,
            "seed_path": source.seed_path,
            "position": source.position,
            "source_format": source.values.get("source_format"),
            "url": source.values.get("url"),
            "fields": mine or None,
        }
        for source, mine in zip(sources, given, strict=True)
    ]
    if len(sources) > 1 and (seed is not None or dropped):
        names = _listed([s.label for s in sources], "sources")
        shown = [f"{name} {_shown(value)} of {sources[n].label}" for _, n, name, value in dropped[:NAMED]]
        kept = "; not kept: " + _listed(shown, "values", "; ", len(dropped)) if dropped else ""
        message = (
            f"{names} describe one article: merged into {document_id}, each value from the first of them that "
            f"gives it (document_sources says which){kept}"
        )
        out.findings.append(
            Finding(
                first.seed_path,
                None if first.is_seed else first.line,
                "document-merged",
                message,
                severity="info",
            )
        )
    return document_id


# How many sources or values a merge finding names before it counts the rest: an article a whole
# feed repeats in its related lists has thousands of sources (document_sources.csv lists them all).
NAMED = 10


def _listed(items: Sequence[str], kind: str, separator: str = ", ", total: int | None = None) -> str:
    """The first NAMED of `items` (of `total`, by default all of them), and how many more there are."""
    total = len(items) if total is None else total
    more = f"{separator}and {total - NAMED:,} more {kind}" if total > NAMED else ""
    return separator.join(items[:NAMED]) + more


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return repr("|".join(map(str, value)))
    return repr(value.isoformat() if isinstance(value, datetime) else value)


def _union(texts: Sequence[str]) -> str:
    """The first source's text, then each line of the others' that it lacks: what quotes are matched against."""
    joined = texts[0]
    for source_text in texts[1:]:
        new = [line for line in source_text.split("\n") if line.strip() and line not in joined]
        joined = "\n".join([joined, *new])
    return joined
