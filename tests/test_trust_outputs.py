"""The trust boundary at the output: a link a pull request commits never takes a write out of the repository.

A build writes into the repository's dataset/ and docs/, its dist/ and its package data; a
committed symbolic link at any of them that leads elsewhere (dist -> /srv/www, docs -> ~/.ssh)
is a finding, and nothing is written through it. A release folder given with --dist outside
the repository is the caller's own choice and is written as given.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from faceledger.core.findings import BuildFailed
from faceledger.core.transaction import JOURNAL, Transaction, recover

from .support import cli


def files_under(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))
    }


def linked_out(repo: Path, rel: str, outside: Path) -> Path:
    """Replace the folder `rel` of `repo` (if any) by a link to `outside`, which gets its old files."""
    outside.mkdir(parents=True)
    folder = repo / rel
    if folder.is_dir():
        shutil.copytree(folder, outside, dirs_exist_ok=True)
        shutil.rmtree(folder)
    folder.symlink_to(outside, target_is_directory=True)
    return outside


def refused_at(result, where: str) -> None:
    assert result.exit_code == 1, result.output
    assert any(line.startswith(f"{where}: error unsafe-file") for line in result.output.splitlines()), (
        result.output
    )


def test_a_committed_dist_link_out_is_refused_before_the_build_writes(repo: Path, tmp_path: Path):
    outside = linked_out(repo, "dist", tmp_path / "outside")
    before = files_under(repo / "dataset")
    result = cli("build", "--root", str(repo))
    refused_at(result, "dist")
    assert "nothing was written" in result.output
    assert list(outside.iterdir()) == []
    assert files_under(repo / "dataset") == before


def test_site_does_not_write_into_a_dist_link_out(repo: Path, tmp_path: Path):
    assert cli("build", "--root", str(repo)).exit_code == 0
    # The link leads to a real release, as a CI machine's other checkout might hold.
    outside = linked_out(repo, "dist", tmp_path / "outside")
    shutil.rmtree(next(outside.iterdir()) / "site")
    before = files_under(outside)
    result = cli("site", "--root", str(repo))
    assert result.exit_code == 1, result.output
    assert "dist: error unsafe-file" in result.output
    assert files_under(outside) == before


def test_a_release_folder_given_outside_the_repository_is_written(repo: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    result = cli("build", "--root", str(repo), "--dist", str(elsewhere))
    assert result.exit_code == 0, result.output
    assert (elsewhere / "faceledger-0.1.0" / "SHA256SUMS").is_file()
    assert not (repo / "dist").exists()


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_docs_link_out_is_a_finding_and_its_target_is_untouched(repo: Path, tmp_path: Path, command: str):
    outside = linked_out(repo, "docs", tmp_path / "outside")
    (outside / "facts.md").write_text("someone else's file\n", encoding="utf-8")
    before = files_under(outside)
    result = cli(command, "--root", str(repo))
    refused_at(result, "docs")
    assert files_under(outside) == before
    assert not (repo / "dist").exists()


def test_the_package_folder_linked_out_is_not_written_through(tmp_path: Path):
    root, outside = tmp_path / "repo", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "faceledger").symlink_to(outside, target_is_directory=True)
    with pytest.raises(BuildFailed) as raised, Transaction(root) as outputs:
        outputs.folder(root / "faceledger" / "data")
    assert [(f.path, f.code) for f in raised.value.findings] == [("faceledger", "unsafe-file")]
    assert list(outside.iterdir()) == []


def test_a_staging_name_left_as_a_link_is_replaced_not_written_through(tmp_path: Path):
    root = tmp_path / "repo"
    (root / "dataset").mkdir(parents=True)
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    (root / "dataset" / ".new.csv.tmp").symlink_to(victim)
    with Transaction(root) as outputs:
        outputs.file(root / "dataset" / "new.csv", b"id\n")
        outputs.commit()
    assert victim.read_bytes() == b"keep me"
    assert (root / "dataset" / "new.csv").read_bytes() == b"id\n"


def test_a_journal_does_not_roll_a_release_forward_into_a_dist_link_out(tmp_path: Path):
    root, outside = tmp_path / "repo", tmp_path / "outside"
    root.mkdir()
    staged = outside / ".faceledger-9.9.9.staging-abcdefgh"
    staged.mkdir(parents=True)
    (root / "dist").symlink_to(outside, target_is_directory=True)
    move = {"staged": "dist/.faceledger-9.9.9.staging-abcdefgh", "final": "dist/faceledger-9.9.9"}
    (root / JOURNAL).write_text(json.dumps({"moves": [move]}), encoding="utf-8")
    assert recover(root, [root / "dist"]) == []
    assert not (outside / "faceledger-9.9.9").exists()
    assert staged.is_dir()
