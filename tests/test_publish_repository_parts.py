"""The derived tables are committed as multipart resources: one CSV part per document-id shard.

dataset/<resource>/<two hex digits>.csv, listed in datapackage.json's `path` (core/layout.py).
These tests hold the layout to what the real frictionless reads, the build to writing and
removing exactly the parts the data needs, and readers of a repository (snapshots, diff,
validate) to reading parts and the old single files alike.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from faceledger.compare import snapshots
from faceledger.core.files import dump_json
from faceledger.core.layout import shard
from faceledger.core.package import DERIVED
from faceledger.core.transaction import FAULT
from faceledger.ingest.identity import article_key, document_id
from faceledger.publish.repository import shards, split
from faceledger.validate import Parts

from .support import GIT_ENV, REPO, cli, commit, copy_repo, dataset_files, derived_text, git
from .test_build_atomic import killed_at_each_step, source_checkout, state

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
# A seed whose document (id from its URL) falls in a part the repository does not have yet.
NEW_SEED = "---\ntitle: A second document\nwebUrl: https://example.org/second\n---\n"


def descriptor(root: Path) -> dict:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def resource(root: Path, name: str) -> dict:
    return next(r for r in descriptor(root)["resources"] if r["name"] == name)


def single_files(root: Path) -> Path:
    """The repository at `root` put back in the layout before parts: one dataset/<name>.csv each."""
    data = descriptor(root)
    for entry in data["resources"]:
        if entry["name"] in DERIVED:
            (root / "dataset" / f"{entry['name']}.csv").write_bytes(
                derived_text(root, entry["name"]).encode()
            )
            shutil.rmtree(root / "dataset" / entry["name"])
            entry["path"] = f"dataset/{entry['name']}.csv"
    (root / "datapackage.json").write_bytes(dump_json(data))
    return root


def frictionless(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FRICTIONLESS), "validate", "datapackage.json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_each_derived_table_is_its_parts_in_order_and_the_release_keeps_one_file(built: Path):
    for name in DERIVED:
        parts = resource(REPO, name)["path"]
        assert isinstance(parts, list) and parts == sorted(parts), name
        header = (built / "csv" / f"{name}.csv").read_bytes().split(b"\r\n", 1)[0]
        for rel in parts:
            folder, _, file = rel.rpartition("/")
            assert folder == f"dataset/{name}", rel
            data = (REPO / rel).read_bytes()
            assert data.split(b"\r\n", 1)[0] == header, f"{rel} opens with the header, as every part does"
            ids = [line.split(b",", 1)[0].decode() for line in data.split(b"\r\n")[1:] if line]
            assert ids and {shard(i) for i in ids} == {file.removesuffix(".csv")}, rel
        # The parts, headers after the first dropped, are the release's single file byte for byte.
        assert derived_text(REPO, name).encode() == (built / "csv" / f"{name}.csv").read_bytes(), name
        assert resource(built / "csv", name)["path"] == f"{name}.csv"


def test_a_checkout_with_the_single_files_is_migrated_by_the_build(repo: Path):
    single_files(repo)
    checked = cli("build", "--check", "--root", str(repo))
    assert checked.exit_code == 1
    for rel in ("dataset/documents.csv", "dataset/documents/6b.csv", "datapackage.json"):
        assert f"{rel}: error stale" in checked.output
    warned = cli("validate", "--root", str(repo))
    assert warned.exit_code == 0, warned.output  # frictionless reads the package as the build will write it
    assert "dataset/document_links.csv: warning stale" in warned.output

    result = cli("build", "--root", str(repo))
    assert result.exit_code == 0, result.output
    for name in DERIVED:
        assert f"removed dataset/{name}.csv" in result.output
        assert not (repo / "dataset" / f"{name}.csv").exists()
    assert "updated dataset/documents/6b.csv" in result.output
    assert dataset_files(repo) == dataset_files(REPO)
    assert (repo / "datapackage.json").read_bytes() == (REPO / "datapackage.json").read_bytes()
    assert cli("build", "--check", "--root", str(repo)).exit_code == 0


def test_a_part_left_without_rows_is_stale_and_the_build_removes_it(repo: Path):
    before = dataset_files(repo)
    seed = repo / "seeds" / "second.md"
    seed.write_text(NEW_SEED, encoding="utf-8")
    assert cli("build", "--root", str(repo)).exit_code == 0
    added = sorted(set(dataset_files(repo)) - set(before))
    assert len(added) == 2 and all(rel.endswith(f"/{added[0].rsplit('/', 1)[1]}") for rel in added), added
    assert [rel for rel in dataset_files(repo) if dataset_files(repo)[rel] != before.get(rel)] == added

    seed.unlink()
    (repo / "dataset" / "documents" / "zz.csv").write_bytes(b"a file no build writes\r\n")
    checked = cli("build", "--check", "--root", str(repo))
    assert checked.exit_code == 1
    for rel in (*added, "documents/zz.csv", "datapackage.json"):
        rel = rel if rel.startswith("datapackage") else f"dataset/{rel}"
        assert f"{rel}: error stale" in checked.output, checked.output
    result = cli("build", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert "removed dataset/documents/zz.csv" in result.output
    assert dataset_files(repo) == before
    assert (repo / "datapackage.json").read_bytes() == (REPO / "datapackage.json").read_bytes()


@pytest.mark.parametrize(
    ("name", "path", "reason"),
    [
        ("evidence", ["dataset/evidence.csv"], "must be a relative path"),  # curated: one file
        ("documents", ["dataset/documents/6b.csv", "../outside.csv"], "'../outside.csv' must be a relative"),
        ("documents", ["/etc/passwd"], "must be a relative path"),
        ("documents", [], "lists no parts"),
        ("documents", ["dataset/documents/6b.csv", 7], "path 7 must be"),
    ],
)
def test_only_a_derived_resource_lists_parts_and_each_stays_inside(repo: Path, name: str, path, reason: str):
    data = descriptor(repo)
    next(r for r in data["resources"] if r["name"] == name)["path"] = path
    (repo / "datapackage.json").write_bytes(dump_json(data))
    result = cli("validate", "--root", str(repo))
    assert result.exit_code == 1
    assert "datapackage.json: error unsafe-path" in result.output
    assert reason in result.output, result.output


def test_frictionless_validates_a_clean_clone_and_reads_across_parts(tmp_path: Path):
    origin = copy_repo(tmp_path / "origin")
    shutil.copyfile(REPO / ".gitattributes", origin / ".gitattributes")
    git(origin, "init", "-q", "-b", "main")
    commit(origin, "The data package")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True, capture_output=True)
    done = frictionless(clone)
    assert done.returncode == 0, done.stdout
    assert "dataset/documents/32.csv (multipart)" in done.stdout
    assert git(clone, "check-attr", "merge", "dataset/documents/6b.csv").strip().endswith("union")

    # It reads the parts as one table: a document in two parts breaks the primary key.
    row = (clone / "dataset" / "documents" / "32.csv").read_bytes().split(b"\r\n", 1)[1]
    with (clone / "dataset" / "documents" / "6b.csv").open("ab") as handle:
        handle.write(row)
    broken = frictionless(clone)
    assert broken.returncode == 1
    assert "primary-key" in broken.stdout


def test_a_row_frictionless_numbers_across_parts_is_named_by_its_part_and_line(tmp_path: Path):
    folder = tmp_path / "dataset" / "documents"
    folder.mkdir(parents=True)
    (folder / "0a.csv").write_bytes(b"document_id\r\ndoc-0a1\r\ndoc-0a2\r\n")
    (folder / "0b.csv").write_bytes(b'document_id\r\n"doc-0b1"\r\n')
    (folder / "0c.csv").write_bytes(b"document_id\r\ndoc-0c1\r\ndoc-0c2\r\n")
    parts = Parts(tmp_path, {"name": "documents", "path": [f"dataset/documents/0{c}.csv" for c in "abc"]})
    place = "dataset/documents/0a.csv (multipart)"
    assert parts.place(2, place) == ("dataset/documents/0a.csv", 2)
    assert parts.place(3, place) == ("dataset/documents/0a.csv", 3)
    assert parts.place(4, place) == ("dataset/documents/0b.csv", 2)
    assert parts.place(6, place) == ("dataset/documents/0c.csv", 3)
    assert parts.place(None, place) == ("dataset/documents", None)
    assert parts.place(9, place) == ("dataset/documents", None)
    single = Parts(tmp_path, {"name": "evidence", "path": "dataset/evidence.csv"})
    assert single.place(5, "dataset/evidence.csv") == ("dataset/evidence.csv", 5)


def test_diff_reads_the_old_single_files_and_the_parts_alike(tmp_path: Path):
    root = copy_repo(tmp_path / "repo")
    (root / ".gitignore").write_text("/dist/\n", encoding="utf-8")
    single_files(root)
    git(root, "init", "-q", "-b", "main")
    commit(root, "Single files", tag="single")
    assert cli("build", "--root", str(root)).exit_code == 0
    (root / "seeds" / "second.md").write_text(NEW_SEED, encoding="utf-8")
    assert cli("build", "--root", str(root)).exit_code == 0
    commit(root, "Parts, and one more seed", tag="parts")

    old, new, folder = (
        snapshots.read("single", root),
        snapshots.read("parts", root),
        snapshots.read(str(root), root),
    )
    for name in DERIVED:
        assert new.tables[name].equals(folder.tables[name]), name
    assert new.tables["documents"].num_rows == old.tables["documents"].num_rows + 1
    result = cli("diff", "single", "parts", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert "documents: 1 added" in result.output, result.output


@pytest.mark.slow
def test_a_migration_killed_at_any_commit_step_leaves_old_or_new(repo: Path, tmp_path: Path):
    """Removing the single files is part of the build's one commit (core/transaction.py)."""
    assert cli("build", "--root", str(source_checkout(repo))).exit_code == 0  # dist/ and the package data
    old = state(single_files(repo))
    fresh = tmp_path / "fresh"
    shutil.copytree(repo, fresh)
    assert cli("build", "--root", str(fresh)).exit_code == 0
    new = state(fresh)
    assert "dataset/documents.csv" in old and "dataset/documents.csv" not in new
    outcomes = killed_at_each_step(repo, tmp_path, old, new, steps=60)
    assert outcomes[0] == "old" and set(outcomes[1:]) == {"new"}, outcomes
    for step in range(1, 60):
        result = cli("build", "--root", str(repo), env={FAULT: f"commit:{step}:raise"})
        if result.exit_code == 0:
            break
        assert "nothing was changed" in result.output, step
        assert state(repo) == old, f"step {step}"
    # A failure in the last step, the cleanup after every move, is left to the next run.
    assert step == len(outcomes)
    assert cli("validate", "--root", str(repo)).exit_code == 0
    assert state(repo) == new


@pytest.mark.parametrize("kind", ["link-out", "file"])
def test_a_part_folder_that_is_a_link_or_a_file_is_refused_and_nothing_is_written(
    repo: Path, tmp_path: Path, kind: str
):
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = repo / "dataset" / "documents"
    shutil.rmtree(folder)
    if kind == "link-out":
        folder.symlink_to(outside, target_is_directory=True)
    else:
        folder.write_bytes(b"not a folder")
    result = cli("build", "--root", str(repo))
    assert result.exit_code == 1
    assert "dataset/documents: error unsafe-file" in result.output, result.output
    assert list(outside.iterdir()) == []
    assert not (repo / "dist").exists()


def test_a_part_that_is_a_link_out_or_a_fifo_is_replaced_not_followed(repo: Path, tmp_path: Path):
    victim = tmp_path / "victim.csv"
    victim.write_bytes(b"keep me")
    part = repo / "dataset" / "documents" / "6b.csv"
    part.unlink()
    part.symlink_to(victim)
    fifo = repo / "dataset" / "documents" / "32.csv"
    fifo.unlink()
    os.mkfifo(fifo)
    (repo / "dataset" / "documents" / "zz.csv").symlink_to(tmp_path, target_is_directory=True)
    checked = cli("build", "--check", "--root", str(repo))  # would hang reading the FIFO
    assert checked.exit_code == 1
    assert "dataset/documents/6b.csv: error stale" in checked.output
    assert "dataset/documents/32.csv: error stale" in checked.output
    assert "dataset/documents/zz.csv: error stale" in checked.output  # a part no build writes
    assert cli("build", "--root", str(repo)).exit_code == 0
    assert victim.read_bytes() == b"keep me" and tmp_path.is_dir()
    assert dataset_files(repo) == dataset_files(REPO)


def test_a_table_with_no_rows_keeps_one_part_with_the_header(repo: Path):
    """A Data Package `path` list cannot be empty: frictionless refuses `[]`."""
    for seed in (repo / "seeds").iterdir():
        seed.unlink()
    (repo / "seeds" / "alone.md").write_text(NEW_SEED, encoding="utf-8")
    for name in ("organizations", "systems", "contracts", "evidence"):
        path = repo / "dataset" / f"{name}.csv"
        path.write_bytes(path.read_bytes().split(b"\n", 1)[0] + b"\n")
    result = cli("build", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert resource(repo, "document_links")["path"] == ["dataset/document_links/00.csv"]
    assert list((repo / "dataset" / "document_links").iterdir()) == [repo / "dataset/document_links/00.csv"]
    assert (repo / "dataset" / "document_links" / "00.csv").read_bytes().count(b"\r\n") == 1
    done = frictionless(repo)
    assert done.returncode == 0, done.stdout


def seed_in_part(part: str, skip: int = 0) -> str:
    """A seed whose document falls in `part` (its id from its URL), the skip-th such."""
    found = (
        n
        for n in range(100_000)
        if shard(document_id(article_key(f"https://example.org/a-{n}") or "")) == part
    )
    for _ in range(skip):
        next(found)
    return f"---\ntitle: Article {part} {skip}\nwebUrl: https://example.org/a-{next(found)}\n---\n"


def test_two_seeds_in_one_part_merge_without_conflict_and_build_again(tmp_path: Path):
    root = copy_repo(tmp_path / "repo")
    shutil.copyfile(REPO / ".gitattributes", root / ".gitattributes")
    (root / ".gitignore").write_text("/dist/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "The dataset as it is")
    for branch, skip in (("a", 0), ("b", 1)):
        git(root, "checkout", "-q", "-b", branch, "main")
        (root / "seeds" / f"{branch}.md").write_text(seed_in_part("6b", skip), encoding="utf-8")
        assert cli("build", "--root", str(root)).exit_code == 0
        commit(root, f"Seed {branch}")
        changed = git(root, "diff", "--name-only", "main", branch).split()
        assert changed == [
            "dataset/document_sources/6b.csv",
            "dataset/documents/6b.csv",
            f"seeds/{branch}.md",
        ], changed
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-edit", "a")
    merged = subprocess.run(
        ["git", "-C", str(root), "merge", "--no-edit", "b"],
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert merged.returncode == 0 and "CONFLICT" not in merged.stdout, merged.stdout + merged.stderr
    # The union keeps both sides' rows; the build puts them in order if the union did not.
    assert cli("build", "--root", str(root)).exit_code == 0
    assert cli("build", "--check", "--root", str(root)).exit_code == 0
    titles = {row.split(",")[1] for row in derived_text(root, "documents").splitlines()[1:]}
    assert {"Article 6b 0", "Article 6b 1"} <= titles
    assert cli("validate", "--root", str(root)).exit_code == 0


# Keys a hostile or odd row could carry: no hyphen, several, a newline, characters past ASCII.
ODD_KEYS = [
    "doc-6b2ffdc075ca2b3c",
    "doc-6",
    "doc-",
    "plain",
    "",
    "a-b-c",
    "x-\nab",
    "x-\u00e9\u20acz",
    "x-\U0001f600\U0001f600",
    "-ab",
    None,
]


def test_the_column_wise_shards_are_shard_of_each_key():
    got = shards(pa.chunked_array([ODD_KEYS], pa.string())).to_pylist()
    assert got == [shard(str(key)) if key is not None else "" for key in ODD_KEYS]


def test_a_table_splits_into_its_shards_in_sorted_order_each_in_the_tables_order():
    keys = ["doc-ff1", "doc-001", "doc-ff0", "doc-7a9", "doc-002", *ODD_KEYS]
    table = pa.table({"document_id": keys, "position": list(range(len(keys)))})
    expected: dict[str, list[int]] = {}
    for position, key in enumerate(keys):
        expected.setdefault(shard(str(key)) if key is not None else "", []).append(position)
    parts = split(table, "document_id")
    assert list(parts) == sorted(expected)
    assert {part: rows.column("position").to_pylist() for part, rows in parts.items()} == expected
    assert split(table.slice(0, 0), "document_id").keys() == {"00"}
