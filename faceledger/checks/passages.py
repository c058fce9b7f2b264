"""Why a quote is not in its document, in words a contributor can act on.

The match itself stays literal (quotes.py). This module only explains a quote that
failed it, so its work is bounded by the failures, not by the evidence: the closest
passage of the document (found by rapidfuzz, compared word by word with difflib), a
quote copied from a seed's raw bytes before ftfy repaired them, or a quote that is
in another document than the one cited.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..core.package import Package
from ..ingest import text as repair
from . import quotes as ev

# Below this (0 to 100) a passage is too unlike the quote to be the one meant.
ALIKE = 60.0
# Words around the rough match that the word-by-word comparison may take in.
PAD = 4
# Differences listed before "and N more".
SHOWN = 3
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Passage:
    """The document's words closest to a quote, both normalized as quotes.py compares them."""

    text: str
    score: float
    differences: list[str]
    starts: bool  # at the start of the document
    ends: bool  # at its end

    def __str__(self) -> str:
        shown = ("" if self.starts else "…") + self.text + ("" if self.ends else "…")
        said = f'closest passage ({self.score:.0f}% alike) at "{shown}"'
        if self.differences:
            more = len(self.differences) - SHOWN
            said += ": " + "; ".join(self.differences[:SHOWN]) + (f"; and {more} more" if more > 0 else "")
        return said


def closest(quote: str, text: str) -> Passage | None:
    """The passage of `text` most like `quote` (both normalized), if one is at least ALIKE."""
    from rapidfuzz import fuzz  # only a failing quote needs it

    if not quote or not text:
        return None
    rough = fuzz.partial_ratio_alignment(quote, text)
    if rough is None or rough.score < ALIKE:
        return None
    # The rough span, widened to whole words and a few more, then cut to what lines up with the quote.
    spans = _word_spans(text)
    inside = [i for i, (s, e) in enumerate(spans) if e > rough.dest_start and s < rough.dest_end]
    if not inside:
        return None
    low, high = max(inside[0] - PAD, 0), min(inside[-1] + PAD + 1, len(spans))
    words = [text[s:e] for s, e in spans[low:high]]
    wanted = quote.split()
    blocks = [b for b in _matcher(wanted, words).get_matching_blocks() if b.size]
    if blocks:
        first, last = blocks[0], blocks[-1]
        start = max(first.b - first.a, 0)
        end = min(last.b + last.size + (len(wanted) - last.a - last.size), len(words))
    else:
        start, end = inside[0] - low, inside[-1] - low + 1
    begin, finish = spans[low + start][0], spans[low + end - 1][1]
    passage = text[begin:finish]
    return Passage(
        text=passage,
        score=fuzz.ratio(quote, passage),
        differences=_differences(wanted, words[start:end]),
        starts=low + start == 0,
        ends=low + end == len(spans),
    )


def _word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def _matcher(a: list[str], b: list[str]) -> difflib.SequenceMatcher[str]:
    return difflib.SequenceMatcher(None, a, b, autojunk=False)


def _differences(quote: list[str], passage: list[str]) -> list[str]:
    said = []
    for op, i1, i2, j1, j2 in _matcher(quote, passage).get_opcodes():
        ours, theirs = " ".join(quote[i1:i2]), " ".join(passage[j1:j2])
        if op == "replace":
            said.append(f'the quote has "{ours}" where the document has "{theirs}"')
        elif op == "delete":
            said.append(f'the quote has "{ours}", which the document does not')
        elif op == "insert":
            said.append(f'the document has "{theirs}", which the quote leaves out')
    return said


def seed_sources(documents: list[dict[str, Any]], links: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The seed files each document's text comes from: its own, or those that list it as related."""
    seeds = {row["document_id"]: row.get("seed_path") for row in documents}
    sources = {doc: [path] for doc, path in seeds.items() if path is not None}
    for link in links:
        # A related article's title and excerpt are in the front matter of the seeds that list it.
        related, path = link["related_document_id"], seeds.get(link["document_id"])
        if seeds.get(related) is None and path is not None and path not in sources.get(related, []):
            sources.setdefault(related, []).append(path)
    return sources


@dataclass
class Hints:
    """Explains failed quotes of one package; what it reads (seed bytes, sources) it reads once."""

    package: Package
    # The quotable texts, normalized (citation_problems has them already).
    texts: Mapping[str, str]
    _raw: dict[str, str] = field(default_factory=dict)
    # A quote copied into many evidence rows fails alike in each: explained once.
    _said: dict[tuple[str, str], str] = field(default_factory=dict)

    @cached_property
    def sources(self) -> dict[str, list[str]]:
        tables = self.package.tables
        if "documents" not in tables or "document_links" not in tables:
            return {}
        return seed_sources(tables["documents"].data.to_pylist(), tables["document_links"].data.to_pylist())

    def raw(self, path: str) -> str:
        """A seed's text as its bytes say, not repaired, normalized as quotes are."""
        if path not in self._raw:
            try:
                data = (self.package.root / path).read_bytes().decode("utf-8", errors="replace")
            except OSError:
                data = ""
            self._raw[path] = ev.normalize(data)
        return self._raw[path]

    def explain(self, written: str, document_id: str) -> str:
        """What to add to "the quote does not occur in …" for a quote as written: starts with " (" or "; ", or is empty."""
        if (written, document_id) not in self._said:
            self._said[written, document_id] = self._explain(written, document_id)
        return self._said[written, document_id]

    def _explain(self, written: str, document_id: str) -> str:
        quote, text = ev.normalize(written), self.texts[document_id]
        said = " (it does with different capitals)" if quote.casefold() in text.casefold() else ""
        raw = next((path for path in self.sources.get(document_id, []) if quote in self.raw(path)), None)
        repaired = repair.clean(written) or ""
        if raw is not None and ev.normalize(repaired) != quote:
            return (
                f"{said}; the quote matches the raw bytes of {raw}, which contain mojibake; quote the "
                f'repaired text as `faceledger show {document_id}` prints it: "{repaired}"'
            )
        elsewhere = sorted(doc for doc, other in self.texts.items() if doc != document_id and quote in other)
        if elsewhere:
            return f"{said}; it occurs in {', '.join(elsewhere)}: is document_id the one you meant?"
        passage = closest(quote, text)
        if passage is None:
            return f"{said}; no passage of it is like the quote: read it with `faceledger show {document_id}`"
        return f"{said}; {passage}"
