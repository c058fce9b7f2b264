"""Bad seeds give a finding with file and line, exit 1, and no release."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .support import cli, dataset_files, derived_text

GOOD_FRONT_MATTER = """---
title: "A fine document"
publishedDateTime: 2021-01-02T03:04:05Z
webUrl: "https://example.org/fine"
provider:
  name: Example
  domain: example.org
---
"""

BAD_SEEDS = {
    # name: (file bytes, expected code, expected line)
    "invalid-yaml": (b'---\ntitle: "ok"\nexcerpt: [unclosed\n---\n', "front-matter-invalid", 4),
    "unterminated": (b'---\ntitle: "never closed"\nexcerpt: x\n', "front-matter-unterminated", 1),
    "not-utf8": (b"Title line\nbody with a latin-1 byte: caf\xe9\n", "not-utf8", 2),
    "empty": (b"", "empty-file", None),
    "blank": (b"\n  \n", "empty-file", None),
    "no-title": (b'---\nexcerpt: "no title here"\n---\n', "missing-title", 2),
    "empty-title": (b'---\nexcerpt: "x"\ntitle: ""\n---\n', "missing-title", 3),
    "bad-date": (b'---\ntitle: "t"\npublishedDateTime: 2023-02-30T10:00:00Z\n---\n', "bad-date", 3),
    "naive-date": (b'---\ntitle: "t"\npublishedDateTime: 2023-02-03T10:00:00\n---\n', "bad-date", 3),
    "duplicate-key": (b'---\ntitle: "a"\ntitle: "b"\n---\n', "front-matter-invalid", 3),
    "alias": (b'---\ntitle: &t "a"\nexcerpt: *t\n---\n', "front-matter-invalid", 2),
    "list-front-matter": (b"---\n- a\n- b\n---\n", "front-matter-invalid", 2),
    "non-string-key": (b'---\ntitle: "a"\n2023: x\n---\n', "front-matter-invalid", 3),
    "bad-url": (b'---\ntitle: "t"\nwebUrl: "not a url"\n---\n', "bad-url", 3),
    "related-without-title": (
        b'---\ntitle: "t"\nrelated:\n  - excerpt: "x"\n    webUrl: "https://e.org/a"\n---\n',
        "related-invalid",
        4,
    ),
}


def build(repo: Path):
    return cli("build", "--root", str(repo))


@pytest.mark.parametrize("case", sorted(BAD_SEEDS))
def test_bad_seed_gives_finding_and_writes_nothing(repo: Path, case: str):
    data, code, line = BAD_SEEDS[case]
    (repo / "seeds" / f"bad-{case}.txt").write_bytes(data)
    before = dataset_files(repo)
    result = build(repo)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    where = f"seeds/bad-{case}.txt" + (f":{line}:" if line else ":")
    matching = [
        text for text in result.output.splitlines() if text.startswith(where) and f"error {code}" in text
    ]
    assert matching, result.output
    assert not (repo / "dist").exists()
    assert dataset_files(repo) == before


def test_a_seed_that_is_no_regular_file_is_a_finding(repo: Path):
    # A dangling symlink and a folder are not read: each is an unsafe-file finding naming it.
    (repo / "seeds" / "gone.txt").symlink_to(repo / "nowhere.txt")
    from faceledger.ingest.seeds import read_seed

    seed, findings = read_seed(repo / "seeds" / "gone.txt", "seeds/gone.txt", repo)
    assert seed is None and [f.code for f in findings] == ["unsafe-file"]
    assert "a symbolic link to nothing" in findings[0].message
    (repo / "seeds" / "a-folder").mkdir()
    result = build(repo)
    assert result.exit_code == 1
    assert "seeds/gone.txt: error unsafe-file" in result.output
    assert "seeds/a-folder: error unsafe-file: a folder, not a regular file" in result.output
    assert not (repo / "dist").exists()


def test_a_byte_copy_of_a_seed_is_one_document_and_said_so(repo: Path):
    before = derived_text(repo, "documents")
    original = repo / "seeds" / "000_feff060093cf589f.txt"
    (repo / "seeds" / "999_copy.txt").write_bytes(original.read_bytes())
    result = build(repo)
    assert result.exit_code == 0, result.output
    merged = [line for line in result.output.splitlines() if " info document-merged" in line]
    assert len(merged) == 1
    assert merged[0].startswith("seeds/000_feff060093cf589f.txt: info document-merged")
    assert "seeds/999_copy.txt" in merged[0]
    assert derived_text(repo, "documents") == before


def test_same_url_in_two_seeds_with_different_titles_is_a_duplicate(repo: Path):
    (repo / "seeds" / "a.md").write_text(GOOD_FRONT_MATTER, encoding="utf-8")
    (repo / "seeds" / "b.md").write_text(GOOD_FRONT_MATTER.replace("A fine", "Another"), encoding="utf-8")
    result = build(repo)
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "duplicate-document" in line]
    assert line.startswith("seeds/b.md:2: error duplicate-document [title]: seeds/b.md and seeds/a.md")


def test_byte_order_mark_is_a_warning_not_lost_front_matter(repo: Path):
    (repo / "seeds" / "bom.md").write_bytes(b"\xef\xbb\xbf" + GOOD_FRONT_MATTER.encode())
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert "seeds/bom.md:1: warning byte-order-mark" in result.output
    assert "A fine document" in derived_text(repo, "documents")


def test_related_self_and_duplicates_are_warned_not_linked(repo: Path):
    related = (
        "related:\n"
        '  - title: "Itself"\n    webUrl: "https://example.org/fine?utm_source=feed"\n'
        '  - title: "Other"\n    webUrl: "https://example.org/other"\n'
        '  - title: "Other again"\n    webUrl: "https://example.org/other#top"\n'
    )
    text = GOOD_FRONT_MATTER.removesuffix("---\n") + related + "---\n"
    (repo / "seeds" / "rel.md").write_text(text, encoding="utf-8")
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert "seeds/rel.md:9: warning related-self [related[0]]" in result.output
    assert "seeds/rel.md:13: warning related-duplicate [related[2]]" in result.output
    links = derived_text(repo, "document_links").splitlines()[1:]
    assert len(links) == 3  # two from seed 000, one (not three) from ours
    assert sum(line.endswith(",2") for line in links) == 2


def test_unreadable_sidecar_field_is_reported(repo: Path):
    sidecar = repo / "seeds" / "004_2521c0302a7bf621.txt.meta.yaml"
    sidecar.write_text(
        "publisher: 404 Media\nurl:\n  value: not-a-url\n  source: made up\n", encoding="utf-8"
    )
    result = build(repo)
    assert result.exit_code == 1
    assert "seeds/004_2521c0302a7bf621.txt.meta.yaml:1: error sidecar-unsourced [publisher]" in result.output
    assert "seeds/004_2521c0302a7bf621.txt.meta.yaml:2: error bad-value [url]" in result.output


def test_console_script_reports_without_traceback(repo: Path):
    (repo / "seeds" / "bad.txt").write_bytes(b"---\ntitle: [\n---\n")
    proc = subprocess.run(
        [sys.executable, "-m", "faceledger", "validate", "--root", str(repo)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    # PyYAML notices the unclosed "[" where the front matter ends.
    assert "seeds/bad.txt:3: error front-matter-invalid" in proc.stdout


def test_usage_error_exits_2(repo: Path):
    result = cli("build", "--no-such-option")
    assert result.exit_code == 2
