"""The catalogue of finding codes: every code a check can report, with its severity, topics and meaning.

Like frictionless-py's error classes, one entry per kind of finding, so the
tables in README.md and docs/facts.md are generated from it
(publish/codes_doc.py) instead of drifting by hand, and tests/test_core_codes.py
scans the source to prove that it names exactly the codes the checks emit.
"""

from __future__ import annotations

from .code_kinds import FAMILY, TOPICS, Code
from .codes_input import INPUT_CODES
from .codes_release import RELEASE_CODES

__all__ = ["CODES", "FAMILY", "TOPICS", "Code", "lookup"]

CODES: tuple[Code, ...] = (*INPUT_CODES, *RELEASE_CODES)
BY_CODE = {entry.code: entry for entry in CODES}


def lookup(code: str) -> Code | None:
    """The catalogue entry for `code`, a family's for codes such as `frictionless-type-error`."""
    return BY_CODE.get(code) or next((entry for entry in CODES if entry.matches(code)), None)
