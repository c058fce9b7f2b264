"""The known value nearest to one that is not known, for a finding's "did you mean …?".

rapidfuzz does the matching (the Indel ratio, after its default processing: lower case,
punctuation as spaces). A suggestion is made only when it is close and unambiguous:
a typo (`org-imce` for `org-ice`), not any id that shares the `org-` prefix.
"""

from __future__ import annotations

from collections.abc import Iterable

# How alike (0 to 100) a known value must be to be suggested; `org-imce` and `org-ice` score 93,
# `org-nec` and `org-ice`, which only share the prefix, 71.
CUTOFF = 80.0


def nearest(value: str, choices: Iterable[str], cutoff: float = CUTOFF) -> str | None:
    """The choice closest to `value`, if one is at least `cutoff` alike and closer than any other."""
    from rapidfuzz import fuzz, process, utils  # imported by the findings that need it only

    known = sorted({c for c in choices if c != value})
    best = process.extract(
        value, known, scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=cutoff, limit=2
    )
    if not best or (len(best) == 2 and best[1][1] == best[0][1]):
        return None
    return str(best[0][0])


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`; did you mean X?` for the nearest choice, or nothing when none is near."""
    match = nearest(value, choices)
    return "" if match is None else f"; did you mean {match}?"
