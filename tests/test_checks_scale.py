"""Curated facts at scale: each injected error is one finding, frictionless agrees, and the
column-by-column reader reads what the cell-by-cell reader reads."""

from __future__ import annotations

import codecs
import csv
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from faceledger.checks import privacy
from faceledger.checks.privacy import name_digest, private_names_in
from faceledger.core.findings import errors
from faceledger.core.schema import read_json
from faceledger.ingest import tables
from faceledger.ingest.canonical import render
from faceledger.validate import frictionless_findings, validate

from .support import REPO

sys.path.insert(0, str(REPO / "bench"))
from facts_package import FRICTIONLESS_KINDS, generate  # noqa: E402

CURATED = ("organizations", "systems", "contracts", "evidence", "tombstones")


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory):
    return generate(tmp_path_factory.mktemp("scaled") / "repo", 600, 30)


def test_a_scaled_package_without_injected_errors_is_valid(tmp_path: Path):
    made = generate(tmp_path / "repo", 600)
    assert made.rows >= 580 and not made.errors
    assert not errors(validate(made.root))
    assert not frictionless_findings(made.root / "datapackage.json")


def test_each_injected_error_is_one_finding_and_nothing_else(injected):
    found = errors(validate(injected.root))
    assert sorted((f.path, f.line, f.field) for f in found) == sorted(
        (path, line, field) for _, path, line, field in injected.errors
    )
    assert set(injected.counts) == {
        "bad-type",
        "foreign-key",
        "duplicate-key",
        "constraint",
        "quote",
        "private",
    }


def test_frictionless_reports_the_same_errors_it_can_see(injected):
    theirs = frictionless_findings(injected.root / "datapackage.json")
    # frictionless reports a duplicate primary key that is also unique twice: once is enough here.
    lines = {(f.path.removeprefix(f"{injected.root}/"), f.line) for f in theirs}
    expected = {(path, line) for kind, path, line, _ in injected.errors if kind in FRICTIONLESS_KINDS}
    assert lines == expected
    ours = {(f.path, f.line) for f in errors(validate(injected.root)) if f.code != "quote-not-found"}
    assert expected <= ours


def read_both(root: Path, name: str, monkeypatch: pytest.MonkeyPatch):
    schema = read_json(root / "schema" / f"{name}.json")
    rel = f"dataset/{name}.csv"
    fast = tables.read_table(name, root / rel, rel, schema, root)
    with monkeypatch.context() as patched:
        patched.setattr(tables, "read_strings", lambda content, header: None)
        slow = tables.read_table(name, root / rel, rel, schema, root)
    return fast, slow


@pytest.mark.parametrize("name", CURATED)
def test_the_column_reader_reads_what_the_cell_reader_reads(injected, name: str, monkeypatch):
    fast, slow = read_both(injected.root, name, monkeypatch)
    assert fast[2] is not None and slow[2] is None  # the fast path was taken, then not
    assert fast[0].data.equals(slow[0].data)
    assert (fast[0].lines, fast[0].unknown) == (slow[0].lines, slow[0].unknown)
    assert sorted(fast[1], key=str) == sorted(slow[1], key=str)


@pytest.mark.parametrize(
    "cell, taken",
    [
        ('"a line\nbreak in a quote"', False),  # two lines, one record: line numbers need csv.reader
        ('"a quote" then text', False),  # csv.reader refuses it; pyarrow would read on
        ('"quoted, as it must be"', True),
        ('"quoted though it need not be"', True),  # not canonical, but read alike
    ],
)
def test_the_column_reader_takes_only_files_it_reads_alike(repo: Path, cell: str, taken: bool, monkeypatch):
    path = repo / "dataset" / "systems.csv"
    header, first, rest = path.read_text(encoding="utf-8").split("\n", 2)
    # The last cell of the first system (draws_on) is free text, written here as the raw `cell`.
    kept = render([next(csv.reader([first]))[:7]])[:-1]
    path.write_text("\n".join([header, f"{kept},{cell}", rest]), encoding="utf-8")
    fast, slow = read_both(repo, "systems", monkeypatch)
    assert (fast[2] is not None) == taken
    assert sorted(map(str, fast[1])) == sorted(map(str, slow[1]))
    if fast[0] is not None:
        assert fast[0].data.equals(slow[0].data) and fast[0].lines == slow[0].lines


def test_the_privacy_scan_finds_what_the_word_by_word_scan_finds():
    digests = frozenset(name_digest(n) for n in ("Jane Roe", "Zoë Smith", "Bob"))
    texts = [
        "org-jane-roe-n5",  # in an id
        "JANE  ROE said",
        "Zoë Smith was there",  # not ASCII: read word by word
        "zoe smith",
        "bob",
        "Bobby",
        "one two three four five six bob",
        "a b c d e jane roe",
        "Jane Roe’s car",
        "jane_roe",  # one word
        "nobody here",
    ]
    expected = {t: tuple(private_names_in(t, digests)) for t in texts if private_names_in(t, digests)}
    scan = privacy.distinct_scan(pa.array(texts), digests)
    assert scan.named(scan.every_suspect()) == expected
    assert set(expected) == set(texts) - {"zoe smith", "Bobby", "jane_roe", "nobody here"}


@pytest.mark.parametrize("name", ["systems", "evidence"])
def test_a_file_saved_with_a_byte_order_mark_is_read_alike_by_both_readers(
    repo: Path, name: str, monkeypatch
):
    # evidence.csv quotes a cell on every line, systems.csv on some: the two ways the reader proves lines.
    path = repo / "dataset" / f"{name}.csv"
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    fast, slow = read_both(repo, name, monkeypatch)
    assert fast[2] is not None and slow[2] is None
    assert fast[0].data.equals(slow[0].data) and fast[0].lines == slow[0].lines
    assert sorted(map(str, fast[1])) == sorted(map(str, slow[1]))


@pytest.mark.parametrize("name", ["systems", "evidence"])
@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_a_byte_that_is_not_utf8_in_a_cell_is_a_finding_at_its_offset(repo: Path, name: str, bom: bytes):
    # The file is decoded only when the fast reader refuses it: pyarrow's own UTF-8 check must send
    # a bad byte there, with the header and every line before it valid.
    path = repo / "dataset" / f"{name}.csv"
    text = path.read_bytes()
    last = text.rstrip(b"\n").rindex(b"\n") + 1
    broken = bom + text[:last] + b"\xe9" + text[last:]
    path.write_bytes(broken)
    table, findings, lines = tables.read_table(
        name, path, f"dataset/{name}.csv", read_json(repo / "schema" / f"{name}.json"), repo
    )
    assert table is None and lines is None
    assert [(f.code, f.message) for f in findings] == [("not-utf8", f"byte {last} is not valid UTF-8")]
