"""Every Python and SQL example in docs/python.md runs, against real built data.

Python blocks run with the loader pointed at package data built from a copy of
the repository; SQL blocks run in DuckDB inside a real release folder. A block
that needs an extra that is not installed is skipped with that reason; one that
names a table the release does not have fails.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import duckdb
import pytest

import faceledger

from .support import REPO

DOC = REPO / "docs" / "python.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(language: str) -> list[str]:
    return [code for lang, code in BLOCK.findall(DOC.read_text(encoding="utf-8")) if lang == language]


def block_id(code: str) -> str:
    return code.strip().splitlines()[-1][:50]


def test_the_docs_have_examples_of_each_kind():
    assert len(blocks("python")) >= 6
    assert len(blocks("sql")) >= 2


@pytest.mark.parametrize("code", blocks("python"), ids=block_id)
def test_python_example_runs(code: str, bundled: Path):
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(DOC), "exec"), {"__name__": "__docs__"})
    except faceledger.MissingExtra as exc:
        pytest.skip(str(exc))
    if "print(" in code:
        assert out.getvalue().strip()


@pytest.mark.parametrize("sql", blocks("sql"), ids=block_id)
def test_duckdb_recipe_runs_in_a_release_folder(sql: str, built: Path, monkeypatch):
    monkeypatch.chdir(built)
    rows = duckdb.connect().sql(sql).fetchall()
    assert rows


def test_the_first_duckdb_recipe_counts_every_document(built: Path, monkeypatch):
    monkeypatch.chdir(built)
    rows = duckdb.connect().sql(blocks("sql")[0]).fetchall()
    descriptor = json.loads((built / "parquet" / "datapackage.json").read_text(encoding="utf-8"))
    [documents] = [r for r in descriptor["resources"] if r["name"] == "documents"]
    assert sum(count for _, count, _ in rows) == documents["rows"]
