"""A quote shown where it stands in its document's text, the quoted words marked.

The text is normalized as the quote check compares it (checks/quotes.py), so
the passage found is the one the check accepted; a quote that is not in the
text the release carries (it stands in the document's body) is shown on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..checks.quotes import normalize

# Characters of context either side of the quote: enough to read it in place, small enough for a page.
CONTEXT = 240
# The words around a quote are the site's choice, not the evidence: an article's "write to me at
# name@outlet" lines are no part of any fact, so their addresses are not republished.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
EMAIL_SHOWN_AS = "[email address]"


def _context(text: str) -> str:
    return _EMAIL.sub(EMAIL_SHOWN_AS, text)


@dataclass(frozen=True)
class Passage:
    before: str
    quote: str
    after: str
    # Whether the quote was found in the text (else `quote` is shown alone).
    found: bool


def passage(quote: str, text: str | None, context: int = CONTEXT) -> Passage:
    wanted = normalize(quote)
    whole = normalize(text or "")
    at = whole.find(wanted) if wanted else -1
    if at < 0:
        return Passage("", wanted, "", False)
    start, end = max(0, at - context), min(len(whole), at + len(wanted) + context)
    # Cut at a space so that no word is shown in part.
    if start > 0:
        start = whole.find(" ", start, at) + 1 or start
    if end < len(whole):
        end = whole.rfind(" ", at + len(wanted), end) if whole.rfind(" ", at + len(wanted), end) > 0 else end
    before = ("… " if start > 0 else "") + whole[start:at]
    after = whole[at + len(wanted) : end] + (" …" if end < len(whole) else "")
    return Passage(_context(before), whole[at : at + len(wanted)], _context(after), True)
