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
    return Choices(choices).nearest(value, cutoff)


class Choices:
    """Known values processed for matching once, for when many values are told their nearest."""

    def __init__(self, choices: Iterable[str]):
        from rapidfuzz import utils  # imported by the findings that need it only

        self.known = sorted(set(choices))
        self.processed = [utils.default_process(c) for c in self.known]

    def nearest(self, value: str, cutoff: float = CUTOFF) -> str | None:
        from rapidfuzz import fuzz, process, utils

        # Three best, as the value itself may be among them and is no suggestion.
        best = process.extract(
            utils.default_process(value),
            self.processed,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=cutoff,
            limit=3,
        )
        best = [b for b in best if self.known[b[2]] != value][:2]
        if not best or (len(best) == 2 and best[1][1] == best[0][1]):
            return None
        return self.known[best[0][2]]


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`; did you mean X?` for the nearest choice, or nothing when none is near."""
    match = nearest(value, choices)
    return "" if match is None else f"; did you mean {match}?"
