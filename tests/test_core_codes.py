"""The finding-code catalogue names every code the source emits, and no other; the docs are generated from it."""

from __future__ import annotations

import ast
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from faceledger.core.codes import CODES, FAMILY, TOPICS, lookup
from faceledger.publish import codes_doc

from .codes_scan import Unresolved, emitted, package_sources
from .support import REPO, cli

# Diff.problems are the findings of these modules (compare/rows.py `compare`); `faceledger build`
# reports them as warnings, `diff` and `release` as the errors they are made as.
DIFF_PROBLEMS = ("faceledger/compare/rows.py", "faceledger/compare/renames.py")


@pytest.fixture(scope="module")
def source() -> dict[str, set[str]]:
    """Each code the package can emit, with the severities it is made with."""
    found: dict[str, set[str]] = defaultdict(set)
    for finding in emitted():
        found[finding.code].add(finding.severity)
    return found


# The scan -------------------------------------------------------------------------------------------


def test_every_finding_call_in_the_package_gives_its_codes():
    calls = set()
    for rel, text in package_sources().items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding":
                calls.add(f"{rel}:{node.lineno}")
    assert len(calls) > 100
    assert {finding.at for finding in emitted()} == calls


def test_the_scan_follows_helpers_variables_returned_tuples_and_f_strings():
    found = {(f.code, f.severity, f.at.split(":")[0]) for f in emitted()}
    # bad(key, message, code, severity), a helper nested in a function and handed on as an argument.
    assert ("unknown-key", "warning", "faceledger/ingest/documents.py") in found
    assert ("bad-url", "error", "faceledger/ingest/documents.py") in found
    # _refuse(code, message): the codes of `faceledger release`.
    assert ("nothing-to-release", "error", "faceledger/release.py") in found
    # for code, message, field in _tombstone_problems(...)
    assert ("redirect-cycle", "error", "faceledger/checks/ids.py") in found
    # f"tombstone-{verb}" with verb = "dropped" if ... else "changed"
    assert {("tombstone-dropped", "error"), ("tombstone-changed", "error")} <= {
        (code, severity) for code, severity, rel in found if rel == "faceledger/compare/renames.py"
    }
    # f"frictionless-{error.type}": the family.
    assert ("frictionless-*", "error", "faceledger/validate.py") in found


def test_the_scan_pairs_each_helper_call_with_its_own_severity():
    helper = """
def _each(report):
    report("handed-on")

def check():
    def bad(code="plain", severity="error"):
        return Finding("p", 1, code, "m", severity=severity)
    bad("loud", "warning")
    _each(bad)
    return bad()
"""
    found = {(f.code, f.severity) for f in emitted({"m.py": helper})}
    assert found == {("loud", "warning"), ("handed-on", "error"), ("plain", "error")}


@pytest.mark.parametrize(
    "text",
    [
        'Finding("p", 1, make_code(), "m")',
        'Finding("p", 1, f"kind-{kind}", "m")',
        'Finding("p", 1, "a-" + kind, "m")',
        'Finding(*where, "m")',
        'Finding("p", 1, **rest)',
        'Finding("p", 1, "fine", "m", severity=level())',
        'make = Finding\nmake("p", 1, "hidden", "m")',
        'def _helper(code):\n    return Finding("p", 1, code, "m")\nHELPERS = {"a": _helper}',
        'def _helper(code):\n    return Finding("p", 1, code, "m")',
        'def _helper(code):\n    return Finding("p", 1, code, "m")\n_helper(*codes)',
        'for code in load():\n    Finding("p", 1, code, "m")',
    ],
    ids=[
        "call",
        "unbound-name",
        "concatenation",
        "starred-unknown-width",
        "double-star",
        "severity-call",
        "alias",
        "helper-as-value",
        "helper-never-called",
        "starred-helper-call",
        "loop-over-unknown",
    ],
)
def test_the_scan_fails_on_a_code_it_cannot_follow(text: str):
    with pytest.raises(Unresolved):
        emitted({"m.py": text})


# The catalogue --------------------------------------------------------------------------------------


def test_every_code_the_source_emits_is_catalogued(source: dict[str, set[str]]):
    assert [code for code in source if lookup(code) is None] == []
    # A family covers only the codes it is written for, never a literal someone forgot.
    assert {code for code in source if code.endswith(FAMILY)} == {
        c.code for c in CODES if c.code.endswith(FAMILY)
    }


def test_every_catalogued_code_is_emitted(source: dict[str, set[str]]):
    assert [entry.code for entry in CODES if entry.code not in source] == []


def test_the_catalogue_gives_the_severities_the_source_uses(source: dict[str, set[str]]):
    downgraded = {f.code for f in emitted() if f.at.split(":")[0] in DIFF_PROBLEMS}
    expected = {
        code: levels | ({"warning"} if code in downgraded else set()) for code, levels in source.items()
    }
    assert {entry.code: set(entry.severity) for entry in CODES} == expected


def test_build_reports_the_diff_problems_as_warnings():
    tree = ast.parse((REPO / "faceledger" / "build.py").read_text(encoding="utf-8"))
    downgrades = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ListComp)
        and isinstance(node.elt, ast.Call)
        and any(
            k.arg == "severity" and getattr(k.value, "value", None) == "warning" for k in node.elt.keywords
        )
        and ast.unparse(node.generators[0].iter).endswith(".problems")
    ]
    assert len(downgrades) == 1


def test_the_catalogue_is_well_formed():
    codes = [entry.code for entry in CODES]
    assert len(codes) == len(set(codes))
    for entry in CODES:
        assert entry.topics and set(entry.topics) <= set(TOPICS), entry.code
        assert len(entry.topics) == len(set(entry.topics)), entry.code
        assert entry.severity in (("error",), ("warning",), ("info",), ("error", "warning")), entry.code
        assert entry.meaning and "\n" not in entry.meaning and not entry.meaning.endswith("."), entry.code
        assert entry.code == entry.code.lower() and " " not in entry.code
    assert lookup("frictionless-type-error").code == "frictionless-*"
    assert lookup("stale").code == "stale"
    assert lookup("no-such-code") is None
    assert all(any(topic in entry.topics for entry in CODES) for topic in TOPICS)


# The generated docs ---------------------------------------------------------------------------------


def region(text: str) -> str:
    start, end = text.index(codes_doc.START), text.index(codes_doc.END)
    assert start < end
    return text[start:end]


def test_the_committed_docs_name_every_code_between_their_markers():
    readme = region((REPO / codes_doc.README).read_text(encoding="utf-8"))
    facts = region((REPO / codes_doc.FACTS).read_text(encoding="utf-8"))
    for entry in CODES:
        assert f"`{entry.code}`" in readme, entry.code
        if "facts" in entry.topics:
            assert f"| `{entry.code}` | {' or '.join(entry.severity)} |" in facts, entry.code
        else:
            assert f"| `{entry.code}` | {' or '.join(entry.severity)} |" in readme, entry.code


def test_build_check_reports_a_stale_facts_table_and_build_rewrites_only_the_table(repo: Path):
    page = repo / codes_doc.FACTS
    committed = page.read_text(encoding="utf-8")
    row = next(line for line in committed.splitlines() if line.startswith("| `private-person` |"))
    prose = "Each problem is a finding with a code"
    edited = committed.replace(row + "\n", "").replace(prose, "Every problem is a finding with a code")
    page.write_text(edited, encoding="utf-8")

    checked = cli("build", "--check", "--root", str(repo))
    assert checked.exit_code == 1
    assert "docs/facts.md: error stale" in checked.output
    assert page.read_text(encoding="utf-8") == edited

    built = cli("build", "--root", str(repo))
    assert built.exit_code == 0, built.output
    assert "updated docs/facts.md" in built.output
    # The table is back; the hand-written sentence outside the markers keeps its edit.
    assert page.read_text(encoding="utf-8") == committed.replace(
        prose, "Every problem is a finding with a code"
    )
    assert cli("build", "--check", "--root", str(repo)).exit_code == 0


def test_validate_warns_of_a_stale_facts_table_and_leaves_it(repo: Path):
    # A contributor need not build: validate warns, `build --check` (maintainers, releases) refuses.
    page = repo / codes_doc.FACTS
    edited = page.read_text(encoding="utf-8").replace("| error |", "| warning |", 1)
    page.write_text(edited, encoding="utf-8")
    result = cli("validate", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert "docs/facts.md: warning stale" in result.output
    assert "`faceledger build` refreshes it" in result.output
    assert page.read_text(encoding="utf-8") == edited


def test_build_check_reports_a_stale_readme_table_and_build_rewrites_only_the_table(repo: Path):
    # A test repository carries no README (core/package.py REPOSITORY_PARTS): give it this one.
    page = repo / codes_doc.README
    shutil.copyfile(REPO / codes_doc.README, page)
    committed = page.read_text(encoding="utf-8")
    start = committed.index(codes_doc.START) + len(codes_doc.START)
    end = committed.index(codes_doc.END)
    edited = (committed[:start] + "\n| `stale` | a hand-edited table |\n" + committed[end:]).replace(
        "## Licences", "## Licenses"
    )
    page.write_text(edited, encoding="utf-8")

    checked = cli("build", "--check", "--root", str(repo))
    assert checked.exit_code == 1
    assert "README.md: error stale" in checked.output
    assert "docs/facts.md" not in checked.output

    assert cli("build", "--root", str(repo)).exit_code == 0
    assert page.read_text(encoding="utf-8") == committed.replace("## Licences", "## Licenses")
    assert cli("build", "--check", "--root", str(repo)).exit_code == 0


def test_a_repository_without_a_readme_gets_none(repo: Path):
    assert not (repo / codes_doc.README).exists()
    assert cli("build", "--root", str(repo)).exit_code == 0
    assert not (repo / codes_doc.README).exists()


def test_a_page_without_markers_is_left_as_written(repo: Path):
    page = repo / codes_doc.FACTS
    text = page.read_text(encoding="utf-8").replace(codes_doc.START, "").replace(codes_doc.END, "")
    page.write_text(text, encoding="utf-8")
    assert cli("build", "--check", "--root", str(repo)).exit_code == 0
    assert cli("build", "--root", str(repo)).exit_code == 0
    assert page.read_text(encoding="utf-8") == text
