"""`faceledger fmt` and the canonical form: spreadsheet saves and dialects are named, normalized or left alone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from faceledger.ingest.canonical import canonical

from .support import REPO, cli, dataset_files

CURATED = ("organizations", "systems", "contracts", "evidence", "tombstones")


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def spreadsheet_save(data: bytes, **dialect) -> bytes:
    """The rows of `data` as a spreadsheet saves them: a BOM, CRLF line ends and every cell quoted, by default."""
    out = io.StringIO(newline="")
    options = {"quoting": csv.QUOTE_ALL, "lineterminator": "\r\n", **dialect}
    csv.writer(out, **options).writerows(rows(data))
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    return dataset_files(root)


def test_the_repository_is_in_canonical_form():
    result = cli("fmt", "--check", "--root", str(REPO))
    assert result.exit_code == 0, result.output
    for name in CURATED:
        data = (REPO / "dataset" / f"{name}.csv").read_bytes()
        assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\n"), name


def test_a_spreadsheet_save_is_warned_of_and_fmt_restores_the_committed_bytes(repo: Path):
    path = repo / "dataset" / "organizations.csv"
    committed = path.read_bytes()
    path.write_bytes(spreadsheet_save(committed))

    result = cli("validate", "--root", str(repo))
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.output.splitlines() if "not-canonical" in line)
    assert warning.startswith("dataset/organizations.csv: warning not-canonical: ")
    for difference in ("byte order mark", "CRLF", "every cell is in double quotes"):
        assert difference in warning

    saved = snapshot(repo)
    checked = cli("fmt", "--check", "--root", str(repo))
    assert checked.exit_code == 1
    assert "dataset/organizations.csv: error not-canonical" in checked.output
    assert snapshot(repo) == saved  # --check writes nothing

    formatted = cli("fmt", "--root", str(repo))
    assert formatted.exit_code == 0, formatted.output
    assert "formatted dataset/organizations.csv" in formatted.output
    assert path.read_bytes() == committed
    assert "not-canonical" not in cli("validate", "--root", str(repo)).output
    assert cli("fmt", "--check", "--root", str(repo)).exit_code == 0


def test_fmt_sorts_rows_by_key_and_keeps_every_cell_as_written(repo: Path):
    path = repo / "dataset" / "contracts.csv"
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    # Out of order, a needless quote, no final line end, and an amount written in a form a
    # retyping writer would change.
    moved = lines[2].replace(",3750000,", ',"03750000",')
    path.write_text("\n".join([header, *lines[3:], moved, *lines[:2]]), encoding="utf-8")

    result = cli("validate", "--root", str(repo))
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.output.splitlines() if "not-canonical" in line)
    for difference in (
        "no line end",
        "need none (first on line 7)",
        "contract_id order (first out of order: line 7)",
    ):
        assert difference in warning, difference

    assert cli("fmt", "--root", str(repo)).exit_code == 0
    formatted = path.read_text(encoding="utf-8")
    assert formatted.splitlines() == [
        header,
        *lines[:2],
        lines[2].replace(",3750000,", ",03750000,"),
        *lines[3:],
    ]
    assert formatted.endswith("\n")


def test_a_blank_line_fails_frictionless_and_fmt_removes_it(repo: Path):
    path = repo / "dataset" / "systems.csv"
    committed = path.read_bytes()
    header, rest = committed.split(b"\n", 1)
    path.write_bytes(header + b"\n\n" + rest)
    result = cli("validate", "--frictionless", "--root", str(repo))
    assert result.exit_code == 1
    assert "dataset/systems.csv:2: error frictionless-blank-row" in result.output
    assert "blank lines (line 2)" in result.output
    assert cli("fmt", "--root", str(repo)).exit_code == 0
    assert path.read_bytes() == committed


def test_fmt_never_touches_the_derived_files(repo: Path):
    derived = {rel: data for rel, data in dataset_files(repo).items() if "/" in rel}
    assert {rel.split("/")[0] for rel in derived} == {"documents", "document_links", "document_sources"}
    assert all(b"\r\n" in data for data in derived.values())  # RFC 4180, as the build writes them
    assert cli("fmt", "--root", str(repo)).exit_code == 0
    assert {rel: data for rel, data in dataset_files(repo).items() if "/" in rel} == derived


@pytest.mark.parametrize(("separator", "named"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_file_separated_otherwise_is_named_and_fmt_leaves_it_alone(repo: Path, separator: str, named: str):
    path = repo / "dataset" / "evidence.csv"
    path.write_bytes(spreadsheet_save(path.read_bytes(), delimiter=separator, quoting=csv.QUOTE_MINIMAL))
    expected = f"dataset/evidence.csv:1: error wrong-separator: this file is separated by {named}; "
    expected += "FaceLedger CSVs use commas"

    result = cli("validate", "--root", str(repo))
    assert result.exit_code == 1
    assert expected in result.output
    assert "header-mismatch" not in result.output

    saved = path.read_bytes()
    formatted = cli("fmt", "--root", str(repo))
    assert formatted.exit_code == 1
    assert expected in formatted.output
    assert path.read_bytes() == saved


def test_fmt_leaves_a_file_it_cannot_read_alone_and_formats_the_others(repo: Path):
    broken = repo / "dataset" / "organizations.csv"
    broken.write_bytes(broken.read_bytes().replace(b"org-nasa,", b"org-nasa,extra,", 1) + b"\r\n")
    other = repo / "dataset" / "systems.csv"
    committed = other.read_bytes()
    other.write_bytes(committed.replace(b"\n", b"\r\n"))
    unreadable = broken.read_bytes()

    result = cli("fmt", "--root", str(repo))
    assert result.exit_code == 1
    assert "dataset/organizations.csv:8: error malformed-row" in result.output
    assert broken.read_bytes() == unreadable
    assert other.read_bytes() == committed
    # validate reports the broken row and, for a file it could not read whole, no form warning.
    validated = cli("validate", "--root", str(repo))
    assert "dataset/organizations.csv:8: error malformed-row" in validated.output
    assert "not-canonical" not in validated.output


def test_an_unclosed_quote_is_reported_and_the_file_left_alone(repo: Path):
    path = repo / "dataset" / "systems.csv"
    path.write_bytes(path.read_bytes().replace(b",facial recognition app,", b',"facial recognition app,', 1))
    saved = path.read_bytes()
    result = cli("fmt", "--root", str(repo))
    assert result.exit_code == 1
    assert "dataset/systems.csv" in result.output and "malformed-csv" in result.output
    assert path.read_bytes() == saved


def test_build_reports_the_form_and_does_not_format(repo: Path):
    path = repo / "dataset" / "organizations.csv"
    saved = spreadsheet_save(path.read_bytes())
    path.write_bytes(saved)
    result = cli("build", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert "dataset/organizations.csv: warning not-canonical" in result.output
    assert path.read_bytes() == saved


def test_a_line_break_inside_a_cell_is_the_cell_s_own():
    data = b'id,text\r\nb,"two\r\nlines"\r\na,plain\r\n'
    form = canonical(data, ["id"])
    assert form.data == b'id,text\na,plain\nb,"two\r\nlines"\n'
    assert form.differences == [
        "its lines end in CRLF (Windows line ends)",
        "rows are not in id order (first out of order: line 4)",
    ]
    assert canonical(form.data, ["id"]).differences == []
