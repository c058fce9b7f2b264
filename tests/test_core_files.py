"""Writes that land whole or not at all (core/files.py), and a build that puts the repository back when its release fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from faceledger.core.files import staged_file

from .support import cli, dataset_files

SECOND_SEED = "---\ntitle: A second document\nwebUrl: https://example.org/second\n---\n"


def test_a_staged_file_that_fails_leaves_the_target_and_no_temporary(tmp_path: Path):
    target = tmp_path / "out.csv"
    target.write_bytes(b"before")
    with pytest.raises(OSError), staged_file(target) as temp:
        temp.write_bytes(b"half")
        raise OSError("disk full")
    assert target.read_bytes() == b"before"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_build_whose_release_cannot_be_written_changes_nothing(repo: Path):
    (repo / "seeds" / "second.txt").write_text(SECOND_SEED, encoding="utf-8")
    before = dataset_files(repo)
    descriptor = (repo / "datapackage.json").read_bytes()
    (repo / "dist").write_text("a file where the release folder should go", encoding="utf-8")
    result = cli("build", "--root", str(repo))
    assert result.exit_code == 1, result.output
    assert "build failed" in result.output
    assert dataset_files(repo) == before
    assert (repo / "datapackage.json").read_bytes() == descriptor
