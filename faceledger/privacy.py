"""Keeping private individuals out of the data.

Articles name people (protesters, suspects, reporters) who must never become
entities or appear in a published quote. The names to keep out are listed in
PRIVATE_NAMES as SHA-256 digests of the normalized name, so the repository does
not itself compile a readable list of private people; every run of words in a
curated cell is hashed the same way and compared with the list.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from .findings import Finding

PRIVATE_NAMES = "dataset/private-names.txt"
# The longest name the list can hold, in words; longer runs are never hashed.
MAX_WORDS = 6
_WORD = re.compile(r"\w+")
_DIGEST = re.compile(r"[0-9a-f]{64}")


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(unicodedata.normalize("NFC", text))]


def name_digest(name: str) -> str:
    """The list entry for a name: `python -c "from faceledger.privacy import name_digest as d; print(d('Jane Doe'))"`."""
    return hashlib.sha256(" ".join(words(name)).encode("utf-8")).hexdigest()


def read_digests(root: Path) -> tuple[frozenset[str], list[Finding]]:
    try:
        lines = (root / PRIVATE_NAMES).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return frozenset(), [
            Finding(PRIVATE_NAMES, None, "missing-file", "the list of private names to keep out is missing")
        ]
    digests, findings = set(), []
    for number, line in enumerate(lines, start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        if _DIGEST.fullmatch(entry):
            digests.add(entry)
        else:
            findings.append(
                Finding(PRIVATE_NAMES, number, "bad-value", "each entry is a lower-case SHA-256 of a name")
            )
    return frozenset(digests), findings


def private_names_in(text: str, digests: frozenset[str]) -> list[str]:
    """The runs of words in `text` that are listed private names."""
    if not digests:
        return []
    found = []
    tokens = words(text)
    for start in range(len(tokens)):
        for end in range(start + 1, min(start + MAX_WORDS, len(tokens)) + 1):
            run = " ".join(tokens[start:end])
            if hashlib.sha256(run.encode("utf-8")).hexdigest() in digests:
                found.append(run)
    return found
