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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain
from operator import methodcaller
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..core.findings import Finding
from ..core.limits import PRIVATE_NAMES_BYTES
from ..core.package import Table
from ..core.safe_read import UnsafeFile, read_bytes
from .facts import EVIDENCE, FACTS, Facts

PRIVATE_NAMES = "dataset/private-names.txt"
# The longest name the list can hold, in words; longer runs are never hashed.
MAX_WORDS = 6
_WORD = re.compile(r"\w+")
_DIGEST = re.compile(r"[0-9a-f]{64}")

# CPython's own SHA-256 (the same digests): on runs of a few words it takes about 0.65x the
# time of hashlib's OpenSSL one, which sets up a context per call. Private modules, so with a way back.
try:
    from _sha2 import sha256 as _bulk_sha256  # type: ignore[import-not-found]  # Python 3.12 and later
except ImportError:
    try:
        from _sha256 import sha256 as _bulk_sha256  # type: ignore[import-not-found]  # Python 3.11
    except ImportError:
        _bulk_sha256 = hashlib.sha256


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
    """No cell of a curated fact or quote names a listed private person (the whole scan, here)."""
    scan = planned(facts, digests)
    if scan is None:
        return []
    return scan.findings(scan.every_suspect())


# A text column: its table, name, cells (a list column's items) and, for a list, their rows.
TextColumn = tuple[Table, str, pa.Array, "pa.Array | None"]

# Distinct texts whose runs of words are made at once: bounds the memory the runs take, and is
# the share of the scan that two processes take turns at (checks/__init__.py).
CHUNK = 1 << 15


@dataclass
class Scan:
    """The distinct texts of the curated cells, scanned a chunk at a time.

    Curated cells repeat (an id in every row that refers to it, a quote cited for several
    facts): each distinct text is scanned once, and pyarrow finds the cells that hold it.
    Every run of up to MAX_WORDS words has to be hashed, so pyarrow makes the runs of the
    ASCII texts (where NFC changes nothing, casefold is lower case and a word is
    [A-Za-z0-9_]+) and each distinct run of a chunk is hashed once; only a text with a
    listed run, or with other characters, is read word by word by private_names_in. Which
    texts a chunk finds depends on nothing but its own texts, so chunks may be scanned in
    any order, by any process.
    """

    digests: frozenset[str]
    # The distinct texts: ASCII ones, scanned by chunk, and the others, read word by word.
    plain: pa.Array
    others: list[str]
    columns: list[TextColumn] = field(default_factory=list)

    @cached_property
    def listed(self) -> set[bytes]:
        return {bytes.fromhex(d) for d in self.digests}

    @property
    def chunks(self) -> int:
        return -(-len(self.plain) // CHUNK)

    def suspects(self, index: int) -> list[str]:
        """The texts of chunk `index` that hold a listed run."""
        chunk = self.plain.slice(index * CHUNK, CHUNK)
        rows = _listed_rows(chunk, self.listed)
        return [] if rows is None else pc.take(chunk, rows).to_pylist()

    def every_suspect(self) -> list[str]:
        return list(chain.from_iterable(map(self.suspects, range(self.chunks))))

    def named(self, suspects: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The private names each text names, for the texts that name one."""
        return {
            text: found
            for text in sorted({*self.others, *suspects})
            if (found := tuple(private_names_in(text, self.digests)))
        }

    def findings(self, suspects: Iterable[str]) -> list[Finding]:
        """A finding for each cell that names a listed person, from the suspects of every chunk."""
        named = self.named(suspects)
        if not named:
            return []
        listed = pa.array(list(named), pa.string())
        findings = []
        for table, column, cells, rows in self.columns:
            chosen = pc.indices_nonzero(pc.fill_null(pc.is_in(cells, value_set=listed), False))
            where = chosen if rows is None else pc.take(rows, chosen)
            named_in: dict[int, set[str]] = {}
            for index, text in zip(where.to_pylist(), pc.take(cells, chosen).to_pylist(), strict=True):
                named_in.setdefault(index, set()).update(named[text])
            for index, names in named_in.items():
                findings.append(
                    Finding(
                        table.path,
                        table.line(index),
                        "private-person",
                        f"names a private person listed in {PRIVATE_NAMES} ({', '.join(map(repr, sorted(names)))}): keep people out of the data and quote a passage that does not name them",
                        field=column,
                    )
                )
        return findings


def planned(facts: Facts, digests: frozenset[str]) -> Scan | None:
    """The scan of the curated cells for the listed names, or None when there is nothing to look for."""
    if not digests:
        return None
    columns = [
        (table, column, cells, rows)
        for table in (facts.package.tables[name] for name in (*FACTS, EVIDENCE))
        for column in table.data.column_names
        for cells, rows in [_texts(table.data.column(column).combine_chunks())]
        if cells is not None
    ]
    if not columns:
        return None
    distinct = pc.unique(pa.chunked_array([cells for _, _, cells, _ in columns], pa.string())).drop_null()
    return distinct_scan(distinct, digests, columns)


def distinct_scan(distinct: pa.Array, digests: frozenset[str], columns: Sequence[TextColumn] = ()) -> Scan:
    ascii_texts = pc.string_is_ascii(distinct)
    others = pc.filter(distinct, pc.invert(ascii_texts)).to_pylist()
    return Scan(digests, pc.filter(distinct, ascii_texts), others, list(columns))


def _listed_rows(texts: pa.Array, listed: set[bytes]) -> pa.Array | None:
    """The indices of the (ASCII) texts with a run of 1 to MAX_WORDS words, lower case, that is listed.

    The runs are built as numbers: each word gets a code, and a run of k + 1 words the code
    of the pair (its first k words, its last word), so only a distinct run becomes a string
    to hash, however many texts hold it.
    """
    lists = pc.split_pattern_regex(pc.ascii_lower(texts), r"[^a-z0-9_]+")
    tokens, parents = pc.list_flatten(lists), pc.list_parent_indices(lists)
    words_only = pc.greater(pc.binary_length(tokens), 0)
    tokens, parents = pc.filter(tokens, words_only), pc.filter(parents, words_only)
    encoded = pc.dictionary_encode(tokens)
    words, codes = encoded.dictionary, pc.cast(encoded.indices, pa.int64())
    width = pa.scalar(max(len(words), 1), pa.int64())
    count = len(codes)
    runs, strings = codes, words
    hits = []
    for more in range(MAX_WORDS):
        if more:
            if count <= more:
                break
            # A run that would cross from one text into the next is no run: null, and so is every longer one.
            same = pc.equal(parents.slice(0, count - more), parents.slice(more))
            pairs = pc.if_else(
                same, pc.add(pc.multiply(runs.slice(0, count - more), width), codes.slice(more)), None
            )
            encoded = pc.dictionary_encode(pairs)
            runs, distinct = pc.cast(encoded.indices, pa.int64()), encoded.dictionary
            strings = pc.binary_join_element_wise(
                pc.take(strings, pc.divide(distinct, width)),
                pc.take(words, pc.subtract(distinct, pc.multiply(pc.divide(distinct, width), width))),
                " ",
            )
        listed_codes = _listed(strings, listed)
        if listed_codes:
            found = pc.fill_null(pc.is_in(runs, value_set=pa.array(listed_codes, pa.int64())), False)
            hits.append(pc.filter(parents.slice(0, len(runs)), found))
    return pc.unique(pa.concat_arrays(hits)) if hits else None


def _listed(strings: pa.Array, listed: set[bytes]) -> list[int]:
    """The positions of the strings whose SHA-256 is listed."""
    runs = strings.cast(pa.binary()).to_pylist()
    # Hashed once, without a Python frame per run; a chunk with a listed run is not hashed again.
    digests = list(map(_DIGEST_OF, map(_bulk_sha256, runs)))
    found = listed.intersection(digests)
    if not found:
        return []
    hits = pc.is_in(pa.array(digests, pa.binary()), value_set=pa.array(list(found), pa.binary()))
    positions: list[int] = pc.indices_nonzero(hits).to_pylist()
    return positions


_DIGEST_OF = methodcaller("digest")


def _texts(column: pa.Array) -> tuple[pa.Array | None, pa.Array | None]:
    """A column's text cells (a list column's items) and, for a list, the row of each item."""
    if pa.types.is_list(column.type) and pa.types.is_string(column.type.value_type):
        return pc.list_flatten(column), pc.list_parent_indices(column)
    if pa.types.is_string(column.type):
        return column, None
    return None, None
