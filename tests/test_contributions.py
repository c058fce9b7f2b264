"""Contributions made as CONTRIBUTING.md says: they validate before any build, and generated files stay out of their way."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from faceledger.core.files import dump_json

from .support import GIT_ENV, REPO, cli, commit, copy_repo, dataset_files, derived_text, git

# Two organizations and the evidence naming them, each valid on its own (the quotes are in seeds/).
ORGANIZATION_A = "org-ben-gurion-university,Ben-Gurion University,university,IL,,,https://www.bgu.ac.il/"
EVIDENCE_A = (
    "ev-ben-gurion-university-researchers,doc-f282ef1d30892ca7,org-ben-gurion-university,,,,"
    "Researchers at Israel's Ben-Gurion University trained AI software"
)
ORGANIZATION_B = (
    "org-border-patrol,U.S. Border Patrol,government-agency,US,,border patrol,https://www.cbp.gov/"
)
EVIDENCE_B = (
    "ev-border-patrol-agents,doc-32821b28e9779e12,org-border-patrol,,,,"
    "initially charged with assaulting border patrol agents before authorities dropped those charges"
)


def add_row(root: Path, rel: str, line: str) -> None:
    """Insert `line` where its id sorts, as a contributor adding a fact does (ids contain no commas)."""
    path = root / rel
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    rows = sorted([*rows, line], key=lambda row: row.split(",", 1)[0])
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def contribute(root: Path, organization: str, evidence: str) -> None:
    add_row(root, "dataset/organizations.csv", organization)
    add_row(root, "dataset/evidence.csv", evidence)


def files(root: Path) -> dict[str, bytes]:
    """The repository's files, but the seed cache (git-ignored, and only ever a copy of what seeds give)."""
    return {
        rel: p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not (rel := p.relative_to(root).as_posix()).startswith(".faceledger-cache/")
    }


def edit_descriptor(root: Path, change) -> None:
    path = root / "datapackage.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_bytes(dump_json(data))


def test_a_contribution_made_as_documented_validates_before_any_build(repo: Path):
    contribute(repo, ORGANIZATION_A, EVIDENCE_A)
    edited = files(repo)
    result = cli("validate", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert " error " not in result.output
    assert "stale" not in result.output and "frictionless" not in result.output
    # Not even a warning on the edited files.
    assert "dataset/organizations.csv" not in result.output and "dataset/evidence.csv" not in result.output
    assert files(repo) == edited  # validate writes nothing
    # Nothing generated depends on the curated rows: there is nothing to build and commit.
    assert cli("build", "--check", "--root", str(repo)).exit_code == 0


def test_the_committed_descriptor_records_no_bytes_or_hashes_and_the_releases_do(built: Path):
    committed = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert [r for r in committed["resources"] if "bytes" in r or "hash" in r] == []
    for fmt in ("csv", "parquet", "json"):
        released = json.loads((built / fmt / "datapackage.json").read_text(encoding="utf-8"))
        size = "x-faceledger-bytes" if fmt == "parquet" else "bytes"
        for r in released["resources"]:
            assert r[size] == (built / fmt / r["path"]).stat().st_size and r["hash"].startswith("sha256:"), (
                fmt
            )


def test_a_descriptor_recording_checksums_is_warned_of_and_build_removes_them(repo: Path):
    def record(data: dict) -> None:
        organizations = next(r for r in data["resources"] if r["name"] == "organizations")
        organizations.update(bytes=1091, hash="sha256:" + "0" * 64)

    edit_descriptor(repo, record)
    text = (repo / "datapackage.json").read_text(encoding="utf-8")
    line = text[: re.search(r'"bytes"', text).start()].count("\n") + 1

    result = cli("validate", "--root", str(repo))
    assert result.exit_code == 0, result.output
    expected = (
        f"datapackage.json:{line}: warning descriptor-checksums: records bytes or hash of organizations"
    )
    assert expected in result.output
    # One finding for one problem: no stale descriptor besides, and frictionless does not count bytes.
    assert "stale" not in result.output and "frictionless" not in result.output

    checked = cli("build", "--check", "--root", str(repo))
    assert checked.exit_code == 1
    assert "datapackage.json: error stale" in checked.output

    assert cli("build", "--root", str(repo)).exit_code == 0
    assert (repo / "datapackage.json").read_bytes() == (REPO / "datapackage.json").read_bytes()
    assert "descriptor-checksums" not in cli("validate", "--root", str(repo)).output


def test_a_stale_generated_file_is_a_warning_and_frictionless_reads_it_as_the_build_will(repo: Path):
    stale = repo / "dataset" / "documents" / "6b.csv"
    stale.write_bytes(b"not,the,header\r\n1,2\r\n")  # frictionless would refuse this file as it is
    before = files(repo)
    result = cli("validate", "--frictionless", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert "dataset/documents/6b.csv: warning stale" in result.output
    assert "`faceledger build` refreshes it" in result.output
    assert "frictionless" not in result.output
    assert files(repo) == before  # the repository is never written, not even the stale file

    checked = cli("build", "--check", "--root", str(repo))
    assert checked.exit_code == 1
    assert "dataset/documents/6b.csv: error stale" in checked.output


def test_frictionless_still_checks_the_planned_package_when_a_file_is_stale(repo: Path):
    (repo / "dataset" / "documents" / "6b.csv").write_bytes(b"")
    edit_descriptor(repo, lambda d: d.update(licenses=[{"title": 5}]))  # our reader ignores licences
    result = cli("validate", "--frictionless", "--root", str(repo))
    assert result.exit_code == 1
    assert "dataset/documents/6b.csv: warning stale" in result.output
    assert "datapackage.json: error frictionless-package-error" in result.output


def test_derived_files_are_committed_with_rows_in_primary_key_order():
    """So that two contributions adding documents add lines in different places."""
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    for name in ("documents", "document_links"):
        resource = next(r for r in descriptor["resources"] if r["name"] == name)
        schema = json.loads((REPO / resource["schema"]).read_text(encoding="utf-8"))
        assert resource["path"] == sorted(resource["path"])
        lines = derived_text(REPO, name).splitlines()
        header = lines[0].split(",")
        width = [header.index(k) for k in schema["primaryKey"]]
        keys = [tuple(line.split(",")[i] for i in width) for line in lines[1:]]
        assert keys == sorted(keys) and len(keys) > 1, name


# Two contributions meeting in git ----------------------------------------------------------------


def repository(root: Path) -> Path:
    """A git repository holding a copy of this one, with its .gitattributes, on branch main."""
    copy_repo(root)
    shutil.copyfile(REPO / ".gitattributes", root / ".gitattributes")
    (root / ".gitignore").write_text("/dist/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "The dataset as it is")
    return root


def contribution(root: Path, branch: str, change) -> None:
    """On a new branch from main: make `change`, then run what CONTRIBUTING.md says, and commit."""
    git(root, "checkout", "-q", "-b", branch, "main")
    change(root)
    for command in (["fmt"], ["validate"], ["build"]):
        result = cli(*command, "--root", str(root))
        assert result.exit_code == 0, f"{branch}: faceledger {command[0]}:\n{result.output}"
    commit(root, f"Contribution {branch}")


def merge(root: Path, *branches: str) -> subprocess.CompletedProcess:
    git(root, "checkout", "-q", "main")
    for branch in branches[:-1]:
        git(root, "merge", "-q", "--no-edit", branch)
    return subprocess.run(
        ["git", "-C", str(root), "merge", "--no-edit", branches[-1]],
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )


def markers(root: Path) -> list[str]:
    return [
        rel
        for rel, data in files(root).items()
        if not rel.startswith(".git/") and re.search(rb"^(<<<<<<<|>>>>>>>)( |$)", data, re.M)
    ]


def test_two_contributions_next_to_each_other_merge_without_conflict_and_validate(tmp_path: Path):
    root = repository(tmp_path / "repo")
    # Both organizations sort before org-clearview-ai and both evidence rows before
    # ev-clearview-ai-database: each branch adds its lines at the same place in each file.
    contribution(root, "a", lambda r: contribute(r, ORGANIZATION_A, EVIDENCE_A))
    contribution(root, "b", lambda r: contribute(r, ORGANIZATION_B, EVIDENCE_B))
    # The build wrote nothing to commit: each branch changes only the two files it edited.
    for branch in ("a", "b"):
        assert git(root, "diff", "--name-only", "main", branch).split() == [
            "dataset/evidence.csv",
            "dataset/organizations.csv",
        ]

    merged = merge(root, "a", "b")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "CONFLICT" not in merged.stdout
    assert markers(root) == []
    for rel, lines in (
        ("dataset/organizations.csv", (ORGANIZATION_A, ORGANIZATION_B)),
        ("dataset/evidence.csv", (EVIDENCE_A, EVIDENCE_B)),
    ):
        text = (root / rel).read_text(encoding="utf-8").splitlines()
        assert all(line in text for line in lines), rel
    result = cli("validate", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert " error " not in result.output


def test_without_the_union_driver_the_same_merge_conflicts(tmp_path: Path):
    """The test above passes because of .gitattributes, not because git merges these lines anyway."""
    root = repository(tmp_path / "repo")
    (root / ".git" / "info" / "attributes").write_text("dataset/*.csv merge=text\n", encoding="utf-8")
    contribution(root, "a", lambda r: contribute(r, ORGANIZATION_A, EVIDENCE_A))
    contribution(root, "b", lambda r: contribute(r, ORGANIZATION_B, EVIDENCE_B))
    merged = merge(root, "a", "b")
    assert merged.returncode != 0
    assert "CONFLICT (content): Merge conflict in dataset/organizations.csv" in merged.stdout


def test_a_row_both_contributions_changed_appears_twice_and_validate_says_so(tmp_path: Path):
    root = repository(tmp_path / "repo")
    row = "org-nec,NEC Corporation,vendor,JP,,NEC,https://www.nec.com/"

    def renamed(name: str):
        def change(r: Path) -> None:
            path = r / "dataset" / "organizations.csv"
            path.write_text(
                path.read_text(encoding="utf-8").replace(row, row.replace("NEC Corporation", name))
            )

        return change

    contribution(root, "c", renamed("NEC Corp."))
    contribution(root, "d", renamed("NEC Corporation Ltd"))
    merged = merge(root, "c", "d")
    assert merged.returncode == 0, merged.stdout + merged.stderr  # union never stops: validate must catch it
    assert markers(root) == []
    lines = (root / "dataset" / "organizations.csv").read_text(encoding="utf-8").splitlines()
    twice = [number for number, line in enumerate(lines, 1) if line.startswith("org-nec,")]
    assert len(twice) == 2
    result = cli("validate", "--root", str(root))
    assert result.exit_code == 1
    assert f"dataset/organizations.csv:{twice[1]}: error duplicate-key" in result.output


def test_correcting_a_seeds_bytes_validates_without_editing_dataset(repo: Path):
    seed = repo / "seeds" / "000_feff060093cf589f.txt"
    raw = seed.read_text(encoding="utf-8")
    assert "Trust Stampâ€™s" in raw
    seed.write_text(raw.replace("Trust Stampâ€™s", "Trust Stamp’s"), encoding="utf-8")
    before = dataset_files(repo)
    result = cli("validate", "--root", str(repo), "--format", "json")
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)
    assert not [f for f in findings if f["severity"] == "error"]
    # documents records the seed's hash, so its part is stale (only that one), which validate only warns of.
    assert {f["path"] for f in findings if f["code"] == "stale"} == {"dataset/documents/6b.csv"}
    assert dataset_files(repo) == before
