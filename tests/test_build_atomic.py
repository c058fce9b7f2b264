"""A failed or killed build changes nothing: its outputs land together or not at all (core/transaction.py).

The kill test stops a real build (in a subprocess, with os._exit as kill -9 would)
at every step of its commit phase, then checks that the next run leaves the
repository, dist/ and the package data exactly as the old build or the new one
left them, byte for byte, with no leftovers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from faceledger.core.transaction import FAULT, JOURNAL

from .support import History, cli, with_a_new_vendor

SECOND_SEED = "---\ntitle: A second document\nwebUrl: https://example.org/second\n---\n"


def state(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under `root`, by relative path.

    The seed cache is left out: it is no output, only results the seeds give whatever the
    build then does, and SQLite commits them whole or not at all.
    """
    return {
        str(p.relative_to(root)): None if p.is_dir() else p.read_bytes()
        for p in sorted(root.rglob("*"))
        if "__pycache__" not in p.parts and ".faceledger-cache" not in p.parts
    }


def source_checkout(repo: Path) -> Path:
    """`repo` made a source checkout, so a build refreshes its package data (faceledger/data) too."""
    (repo / "faceledger").mkdir(exist_ok=True)
    (repo / "faceledger" / "__init__.py").write_text("", encoding="utf-8")
    return repo


def built_twice(repo: Path, tmp_path: Path) -> tuple[dict[str, bytes | None], dict[str, bytes | None]]:
    """Build `repo` (the old state), add a seed, and build a copy of it (the new state); `repo` stays old."""
    assert cli("build", "--root", str(source_checkout(repo))).exit_code == 0
    old = state(repo)
    (repo / "seeds" / "second.txt").write_text(SECOND_SEED, encoding="utf-8")
    fresh = tmp_path / "fresh"
    shutil.copytree(repo, fresh)
    assert cli("build", "--root", str(fresh)).exit_code == 0
    new = state(fresh)
    return {**old, "seeds/second.txt": SECOND_SEED.encode()}, new


def killed_at_each_step(
    repo: Path,
    tmp_path: Path,
    old: dict[str, bytes | None],
    new: dict[str, bytes | None],
    steps: int,
    rebuild: bool = False,
) -> list[str]:
    """A copy of `repo` built and killed at each commit step until one finishes: "old" or "new" per step.

    Each killed copy must validate and be in the old or the new state; with `rebuild`, the next
    build of it must end in the new state.
    """
    outcomes = []
    for step in range(1, steps):
        root = tmp_path / f"killed-{step}"
        shutil.copytree(repo, root)
        killed = run_build(root, f"commit:{step}")
        if killed.returncode == 0:
            break
        assert killed.returncode == 137, killed.stderr
        assert cli("validate", "--root", str(root)).exit_code == 0
        after = state(root)
        assert after in (old, new), f"step {step}: neither the old state nor the new one"
        outcomes.append("new" if after == new else "old")
        if rebuild:
            again = cli("build", "--root", str(root))
            assert again.exit_code == 0, again.output
            assert state(root) == new, f"step {step}: the next build did not end in the new state"
    return outcomes


def run_build(root: Path, fault: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, FAULT: fault}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run(
        [sys.executable, "-m", "faceledger", "build", "--root", str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.mark.slow
def test_a_build_killed_at_any_commit_step_leaves_old_or_new_and_the_next_run_finishes(
    repo: Path, tmp_path: Path
):
    old, new = built_twice(repo, tmp_path)
    assert old != new
    assert old["datapackage.json"] != new["datapackage.json"]  # the seed's document starts a part
    sums = "dist/faceledger-0.1.0/SHA256SUMS"
    assert old[sums] != new[sums]
    outcomes = killed_at_each_step(repo, tmp_path, old, new, steps=40, rebuild=True)
    # Killed before the journal is in place: old; after it: new. Every step was reached.
    assert outcomes[0] == "old" and set(outcomes[1:]) == {"new"}, outcomes
    assert len(outcomes) >= 8


def test_a_build_failing_at_any_commit_step_puts_everything_back(repo: Path, tmp_path: Path):
    old, _ = built_twice(repo, tmp_path)
    for step in range(1, 40):
        result = cli("build", "--root", str(repo), env={FAULT: f"commit:{step}:raise"})
        if result.exit_code == 0:
            break
        assert result.exit_code == 1
        assert f"injected failure at commit step {step}" in result.output
        assert "nothing was changed" in result.output
        assert state(repo) == old, f"step {step}"
    assert step > 8


def test_dist_as_a_file_fails_and_changes_nothing(repo: Path, tmp_path: Path):
    source_checkout(repo)
    (repo / "seeds" / "second.txt").write_text(SECOND_SEED, encoding="utf-8")
    (repo / "dist").write_text("a file where the release folder should go", encoding="utf-8")
    before = state(repo)
    result = cli("build", "--root", str(repo))
    assert result.exit_code == 1, result.output
    assert "nothing was changed" in result.output
    assert state(repo) == before


def test_package_data_that_cannot_be_replaced_fails_before_the_release_is_touched(repo: Path, tmp_path: Path):
    old, _ = built_twice(repo, tmp_path)
    shutil.rmtree(repo / "faceledger" / "data")
    (repo / "faceledger" / "data").write_text("a file where the package data goes", encoding="utf-8")
    before = state(repo)
    result = cli("build", "--root", str(repo))
    assert result.exit_code == 1, result.output
    assert "faceledger/data is not a folder" in result.output
    assert "nothing was changed" in result.output
    after = state(repo)
    assert after == before
    assert after["dist/faceledger-0.1.0/SHA256SUMS"] == old["dist/faceledger-0.1.0/SHA256SUMS"]


def test_the_next_run_removes_leftovers_by_name_and_nothing_else(repo: Path, tmp_path: Path):
    source_checkout(repo)
    assert cli("build", "--root", str(repo)).exit_code == 0
    leftovers = [
        repo / "dataset" / ".evidence.csv.tmp",
        repo / "dataset" / "documents" / ".6b.csv.tmp",
        repo / "dataset" / "documents" / ".f2.csv.old",
        repo / ".datapackage.json.old",
        repo / f".{JOURNAL}.tmp",
        repo / "dist" / ".faceledger-0.1.0.staging-abcd1234",
        repo / "dist" / ".faceledger-0.0.9.k2j4h5g6",
        repo / "dist" / ".faceledger-0.1.0.old",
        repo / "faceledger" / ".data.staging-zz99yy88",
    ]
    for path in leftovers:
        if path.suffix in (".tmp", ".old") and path.parent.name != "dist":
            path.write_bytes(b"half")
        else:
            path.mkdir()
            (path / "part.csv").write_bytes(b"half")
    kept = [repo / "dataset" / ".mine.tmp", repo / "notes.old", repo / "docs" / ".draft.md.tmp"]
    for path in kept:
        path.write_bytes(b"mine")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim").write_bytes(b"keep")
    (outside / ".victim.tmp").write_bytes(b"evil")
    journal = {
        "moves": [
            {"staged": "../outside/.victim.tmp", "final": "../outside/victim"},
            {"staged": "CHANGELOG.md", "final": "datapackage.json"},
            "not an entry",
        ]
    }
    (repo / JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
    descriptor = (repo / "datapackage.json").read_bytes()
    assert cli("validate", "--root", str(repo)).exit_code == 0
    assert not any(path.exists() for path in leftovers)
    assert all(path.read_bytes() == b"mine" for path in kept)
    assert not (repo / JOURNAL).exists()
    assert (outside / "victim").read_bytes() == b"keep"
    assert (outside / ".victim.tmp").read_bytes() == b"evil"
    assert (repo / "datapackage.json").read_bytes() == descriptor
    assert (repo / "CHANGELOG.md").exists()


def test_a_release_killed_or_failing_in_its_commit_keeps_changelog_and_version_with_the_release(
    two: History, tmp_path: Path
):
    root = with_a_new_vendor(two, tmp_path / "repo")
    before = state(root)
    failed = cli("release", "patch", "--root", str(root), env={FAULT: "commit:4:raise"})
    assert failed.exit_code == 1
    assert "datapackage.json and CHANGELOG.md are as they were" in failed.output
    assert state(root) == before
    env = {**os.environ, FAULT: "commit:4"}
    env.pop("SOURCE_DATE_EPOCH", None)
    killed = subprocess.run(
        [sys.executable, "-m", "faceledger", "release", "patch", "--root", str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert killed.returncode == 137, killed.stderr
    assert (root / JOURNAL).is_file()
    assert cli("validate", "--root", str(root)).exit_code == 0
    assert not (root / JOURNAL).exists()
    # Rolled forward: the new version, its changelog entry and its release, together.
    assert json.loads((root / "datapackage.json").read_text())["version"] == "0.1.2"
    assert "## 0.1.2" in (root / "CHANGELOG.md").read_text()
    release = root / "dist" / "faceledger-0.1.2"
    assert cli("verify", str(release)).exit_code == 0
    assert (release / "CHANGELOG.md").read_bytes() == (root / "CHANGELOG.md").read_bytes()
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["faceledger-0.1.2"]
