"""The fast paths of `faceledger validate` at scale give the findings the plain paths give.

The column reader now renders and compares only the lines that hold a double quote, the
privacy scan hashes each run of words once even in a chunk that holds a listed name, and
an enum's nearest allowed value is looked up once per wrong value: each is checked here
against the plain way on hostile input.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pyarrow as pa
import pytest

from faceledger.checks import privacy
from faceledger.core.schema import read_json
from faceledger.core.suggest import did_you_mean
from faceledger.ingest import tables
from faceledger.ingest.canonical import render

# Cells written raw into a free-text column: quoted or not, as they must be or not, and
# some that pyarrow or csv.reader refuse, so that the reader falls back to csv.reader.
HOSTILE = [
    "plain text",
    '"quoted, as it must be"',
    '"quoted though it need not be"',
    '"a ""quote"" inside"',
    'a "quote" unquoted',
    'x""y',
    '""',
    '"',
    '"unterminated',
    "a, comma unquoted",
    '"a quote" then text',
    '"ok",',
]


def _write_systems(repo: Path, cells: list[str]) -> None:
    """systems.csv with its first rows' last cell (draws_on, free text) written as each raw cell."""
    path = repo / "dataset" / "systems.csv"
    header, *rows = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    out = [header]
    for index, line in enumerate(rows):
        if index < len(cells):
            # The other cells lose their commas and quotes, so only the raw cell puts a quote in the line.
            kept = ",".join(c.replace(",", "").replace('"', "") for c in next(csv.reader([line]))[:7])
            out.append(f"{kept},{cells[index]}")
        else:
            out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _read_both(root: Path, monkeypatch: pytest.MonkeyPatch):
    schema = read_json(root / "schema" / "systems.json")
    rel = "dataset/systems.csv"
    fast = tables.read_table("systems", root / rel, rel, schema, root)
    with monkeypatch.context() as patched:
        patched.setattr(tables, "read_strings", lambda content, header: None)
        slow = tables.read_table("systems", root / rel, rel, schema, root)
    return fast, slow


def _canonical_lines(path: Path) -> bool:
    lines = path.read_text(encoding="utf-8").split("\n")[1:-1]
    return all(render([next(csv.reader([line]))])[:-1] == line for line in lines)


@pytest.mark.parametrize("cells", [[c] for c in HOSTILE] + [HOSTILE[:7], ["plain"] * 3 + HOSTILE[1:7]])
def test_hostile_lines_read_alike_on_both_paths(repo: Path, cells: list[str], monkeypatch):
    _write_systems(repo, cells)
    fast, slow = _read_both(repo, monkeypatch)
    assert [str(f) for f in fast[1]] == [str(f) for f in slow[1]]
    if fast[0] is not None:
        assert fast[0].data.equals(slow[0].data)
        assert (fast[0].lines, fast[0].unknown) == (slow[0].lines, slow[0].unknown)
    if fast[2] is not None:
        # Whether the file is canonical is told from the quoted lines alone: it must be the truth.
        assert fast[2].canonical == _canonical_lines(repo / "dataset" / "systems.csv")


@pytest.mark.parametrize("where", [1, 3])
def test_a_blank_line_reads_alike_on_both_paths(repo: Path, where: int, monkeypatch):
    # pyarrow reads a blank line as a row of empty cells, csv.reader as no row at all.
    path = repo / "dataset" / "systems.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join([*lines[:where], "", *lines[where:]]), encoding="utf-8")
    fast, slow = _read_both(repo, monkeypatch)
    assert fast[2] is None
    assert [str(f) for f in fast[1]] == [str(f) for f in slow[1]]
    assert fast[0] is not None and slow[0] is not None
    assert fast[0].data.equals(slow[0].data) and fast[0].lines == slow[0].lines


def test_a_quoted_line_that_is_not_canonical_is_told_so(repo: Path, monkeypatch):
    _write_systems(repo, ["plain", "plain", '"quoted though it need not be"'])
    fast, _ = _read_both(repo, monkeypatch)
    assert fast[2] is not None and not fast[2].canonical


def test_the_listed_runs_are_found_in_a_chunk_with_and_without_one():
    listed = {hashlib.sha256(name.encode()).digest() for name in ("jane roe", "bob")}
    runs = ["the", "jane roe", "of the", "bob", "bobby", "jane roe", "roe"]
    assert privacy._listed(pa.array(runs), listed) == [1, 3, 5]
    assert privacy._listed(pa.array(["the", "of the"]), listed) == []
    assert privacy._listed(pa.array([], pa.string()), listed) == []


def test_a_repeated_wrong_enum_value_is_advised_alike_each_time(repo: Path):
    schema = read_json(repo / "schema" / "contracts.json")
    field = tables.Schema.from_dict(schema, "contracts").field("status")
    allowed = [str(v) for v in field.constraints["enum"]]
    for wrong in ("activ", "activ", "zzzz", allowed[0].upper()):
        (message,) = tables.constraint_problems(field, wrong)
        assert message.endswith(did_you_mean(wrong, allowed))
