"""A published id never moves silently: a lost id's evident successor, the tombstone to add, and
references to a renamed id told the one to cite. On clones of a repository with real releases."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from faceledger.ingest.identity import article_key, document_id

from .support import History, cli, commit, derived_rows, released, replace

PLAIN_TEXT_SEED = "seeds/004_2521c0302a7bf621.txt"
SIDECAR = PLAIN_TEXT_SEED + ".meta.yaml"
URL = "https://www.404media.co/ice-spends-millions-on-clearview-ai-facial-recognition-to-find-people-assaulting-officers/"
EVIDENCE = "dataset/evidence.csv"
TOMBSTONES = "dataset/tombstones.csv"


def rows(root: Path, rel: str) -> list[dict[str, str]]:
    with (root / rel).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def id_of(root: Path, seed_path: str) -> str:
    return next(r["document_id"] for r in derived_rows(root, "documents") if r["seed_path"] == seed_path)


def build(root: Path):
    return cli("build", "--root", str(root))


def lines_with(output: str, code: str) -> list[str]:
    """The findings printed with this code."""
    pattern = re.compile(rf": (error|warning|info) {re.escape(code)}[ :]")
    return [line for line in output.splitlines() if pattern.search(line)]


def errors_in(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.search(r": error [a-z-]+[ :]", line)]


def cite(root: Path, old: str, new: str, keep: int = 0) -> None:
    """Point the evidence at `new` instead of `old`, leaving the first `keep` rows citing `old`."""
    path = root / EVIDENCE
    lines = path.read_text(encoding="utf-8").split("\n")
    seen = 0
    for index, line in enumerate(lines):
        if f",{old}," in line:
            seen += 1
            if seen > keep:
                lines[index] = line.replace(f",{old},", f",{new},")
    path.write_text("\n".join(lines), encoding="utf-8")


def test_a_plain_text_seed_that_gains_a_url_is_renamed_and_never_silently(two: History, tmp_path: Path):
    root = two.copy(tmp_path / "repo")
    old = id_of(root, PLAIN_TEXT_SEED)
    cited = [r["evidence_id"] for r in rows(root, EVIDENCE) if r["document_id"] == old]
    assert len(cited) > 10
    with (root / SIDECAR).open("a", encoding="utf-8") as sidecar:
        sidecar.write(f"url:\n  value: {URL}\n  source: The article's address at 404 Media.\n")
    new = document_id(article_key(URL) or "")
    tombstone = f"documents,{old},renamed,{new},0.1.1,The id changed: {new} is the same row (same content_sha256 and seed_path)."

    # The key is the URL now: every reference to the old id is told the new one, and the build
    # names the tombstone to add.
    first = build(root)
    assert first.exit_code == 1
    renamed = lines_with(first.output, "renamed-id")
    assert len(renamed) == len(cited) == len(errors_in(first.output))
    for line in renamed:
        assert line.startswith(f"{EVIDENCE}:") and line.endswith(
            f": error renamed-id [document_id]: {old}, published in 0.1.1, is now {new} (the same "
            f"content_sha256 and seed_path): cite {new}, and retire {old} with the tombstone the "
            "removed-without-tombstone finding gives"
        )
    [missing] = lines_with(first.output, "removed-without-tombstone")
    assert missing.startswith(
        f"dataset/documents: warning removed-without-tombstone: {old}, published in 0.1.1, is gone "
        f"without a tombstone; {new} is evidently the same row (the same content_sha256 and seed_path: "
    )
    assert missing.endswith(f", seeds/004_2521c0302a7bf621.txt): add this line to {TOMBSTONES}: {tombstone}")
    assert "foreign-key" not in first.output and "no publication date" not in first.output

    # The evidence follows; the build warns, and diff refuses, until the tombstone is there.
    cite(root, old, new)
    second = build(root)
    assert second.exit_code == 0, second.output
    [missing] = lines_with(second.output, "removed-without-tombstone")
    assert missing.startswith("dataset/documents: warning removed-without-tombstone: ")
    assert missing.endswith(f"add this line to {TOMBSTONES}: {tombstone}")
    refused = cli("diff", "--root", str(root))
    assert refused.exit_code == 1
    assert f"error removed-without-tombstone: {old}, published in 0.1.1, is gone" in refused.output

    # With the line added as given, diff reports a rename.
    with (root / TOMBSTONES).open("a", encoding="utf-8", newline="") as stones:
        stones.write(tombstone + "\r\n")
    assert build(root).exit_code == 0
    diffed = cli("diff", "--root", str(root))
    assert diffed.exit_code == 0, diffed.output
    assert f"> {old} -> {new}  url" in diffed.output

    # Evidence that still cites the old id gets one finding naming the id to use.
    cite(root, new, old, keep=0)
    cite(root, old, new, keep=1)
    third = build(root)
    assert third.exit_code == 1
    [line] = errors_in(third.output)
    assert line.endswith(
        f"error renamed-id [document_id]: {old} was renamed to {new} ({TOMBSTONES}): cite {new}"
    )


def test_correcting_a_released_seed_changes_its_hash_not_its_id(two: History, tmp_path: Path):
    root = two.copy(tmp_path / "repo")
    seed = "seeds/000_feff060093cf589f.txt"
    before = id_of(root, seed)
    replace(root, seed, "Trust Stampâ€™s", "Trust Stamp’s")
    assert build(root).exit_code == 0
    assert id_of(root, seed) == before
    diffed = cli("diff", "--root", str(root))
    assert diffed.exit_code == 0, diffed.output
    assert f"~ {before}  content_sha256" in diffed.output
    assert "documents: 1 modified" in diffed.output


def test_a_metadata_only_document_that_gains_its_full_text_names_its_successor(two: History, tmp_path: Path):
    root = two.copy(tmp_path / "repo")
    # A roundup lists an article by title and time only: the related document is keyed by them.
    (root / "seeds" / "roundup.md").write_text(
        '---\ntitle: "A roundup"\npublishedDateTime: 2021-10-01T00:00:00Z\nwebUrl: "https://example.org/roundup"\n'
        'related:\n  - title: "Face search at the border"\n    publishedDateTime: 2021-09-30T12:00:00Z\n---\n',
        encoding="utf-8",
    )
    assert build(root).exit_code == 0
    commit(root, "A roundup")
    released(root, "patch", tmp_path / "dist")
    titled = document_id("Face search at the border\n2021-09-30 12:00:00+00:00")
    assert titled in {r["document_id"] for r in derived_rows(root, "documents")}

    # Its full text arrives with a URL: the URL is its key now, and the build names the tombstone.
    (root / "seeds" / "border.md").write_text(
        '---\ntitle: "Face search at the border"\npublishedDateTime: 2021-09-30T12:00:00Z\n'
        'webUrl: "https://example.org/border"\n---\nThe full text.\n',
        encoding="utf-8",
    )
    result = build(root)
    assert result.exit_code == 0, result.output
    full = document_id("example.org/border")
    [missing] = lines_with(result.output, "removed-without-tombstone")
    assert (
        f"{titled}, published in 0.1.2, is gone without a tombstone; {full} is evidently the same row"
        in missing
    )
    assert "(the same title and published_at: Face search at the border, 2021-09-30T12:00:00Z)" in missing
    assert missing.endswith(
        f"documents,{titled},renamed,{full},0.1.2,The id changed: {full} is the same row (same title and published_at)."
    )
    assert len(lines_with(result.output, "document-merged")) == 1


def test_successors_follow_the_schema_not_the_resource(two: History, tmp_path: Path):
    # organizations.name carries x-faceledger-identity: a renamed organization id is found by its name.
    root = two.copy(tmp_path / "repo")
    for rel in ("dataset/organizations.csv", "dataset/systems.csv", "dataset/contracts.csv", EVIDENCE):
        path = root / rel
        path.write_text(
            path.read_text(encoding="utf-8").replace("org-nec", "org-nec-corporation"), encoding="utf-8"
        )
    result = build(root)
    assert result.exit_code == 0, result.output
    [missing] = lines_with(result.output, "removed-without-tombstone")
    assert (
        "org-nec, published in 0.1.1, is gone without a tombstone; org-nec-corporation is evidently"
        in missing
    )
    assert "(the same name: NEC Corporation)" in missing
    assert missing.endswith(
        "organizations,org-nec,renamed,org-nec-corporation,0.1.1,"
        "The id changed: org-nec-corporation is the same row (same name)."
    )


def test_an_id_with_no_evident_successor_is_listed_as_before(two: History, tmp_path: Path):
    root = two.copy(tmp_path / "repo")
    (root / PLAIN_TEXT_SEED).rename(root / "seeds" / "renamed.txt")
    (root / SIDECAR).rename(root / "seeds" / "renamed.txt.meta.yaml")
    # Renamed and edited: neither its file name nor its bytes say it is the same document.
    replace(root, "seeds/renamed.txt", "the agencys officers", "the agency's officers")
    old = id_of(root, PLAIN_TEXT_SEED)
    cite(root, old, document_id("seed:renamed.txt"))
    result = build(root)
    assert result.exit_code == 0, result.output
    [missing] = lines_with(result.output, "removed-without-tombstone")
    assert f"1 documents id(s) published in 0.1.1 are gone without a tombstone ({old})" in missing


def test_an_identity_marker_names_its_identity(repo: Path):
    rel = "schema/documents.json"
    schema = json.loads((repo / rel).read_text(encoding="utf-8"))
    next(spec for spec in schema["fields"] if spec["name"] == "url")["x-faceledger-identity"] = True
    (repo / rel).write_text(json.dumps(schema, indent=2), encoding="utf-8")
    result = build(repo)
    assert result.exit_code == 1
    assert (
        f"{rel}: error invalid-schema [url]: x-faceledger-identity names the identity the field is part of"
        in result.output
    )
