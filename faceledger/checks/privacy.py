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

import pyarrow as pa
import pyarrow.compute as pc

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
    """No cell of a curated fact or quote names a listed private person.

    Curated cells repeat (an id in every row that refers to it, a quote cited for several
    facts): each distinct text is scanned once, and pyarrow finds the cells that hold it.
    """
    if not digests:
        return []
    columns = [
        (name, column, *_texts(facts.package.tables[name].data.column(column).combine_chunks()))
        for name in (*FACTS, EVIDENCE)
        for column in facts.package.tables[name].data.column_names
    ]
    texts = [cells for *_, cells, _ in columns if cells is not None]
    if not texts:
        return []
    named = _named(pc.unique(pa.chunked_array(texts, pa.string())).drop_null(), digests)
    if not named:
        return []
    listed = pa.array(list(named), pa.string())
    findings = []
    for name, column, cells, rows in columns:
        if cells is None:
            continue
        table = facts.package.tables[name]
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


# Distinct texts whose runs of words are made at once: bounds the memory the runs take.
_CHUNK = 1 << 17


def _named(distinct: pa.Array, digests: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """The private names each text names, for the texts that name one.

    Every run of up to MAX_WORDS words has to be hashed, so pyarrow makes the runs of the
    ASCII texts (where NFC changes nothing, casefold is lower case and a word is
    [A-Za-z0-9_]+) and each distinct run is hashed once; only a text with a listed run, or
    with other characters, is read word by word by private_names_in.
    """
    ascii_texts = pc.string_is_ascii(distinct)
    others = pc.filter(distinct, pc.invert(ascii_texts)).to_pylist()
    suspects = set(others)
    listed = {bytes.fromhex(d) for d in digests}
    plain = pc.filter(distinct, ascii_texts)
    for start in range(0, len(plain), _CHUNK):
        chunk = plain.slice(start, _CHUNK)
        runs, parents = _runs(chunk)
        hashed = pc.unique(runs).cast(pa.binary()).to_pylist()
        listed_runs = [run for run in hashed if hashlib.sha256(run).digest() in listed]
        if listed_runs:
            hit = pc.is_in(runs, value_set=pa.array(listed_runs, pa.binary()).cast(pa.string()))
            rows = pc.unique(pc.filter(parents, hit))
            suspects.update(pc.take(chunk, rows).to_pylist())
    return {text: found for text in sorted(suspects) if (found := tuple(private_names_in(text, digests)))}


def _runs(texts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Every run of 1 to MAX_WORDS consecutive words of each (ASCII) text, lower case, and the text's index."""
    lists = pc.split_pattern_regex(pc.ascii_lower(texts), r"[^a-z0-9_]+")
    tokens, parents = pc.list_flatten(lists), pc.list_parent_indices(lists)
    words_only = pc.greater(pc.binary_length(tokens), 0)
    tokens, parents = pc.filter(tokens, words_only), pc.filter(parents, words_only)
    count = len(tokens)
    runs, owners, run = [tokens], [parents], tokens
    for more in range(1, MAX_WORDS):
        if count <= more:
            break
        run = pc.binary_join_element_wise(run.slice(0, count - more), tokens.slice(more), " ")
        same = pc.equal(parents.slice(0, count - more), parents.slice(more))
        runs.append(pc.filter(run, same))
        owners.append(pc.filter(parents.slice(0, count - more), same))
    return pa.concat_arrays(runs), pa.concat_arrays(owners)


def _texts(column: pa.Array) -> tuple[pa.Array | None, pa.Array | None]:
    """A column's text cells (a list column's items) and, for a list, the row of each item."""
    if pa.types.is_list(column.type) and pa.types.is_string(column.type.value_type):
        return pc.list_flatten(column), pc.list_parent_indices(column)
    if pa.types.is_string(column.type):
        return column, None
    return None, None
