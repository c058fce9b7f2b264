"""Hostile seeds end in findings, never a traceback.

A property-based test mutates real corpus documents (bytes, lines, YAML values
and insertions) and reads each through the real seed reading and normalization
(ingest.documents.build_documents). The budget is fixed and derandomized, so the
normal test run is reproducible. Every failure it has found is kept in
tests/fuzz_regressions/: each file is a seed, named `<expected code>--<what>.txt`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faceledger.ingest.documents import build_documents

from .support import CORPUS, CORPUS_REQUIRED, cli

REGRESSIONS = Path(__file__).parent / "fuzz_regressions"
CASES = sorted(REGRESSIONS.glob("*.txt"))
CORPUS_FILES = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []
KEYS = ["title", "excerpt", "publishedDateTime", "originalUrl", "webUrl", "provider", "topics", "related"]
HOSTILE_VALUES = [
    "!!int x",
    "!!float x",
    "!!bool x",
    "!!timestamp bad",
    "!!map [1]",
    "!custom x",
    "9" * 5000,
    "-" + "1" * 30,
    "[" * 250 + "]" * 250,
    "{a: " * 40 + "b" + "}" * 40,
    "&a [1]",
    "*a",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "2021-02-30T10:00:00Z",
    '"http://[::1"',
    '"http://example.org:99999/x"',
    '"http://example.org:port/x"',
    '"http://\\uff45xample.org/\\uff03x"',
    '"http://\u2100.org/"',
    "javascript:alert(1)",
    "[a, b]",
    "{name: x, domain: [1]}",
    "12",
    "1.5e99999",
    "true",
    "null",
    '""',
    "[{title: t, webUrl: 'http://[::1', publishedDateTime: '0001-01-01T00:00:00+01:00'}]",
    "[{title: [x]}, 3, null]",
    "\u00a0",
    "\u2028",
    "\x1c",
]
WHITESPACE = ["\u00a0", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u3000", " ", "\t", "\n"]


def _read(seed: bytes, name: str = "fuzzed.md") -> list:
    """The findings of reading `seed` as the only seed of a repository; raises if reading crashes."""
    with tempfile.TemporaryDirectory(prefix="faceledger-fuzz-") as temp:
        (Path(temp) / "seeds").mkdir()
        (Path(temp) / "seeds" / name).write_bytes(seed)
        out = build_documents(Path(temp))
    for finding in out.findings:
        assert finding.path == f"seeds/{name}", finding
        assert finding.code and finding.message, finding
    return out.findings


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(CORPUS_FILES)).read_bytes()
    for _ in range(draw(st.integers(1, 3))):
        lines = data.split(b"\n")
        kind = draw(st.sampled_from(["byte", "delete", "duplicate", "swap", "value", "insert", "whitespace"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if kind == "byte" and data:
            pos = draw(st.integers(0, len(data) - 1))
            data = data[:pos] + bytes([draw(st.integers(0, 255))]) + data[pos + 1 :]
            continue
        if kind == "delete":
            del lines[at : at + draw(st.integers(1, 3))]
        elif kind == "duplicate":
            lines.insert(at, lines[at] if lines else b"")
        elif kind == "swap":
            other = draw(st.integers(0, max(len(lines) - 1, 0)))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "value":
            # Replace a `key: value` line's value (top level or inside related[]): a type swap or hostile scalar.
            keyed = [i for i, line in enumerate(lines) if b": " in line]
            if keyed:
                i = draw(st.sampled_from(keyed))
                head = lines[i].split(b": ", 1)[0]
                lines[i] = head + b": " + draw(st.sampled_from(HOSTILE_VALUES)).encode("utf-8")
        elif kind == "insert":
            key, value = draw(st.sampled_from(KEYS)), draw(st.sampled_from(HOSTILE_VALUES))
            lines.insert(max(at, 1), f"{key}: {value}".encode())
        else:
            chars = draw(st.lists(st.sampled_from(WHITESPACE), min_size=1, max_size=6))
            lines = (
                ["".join(chars).encode("utf-8")] if draw(st.booleans()) else [*lines, "".join(chars).encode()]
            )
        data = b"\n".join(lines)
    return data


# How many mutated corpus documents a run tries: the same 300 every run (derandomized).
MUTATIONS = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.skipif(
    not CORPUS_FILES and not CORPUS_REQUIRED, reason=f"the news-feed corpus is not at {CORPUS}"
)
@MUTATIONS
@given(mutated())
def test_mutated_corpus_documents_give_findings_not_tracebacks(seed: bytes):
    _read(seed)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_fuzz_regression_gives_its_finding(case: Path):
    code = case.stem.split("--", 1)[0]
    findings = _read(case.read_bytes(), case.name)
    assert code in {f.code for f in findings}, findings
    lines = case.read_text(encoding="utf-8").split("\n")
    for finding in findings:
        if finding.code == code and code != "empty-file":  # at the line that holds the hostile value
            assert finding.line is not None and 1 < finding.line <= len(lines), finding
    if code == "front-matter-invalid" and "--tag-" in case.name:
        assert any("!" in f.message and "tag" in f.message for f in findings), findings


def test_fuzz_regressions_fail_the_build_cleanly(repo: Path):
    for case in CASES:
        (repo / "seeds" / case.name).write_bytes(case.read_bytes())
    result = cli("build", "--check", "--root", str(repo))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    for case in CASES:
        assert f"seeds/{case.name}" in result.output, case.name
