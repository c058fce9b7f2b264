"""Nothing silently dropped or changed: every value not published as given is a finding (issue 3, 6)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from .support import cli, derived_rows, derived_text

HEAD = '---\ntitle: "A fine document"\npublishedDateTime: 2021-01-02T03:04:05Z\nwebUrl: "https://example.org/{name}"\n'


def seed(repo: Path, name: str, extra: str = "", title: str = "A fine document") -> Path:
    path = repo / "seeds" / f"{name}.md"
    body = HEAD.format(name=name).replace("A fine document", title.replace('"', '\\"'))
    path.write_text(body + extra + "---\nBody text.\n", encoding="utf-8")
    return path


def build(repo: Path, env: dict[str, str | None] | None = None):
    return cli("build", "--root", str(repo), env=env)


def lines_with(output: str, code: str) -> list[str]:
    return [line for line in output.splitlines() if f" {code}" in line]


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ("provider:\n  name: [1]\n  domain: example.org\n", "bad-value", "provider"),
        ("provider:\n  name: Example\n  domain: 42\n", "bad-value", "provider"),
        ('provider:\n  name: Example\n  domain: "\\e[31m<script>x</script>"\n', "bad-value", "provider"),
        (
            'related:\n  - title: "Other"\n    excerpt: [1, 2]\n    webUrl: "https://e.org/o"\n',
            "bad-value",
            "related[0].excerpt",
        ),
    ],
)
def test_wrong_types_and_bad_domains_are_errors(repo: Path, extra: str, code: str, field: str):
    seed(repo, "typed", extra)
    result = build(repo)
    assert result.exit_code == 1, result.output
    assert any(f"[{field}]" in line for line in lines_with(result.output, code)), result.output


def test_blank_topics_are_reported(repo: Path):
    seed(repo, "topics", 'topics: ["Police", "  ", ""]\n')
    result = build(repo)
    assert result.exit_code == 0, result.output
    found = lines_with(result.output, "blank-value")
    assert any("topics[1] is blank" in line for line in found), result.output
    assert any("topics[2] is blank" in line for line in found), result.output


def test_sidecar_beside_front_matter_is_an_error(repo: Path):
    path = seed(repo, "sided")
    Path(str(path) + ".meta.yaml").write_text(
        "url:\n  value: https://e.org/x\n  source: me\n", encoding="utf-8"
    )
    result = build(repo)
    assert result.exit_code == 1
    assert any("seeds/sided.md.meta.yaml" in line for line in lines_with(result.output, "sidecar-ignored"))


def test_hidden_characters_are_removed_and_named(repo: Path):
    seed(repo, "hidden", title="Police\\u202e buy\\u200b cameras\\a now\\u2028again")  # YAML escapes
    result = build(repo)
    assert result.exit_code == 0, result.output
    (line,) = [line for line in lines_with(result.output, "hidden-character") if "hidden.md" in line]
    for named in ("U+202E", "U+200B", "U+0007", "U+2028"):
        assert named in line
    rows = derived_rows(repo, "documents")
    assert "Police buy cameras now again" in {r["title"] for r in rows}


def test_formula_title_is_a_warning_and_no_release_cell_runs(repo: Path):
    title = '=HYPERLINK("http://x","y")'
    seed(repo, "formula", title=title, extra='topics: ["@home"]\n')
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert any("formula.md" in line for line in lines_with(result.output, "formula-like-text"))
    release = repo / "dist" / "faceledger-0.1.0"
    cells = [
        c for p in sorted(release.rglob("*.csv")) for row in csv.reader(p.open(encoding="utf-8")) for c in row
    ]
    assert "'" + title in cells
    assert not [
        c
        for c in cells
        if c.startswith(("=", "+", "@", "\t", "\r")) or c.startswith("-") and not c.startswith("--")
    ]
    # Parquet and JSON hold the title as it is.
    docs = [
        json.loads(line)
        for line in (release / "json" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert title in {d["title"] for d in docs}


def test_formula_and_hidden_characters_in_curated_cells_are_errors(repo: Path):
    path = repo / "dataset" / "organizations.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("NEC Corporation", "@NEC Corporation").replace("Trust Stamp", "Trust\u200dStamp"),
        encoding="utf-8",
    )
    result = build(repo)
    assert result.exit_code == 1
    assert any("[name]" in line for line in lines_with(result.output, "error formula-like-text"))
    assert any("U+200D" in line for line in lines_with(result.output, "error hidden-character"))


def test_future_seed_date_is_an_error(repo: Path):
    seed(repo, "future", extra="").write_text(
        HEAD.format(name="future").replace("2021-01-02", "2099-01-02") + "---\nx\n", encoding="utf-8"
    )
    result = build(repo, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.exit_code == 1
    assert any("future.md:3" in line for line in lines_with(result.output, "future-date")), result.output


def test_year_999_is_a_warning_written_with_four_digits(repo: Path):
    (repo / "seeds" / "old.md").write_text(
        HEAD.format(name="old").replace("2021-01-02T03:04:05Z", "0999-06-01T00:00:00Z") + "---\nx\n",
        encoding="utf-8",
    )
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert any("old.md:3" in line for line in lines_with(result.output, "old-date")), result.output
    release = repo / "dist" / "faceledger-0.1.0"
    assert "0999-06-01T00:00:00Z" in (release / "csv" / "documents.csv").read_text(encoding="utf-8")
    assert "0999-06-01T00:00:00Z" in (release / "json" / "documents.jsonl").read_text(encoding="utf-8")
    assert "0999-06-01T00:00:00Z" in derived_text(repo, "documents")
    assert cli("validate", "--root", str(repo)).exit_code == 0
    # The project's own diff reads the year back, from the release folder and from the repository.
    compared = cli("diff", str(release), str(repo), "--root", str(repo))
    assert compared.exit_code == 0, compared.output


def test_a_file_name_cannot_forge_finding_lines(repo: Path):
    name = "x.txt\nforged.txt:1: error fake-code: forged"
    (repo / "seeds" / name).write_bytes(b"")
    result = build(repo)
    assert result.exit_code == 1
    assert not [line for line in result.output.splitlines() if line.startswith("forged.txt")]
    assert any("x.txt\\nforged.txt" in line for line in lines_with(result.output, "empty-file"))


def test_person_like_organization_name_is_a_warning_until_reviewed(repo: Path):
    path = repo / "dataset" / "organizations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("NEC Corporation", "Jane Doe"), encoding="utf-8")
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert lines_with(result.output, "person-like-name"), result.output
    (repo / "dataset" / "reviewed-organizations.txt").write_text("org-nec\n", encoding="utf-8")
    assert not lines_with(build(repo).output, "person-like-name")
