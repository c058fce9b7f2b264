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
from functools import lru_cache
from pathlib import Path

from ..core.findings import Finding
from ..core.limits import PRIVATE_NAMES_BYTES
from ..core.safe_read import UnsafeFile, read_bytes
from .facts import EVIDENCE, FACTS, Facts

PRIVATE_NAMES = "dataset/private-names.txt"
# The longest name the list can hold, in words; longer runs are never hashed.
MAX_WORDS = 6
_WORD = re.compile(r"\w+")
_DIGEST = re.compile(r"[0-9a-f]{64}")


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(unicodedata.normalize("NFC", text))]


def name_digest(name: str) -> str:
    """The list entry for a name: `python -c "from faceledger.privacy import name_digest as d; print(d('Jane Doe'))"`."""
    return _digest(" ".join(words(name)))


# Short runs ("the", "of the") recur in every cell: hashing each once pays for the cache.
@lru_cache(maxsize=1 << 16)
def _digest(run: str) -> str:
    return hashlib.sha256(run.encode("utf-8")).hexdigest()


def read_digests(root: Path) -> tuple[frozenset[str], list[Finding]]:
    try:
        lines = read_bytes(root, PRIVATE_NAMES, PRIVATE_NAMES_BYTES).decode("utf-8").splitlines()
    except FileNotFoundError:
        return frozenset(), [
            Finding(PRIVATE_NAMES, None, "missing-file", "the list of private names to keep out is missing")
        ]
    except UnsafeFile as exc:
        return frozenset(), [exc.finding]
    except OSError as exc:
        return frozenset(), [
            Finding(PRIVATE_NAMES, None, "unreadable", f"the file cannot be read: {exc.strerror}")
        ]
    except UnicodeDecodeError as exc:
        return frozenset(), [Finding(PRIVATE_NAMES, None, "not-utf8", f"byte {exc.start} is not valid UTF-8")]
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
    return list(_private_runs(text, digests)) if digests else []


# Curated cells repeat (document ids, kinds, codes, a quote cited for several facts).
@lru_cache(maxsize=1 << 14)
def _private_runs(text: str, digests: frozenset[str]) -> tuple[str, ...]:
    found = []
    tokens = words(text)
    for start in range(len(tokens)):
        run = ""
        for token in tokens[start : start + MAX_WORDS]:
            run = f"{run} {token}" if run else token
            if _digest(run) in digests:
                found.append(run)
    return tuple(found)


def privacy_problems(facts: Facts, digests: frozenset[str]) -> list[Finding]:
    """No cell of a curated fact or quote names a listed private person."""
    findings = []
    for name in (*FACTS, EVIDENCE):
        table = facts.package.tables[name]
        for index, row in enumerate(facts.rows[name]):
            for column, value in row.items():
                texts = [t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)]
                found = sorted({n for t in texts for n in private_names_in(t, digests)})
                if found:
                    findings.append(
                        Finding(
                            table.path,
                            table.line(index),
                            "private-person",
                            f"names a private person listed in {PRIVATE_NAMES} ({', '.join(map(repr, found))}): keep people out of the data and quote a passage that does not name them",
                            field=column,
                        )
                    )
    return findings
