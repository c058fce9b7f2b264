"""The fast front-matter path reads exactly what the strict loader reads, or leaves the text to it.

Every corpus document, every fuzz and hostile case of the other ingest tests and
generated front matter full of scalars the two parsers type differently go
through the fast path (with its fallback) and through the strict loader alone:
the data must be equal, types and key order included, and where the strict
loader refuses a text the finding must be its own. Line numbers come from the
front matter's text on demand and match the node tree's; ftfy is skipped only
where it would change nothing.
"""

from __future__ import annotations

import math
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
from frontmatter.default_handlers import YAMLHandler
from hypothesis import given, settings
from hypothesis import strategies as st

from faceledger.ingest import feedyaml, text, urls
from faceledger.ingest.documents import build_documents
from faceledger.ingest.feedyaml import DECLINED, FeedYAMLError
from faceledger.ingest.related import related_sources
from faceledger.ingest.seeds import read_seed

from . import test_ingest_hostile_values as hostile
from .support import CORPUS, CORPUS_REQUIRED
from .test_ingest_bad_seeds import BAD_SEEDS, GOOD_FRONT_MATTER
from .test_ingest_fuzz import CASES, CORPUS_FILES, HOSTILE_VALUES, KEYS, MUTATIONS, WHITESPACE, mutated

needs_corpus = pytest.mark.skipif(
    not CORPUS_FILES and not CORPUS_REQUIRED, reason=f"the news-feed corpus is not at {CORPUS}"
)


def typed(value: Any) -> Any:
    """`value` with its types and key order spelled out, so 1 != 1.0 != True and nan == nan."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else repr(value))
    return (type(value).__name__, value)


def judged(fm: str, reader: Any) -> tuple[Any, ...]:
    try:
        return ("data", typed(reader(fm)))
    except FeedYAMLError as exc:
        return ("refused", str(exc), exc.line)


def strict(fm: str) -> Any:
    return feedyaml.load(fm)[0]


def compare(fm: str) -> bool:
    """Both paths agree on `fm`; whether the fast parser was used."""
    expected = judged(fm, strict)
    fast = feedyaml.fast_load(fm)
    if fast is not DECLINED:
        assert expected == ("data", typed(fast)), fm
    assert judged(fm, feedyaml.load_data) == expected, fm
    return fast is not DECLINED


def front_matter(seed: bytes) -> str | None:
    """The YAML text the seed reader hands its loader (after the same decoding and splitting)."""
    try:
        decoded = seed.decode("utf-8")
    except UnicodeDecodeError:
        return None
    decoded = decoded.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        fm, _ = YAMLHandler().split(decoded.strip())
    except ValueError:
        return None
    return fm


@needs_corpus
def test_every_corpus_document_reads_alike_and_most_take_the_fast_path():
    fast = [compare(front_matter(path.read_bytes()) or "") for path in CORPUS_FILES]
    assert sum(fast) >= 0.9 * len(fast), f"only {sum(fast)} of {len(fast)} took the fast path"


def hostile_front_matter() -> list[str]:
    """The front matter of every fixed fuzz, hostile-value and bad-seed case of the other tests."""
    seeds = [case.read_bytes() for case in CASES]
    seeds += [data for data, _, _ in BAD_SEEDS.values()]
    test = hostile.test_wrong_types_and_bad_domains_are_errors
    (mark,) = [m for m in test.pytestmark if m.name == "parametrize"]
    head = hostile.HEAD.format(name="x")
    seeds += [(head + extra + "---\n").encode() for extra, _, _ in mark.args[1]]
    for value in HOSTILE_VALUES:
        for key in KEYS:
            seeds.append(GOOD_FRONT_MATTER.replace("---\n", f"---\n{key}: {value}\n", 1).encode())
        related = f"related:\n  - title: t\n    webUrl: {value}\n    provider:\n      name: {value}\n"
        seeds.append((head + related + "---\n").encode())
    for char in WHITESPACE:
        seeds.append((head + f'excerpt: "a{char}b"\ntopics:\n  - a{char}b\n---\n').encode())
    return [fm for fm in map(front_matter, seeds) if fm is not None]


def test_every_hostile_case_reads_alike():
    cases = hostile_front_matter()
    assert len(cases) > 300
    assert any(map(compare, cases))  # some are fine documents, and go fast


@needs_corpus
@MUTATIONS
@given(mutated())
def test_mutated_corpus_documents_read_alike(seed: bytes):
    fm = front_matter(seed)
    if fm is not None:
        compare(fm)


# Scalars the two parsers (or YAML 1.1 and 1.2) type differently, and ones they agree on.
TRICKY = [
    *("012345", "00", "0", "-0", "+12", "0x1F", "0o17", "0b101", "1_000", "1e5", "1E+5", "1.5e5", "1.", ".5"),
    *(".inf", "-.Inf", "+.INF", ".nan", ".NaN", "1e400", "1.5e400", "12:30", "1:20:00", "3.14.15", "-.5e-3"),
    *("yes", "No", "ON", "off", "y", "~", "null", "Null", "NULL", "nULL", "true", "False", "TRUE", "tRUE"),
    *("2023-01-02", "2023-01-02T10:00:00Z", "2023-02-30", "2001-12-14 21:59:43.10 -5", "<<", "="),
    *("!!int 5", "!!str 5", "!custom x", "! x", "&a 1", "*a", "'012'", '"0x1F"', '"\\x41"', '"\\u2028"'),
    *("9" * 20, "9" * 21, "-" + "9" * 20, "+" + "9" * 21, "1" * 25 + ".5", "[]", "{}", "[1, 02]", "{a: 1}"),
    *("| block", "> folded", "? x", "- x", "a: b", "@x", "`x", "%x", "x #c", "x#c", "'a''b'", '"a\\"b"'),
    *("café", "\u00a0x", "x\u2028y", "x\x85y", "\ufeffx", "\t", "a\\b", "x\u3000"),
]
KEY_NAMES = [
    "title",
    "a b",
    "2023",
    "-1",
    "1.5",
    "true",
    "~",
    "null",
    "''",
    '"2023"',
    "0x1F",
    "012",
    "[]",
    "<<",
]
# What real front matter holds: most of a generated document is this, so the fast path is
# tried on documents with one odd scalar among plain ones.
PLAIN = ["x", "a b c", "12", "-1", "0", "1.5", "-0.25", "true", "null", "2021-01-02T03:04:05Z", "'q: [x]'"]
PLAIN += ['"say \\"hi\\""', "https://e.org/a?b=1&c=2", "Trust Stamp’s", "café #1", "x:y", "- x", ""]


@st.composite
def tricky_front_matter(draw: st.DrawFn) -> str:
    odd = st.one_of(
        st.sampled_from(TRICKY),
        st.from_regex(r"[-+]?[0-9_.eEoxbinfINF]{1,8}", fullmatch=True),
        st.from_regex(r"[0-9]{15,25}", fullmatch=True),
    )
    scalar = st.one_of(st.sampled_from(PLAIN), st.sampled_from(PLAIN), st.sampled_from(PLAIN), odd)
    names = st.one_of(st.sampled_from(["title", "a", "b c", "x1", "'q'"]), st.sampled_from(KEY_NAMES))
    lines: list[str] = []

    def node(indent: int, depth: int) -> None:
        width = draw(st.integers(1, 4))
        for _ in range(width):
            key = f"{draw(names)}{len(lines)}" if draw(st.booleans()) else draw(names)
            kind = draw(st.sampled_from(["scalar", "scalar", "map", "list"] if depth < 30 else ["scalar"]))
            pad = " " * indent
            if kind == "scalar":
                lines.append(f"{pad}{key}: {draw(scalar)}")
            elif kind == "map":
                lines.append(f"{pad}{key}:")
                node(indent + draw(st.sampled_from([1, 2])), depth + 1)
            else:
                lines.append(f"{pad}{key}:")
                for _ in range(draw(st.integers(1, 3))):
                    lines.append(f"{pad}- {draw(scalar)}")

    node(0, 0)
    if draw(st.integers(0, 3)) == 0:  # a long chain of nesting, past MAX_DEPTH or not
        levels = draw(st.integers(1, 2 * feedyaml.MAX_DEPTH))
        lines += [" " * (2 * i) + f"k{i}:" for i in range(levels)] + [" " * (2 * levels) + "end: x"]
    return "\n".join(lines) + "\n"


@settings(max_examples=400, derandomize=True, deadline=None, database=None)
@given(tricky_front_matter())
def test_generated_front_matter_reads_alike(fm: str):
    compare(fm)


UNSCREENED = {
    # What yaml-rs reads differently from the strict loader; only the screen keeps these apart.
    "leading zero": "a: 012345\n",
    "hex": "a: 0x1F\n",
    "octal": "a: 0o17\n",
    "exponent without a dot": "a: 1e5\n",
    "underscore": "a: 1_000\n",
    "infinity": "a: .inf\n",
    "tag": "a: !!int 5\n",
    "custom tag": "a: !x 5\n",
    "alias": "a: &x 1\nb: *x\n",
    "long integer": "a: " + "1" * 21 + "\n",
    "integer key": "a:\n  2023: x\n",
    "boolean key": "a:\n  true: x\n",
    "empty-list key": "a:\n  []: x\n",
    "deep nesting": "".join(" " * i + f"k{i}:\n" for i in range(feedyaml.MAX_DEPTH + 1))
    + " " * 30
    + "x: 1\n",
    "control character": "a: x\x01y\n",
    "line separator": "a: x\u2028y\n",
}


@pytest.mark.parametrize("fm", UNSCREENED.values(), ids=UNSCREENED.keys())
def test_without_the_screen_the_fast_parser_would_differ(fm: str, monkeypatch: pytest.MonkeyPatch):
    assert not feedyaml.vouched(fm)
    assert feedyaml.fast_load(fm) is DECLINED
    compare(fm)
    monkeypatch.setattr(feedyaml, "vouched", lambda text: True)
    unscreened = feedyaml.fast_load(fm)
    if unscreened is not DECLINED:  # (a top-level non-string key is caught after parsing)
        assert ("data", typed(unscreened)) != judged(fm, strict), fm


def test_fast_parser_errors_are_the_strict_loaders_findings():
    fm = 'title: "a"\ntitle: "b"\n'  # yaml-rs refuses the duplicate too, in its own words
    assert feedyaml.vouched(fm)
    with pytest.raises(FeedYAMLError, match="appears twice") as raised:
        feedyaml.load_data(fm)
    assert raised.value.line == 1


def test_without_yaml_rs_every_text_goes_to_the_strict_loader(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setattr(feedyaml, "yaml_rs", None)
    fm = GOOD_FRONT_MATTER.removeprefix("---\n").removesuffix("---\n")
    assert feedyaml.vouched(fm) and feedyaml.fast_load(fm) is DECLINED
    (tmp_path / "a.md").write_text(GOOD_FRONT_MATTER, encoding="utf-8")
    seed, findings = read_seed(tmp_path / "a.md", "a.md")
    assert seed is not None and not findings and seed.metadata["title"] == "A fine document"


# Seeds whose findings take their lines from Source objects during the merge.
MERGED = {
    "a.md": 'title: "A"\nwebUrl: "https://e.org/a"\nrelated:\n  - title: "A"\n    webUrl: "https://e.org/a"\n'
    '  - title: "R"\n    webUrl: "https://e.org/r"\n  - title: "R"\n    webUrl: "https://e.org/r"\n',
    "b.md": 'title: "B"\nwebUrl: "https://e.org/b"\nrelated:\n  - title: "R again"\n    webUrl: "https://e.org/r"\n',
    "c.md": 'webUrl: "https://e.org/a"\ntitle: "Not A"\n',
}


@needs_corpus
def test_a_corpus_build_is_the_same_on_either_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "seeds").mkdir()
    for path in CORPUS_FILES:
        shutil.copy(path, tmp_path / "seeds" / path.name)
    for case in CASES:  # hostile seeds too, so findings with lines are compared
        shutil.copy(case, tmp_path / "seeds" / case.name)
    for name, fm in MERGED.items():
        (tmp_path / "seeds" / name).write_text(f"---\n{fm}---\n", encoding="utf-8")
    fast = build_documents(tmp_path)
    monkeypatch.setattr(feedyaml, "yaml_rs", None)
    slow = build_documents(tmp_path)
    assert fast.findings == slow.findings
    for name in ("rows", "links", "sources", "texts"):
        assert getattr(fast, name) == getattr(slow, name), name
    lines = {(f.path, f.code): f.line for f in fast.findings if f.path in {f"seeds/{n}" for n in MERGED}}
    assert lines[("seeds/a.md", "related-self")] == 5  # `- title:` of the entry
    assert lines[("seeds/a.md", "related-duplicate")] == 9
    assert lines[("seeds/a.md", "document-merged")] == 7  # the first related entry of R
    assert lines[("seeds/c.md", "duplicate-document")] == 3  # c.md's title
    lined = {f.code for f in fast.findings if f.line is not None}
    assert {"front-matter-invalid", "bad-url", "bad-date"} <= lined


def places(index: dict[tuple[str | int, ...], int]) -> list[tuple[str | int, ...]]:
    """Every place in a front matter, and places it lacks (a missing key, an index past the end)."""
    found = list(index)
    return found + [(*p, "missing") for p in found] + [(*p, 999) for p in found] + [("nowhere", 0, "x")]


@needs_corpus
def test_lines_on_demand_are_the_node_trees_lines():
    for path in CORPUS_FILES:
        seed, _ = read_seed(path, path.name)
        assert seed is not None and seed.lines is not None
        node = feedyaml.compose(seed.lines.text)
        for place in places(feedyaml.line_index(node)):
            expected = feedyaml.line_of(node, *place)
            assert seed.line(*place) == (None if expected is None else expected + 1), (path.name, place)


def test_a_seed_keeps_text_not_a_node_tree_and_drops_its_index(tmp_path: Path):
    body = 'related:\n  - title: "One"\n    webUrl: "https://e.org/1"\n  - title: "Two"\n'
    (tmp_path / "a.md").write_text(hostile.HEAD.format(name="a") + body + "---\nBody.\n", encoding="utf-8")
    seed, findings = read_seed(tmp_path / "a.md", "a.md")
    assert seed is not None and not findings
    findings = []
    sources = related_sources(seed, findings)
    assert [s.line for s in sources] == [6, 8]  # `- title:` of each entry, 1-based in the file
    assert seed.line("related", 1, "title") == 8 and seed.line("title") == 2

    def trees(value: Any) -> bool:
        return b"yaml.nodes" in pickle.dumps(value)

    assert seed.lines is not None and seed.lines._index is not None  # built on demand above
    assert not trees(seed) and not trees(sources)
    copy = pickle.loads(pickle.dumps(sources))
    assert copy[0].where is copy[1].where and copy[0].where._index is None  # the index stays behind
    assert [s.line for s in copy] == [6, 8]
    seed.lines.drop()
    assert seed.lines._index is None and seed.line("related", 0) == 6


def test_plain_text_seeds_have_no_lines(tmp_path: Path):
    (tmp_path / "a.txt").write_text("A title\nbody\n", encoding="utf-8")
    seed, _ = read_seed(tmp_path / "a.txt", "a.txt")
    assert seed is not None and seed.lines is None and seed.line("title") is None


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


@needs_corpus
def test_clean_skips_ftfy_only_where_it_changes_nothing_on_every_corpus_string():
    found = [s for path in CORPUS_FILES for s in strings(strict(front_matter(path.read_bytes()) or ""))]
    assert len(found) > 5_000
    skipped = [s for s in found if text._UNTOUCHED.fullmatch(s)]
    assert len(skipped) > len(found) / 2  # the fast path is taken on most of them
    assert [text.clean(s) for s in found] == [text.repaired(s) for s in found]


ODD_TEXT = [
    "a &amp; b",
    "x\x1b[31my",
    "a\rb",
    "a\x00b",
    "a\x7fb",
    "a\x0bb",
    "  ",
    "Trust Stampâ€™s",
    " a\tb\n",
]


@pytest.mark.parametrize("value", ODD_TEXT)
def test_ascii_that_ftfy_would_change_still_goes_to_ftfy(value: str):
    assert text.clean(value) == text.repaired(value)


@settings(max_examples=500, derandomize=True, deadline=None, database=None)
@given(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
    | st.text("&;#amplt\x1b[m\r\t\n x")
)
def test_clean_equals_ftfy_on_any_text(value: str):
    assert text.clean(value) == text.repaired(value)


def test_canonical_url_is_cached_and_still_refuses_what_it_refused():
    urls._canonical_url.cache_clear()
    assert urls.canonical_url("https://E.org/a?utm_source=x&b=1#f") == "https://e.org/a?b=1"
    assert urls.canonical_url("https://E.org/a?utm_source=x&b=1#f") == "https://e.org/a?b=1"
    assert urls._canonical_url.cache_info().hits == 1
    assert urls.canonical_url(["https://e.org/"]) is None  # type: ignore[arg-type]  # unhashable: no TypeError
    assert urls.canonical_url("http://[::1") is None
    assert urls._canonical_url.cache_info().maxsize is not None  # bounded


def test_the_screen_passes_plain_documents_and_declines_lookalikes_in_passing():
    assert feedyaml.vouched(GOOD_FRONT_MATTER.removeprefix("---\n").removesuffix("---\n"))
    assert feedyaml.vouched("title: a\nheat: 12\nscore: -1.5\npublished: true\nwhen: 2021-01-02T03:04:05Z\n")
    # It reads text, not YAML: quoted text that looks like a flow list declines (harmless).
    assert not feedyaml.vouched('title: "MR. WALL: [W]e and"\n')


def test_the_hidden_character_screen_knows_every_hidden_character():
    for code in [*range(0x3000), *range(0xFE00, 0x10000), 0x1F600, 0xE0001]:
        char = chr(code)
        assert bool(text._HIDDEN.search(char)) == (text.hidden_kind(char) is not None), hex(code)
