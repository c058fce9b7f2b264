"""One article, one document, one id: identity keys, and merging every source of an article.

The full seed of seed 000's related Biometric Update article is a stand-in written for these
tests (tests/seeds/), in the news-feed corpus's format, with the title and excerpt the related
entry gives and a short body.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from faceledger.checks import assemble
from faceledger.core.findings import errors
from faceledger.core.package import DERIVED
from faceledger.ingest.documents import build_documents
from faceledger.ingest.identity import article_key, document_id

from .support import cli, derived_rows, replace

SEED_000 = "seeds/000_feff060093cf589f.txt"
PLAIN_TEXT_SEED = "seeds/004_2521c0302a7bf621.txt"
BIOMETRIC_URL = (
    "https://www.biometricupdate.com/202109/"
    "ice-drops-3-9m-for-trust-stamps-facial-recognition-london-met-taps-nec-for-4-2m"
)
BIOMETRIC_SEED = Path(__file__).parent / "seeds" / "biometricupdate_202109_ice_trust_stamp_met_nec.md"
BIOMETRIC_EXCERPT = (
    "The U.S. Immigration and Customs Enforcement signs a $3.9 million contract with Trust Stamp, "
    "London Met selects NEC facial recognition system."
)


def rows(root: Path, name: str) -> list[dict[str, str]]:
    if name in DERIVED:
        return derived_rows(root, name)
    with (root / "dataset" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def biometric_id(root: Path) -> str:
    [row] = [r for r in rows(root, "documents") if r["url"] == BIOMETRIC_URL]
    return row["document_id"]


def add_full_seed(root: Path, name: str = "biometricupdate.md") -> Path:
    """The Biometric Update article's own seed, in seeds/ as `name`."""
    path = root / "seeds" / name
    path.write_bytes(BIOMETRIC_SEED.read_bytes())
    return path


def build(root: Path):
    return cli("build", "--root", str(root))


# The article key ------------------------------------------------------------------------------------

VARIANTS = {
    "http": BIOMETRIC_URL.replace("https://", "http://"),
    "no-www": BIOMETRIC_URL.replace("www.", ""),
    "trailing-slash": BIOMETRIC_URL + "/",
    "utm": BIOMETRIC_URL + "?utm_source=feed&utm_medium=rss",
    "fragment": BIOMETRIC_URL + "#comments",
    "amp-segment": BIOMETRIC_URL + "/amp/",
    "amp-cache": BIOMETRIC_URL.replace(
        "https://www.", "https://www-biometricupdate-com.cdn.ampproject.org/c/s/www."
    )
    + "/amp?amp_js_v=0.1&usqp=mq331AQ",
    "google-amp-viewer": BIOMETRIC_URL.replace("https://", "https://www.google.com/amp/s/"),
    "mobile-host": BIOMETRIC_URL.replace("www.", "m."),
    "upper-case-host-default-port": BIOMETRIC_URL.replace(
        "www.biometricupdate.com", "WWW.BiometricUpdate.com:443"
    ),
}


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_every_copy_of_an_address_has_the_article_key(variant: str):
    assert article_key(variant) == article_key(BIOMETRIC_URL)
    assert article_key(BIOMETRIC_URL) == (
        "biometricupdate.com/202109/ice-drops-3-9m-for-trust-stamps-facial-recognition-london-met-taps-nec-for-4-2m"
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.org/story/1", "https://example.org/story/2"),
        ("https://example.org/a?page=1", "https://example.org/a?page=2"),
        ("https://example.org/Story", "https://example.org/story"),
        ("https://news.example.org/a", "https://example.org/a"),
        ("https://example.org:8080/a", "https://example.org/a"),
        ("https://www.dailymail.co.uk/x/amp/story.html", "https://www.dailymail.co.uk/x/story.html"),
    ],
)
def test_different_addresses_keep_different_keys(a: str, b: str):
    assert article_key(a) != article_key(b)


def test_query_parameters_are_sorted_and_a_bare_domain_keeps_its_prefix():
    assert article_key("https://example.org/a?b=2&a=1") == article_key("https://example.org/a?a=1&b=2")
    assert article_key("https://example.org/a?b=2&a=1") == "example.org/a?a=1&b=2"
    assert article_key("https://amp.dev/about") == "amp.dev/about"
    assert article_key("not a url") is None


# One article, one document ------------------------------------------------------------------------


def test_the_repository_ids_are_the_articles_keys(repo: Path):
    documents = {r["seed_path"] or r["url"]: r["document_id"] for r in rows(repo, "documents")}
    assert documents[SEED_000] == document_id(
        "businessinsider.com/ice-gets-rapid-ai-facial-recognition-at-migrant-detention-facilities-2021-9"
    )
    assert documents[BIOMETRIC_URL] == document_id(article_key(BIOMETRIC_URL) or "")
    # A plain-text seed without a URL is known by its file name.
    assert documents[PLAIN_TEXT_SEED] == document_id("seed:004_2521c0302a7bf621.txt")


def test_a_full_seed_for_a_related_article_keeps_its_id_and_its_evidence(repo: Path):
    before = biometric_id(repo)
    cited = [r for r in rows(repo, "evidence") if r["document_id"] == before]
    assert len(cited) == 8
    add_full_seed(repo)
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert "error" not in result.output.replace("0 error(s)", "")
    [row] = [r for r in rows(repo, "documents") if r["document_id"] == before]
    assert (row["seed_path"], row["source_format"]) == ("seeds/biometricupdate.md", "front-matter")
    assert row["topics"] == "Computer Vision|AI"  # from the seed: the related entry has none
    assert len(rows(repo, "documents")) == 4
    assert [r["document_id"] for r in rows(repo, "evidence") if r["document_id"] == before] == [
        r["document_id"] for r in cited
    ]
    sources = [
        (r["seed_path"], r["position"]) for r in rows(repo, "document_sources") if r["document_id"] == before
    ]
    assert sources == [(SEED_000, "2"), ("seeds/biometricupdate.md", "0")]
    [merged] = [line for line in result.output.splitlines() if "document-merged" in line]
    assert merged.startswith("seeds/biometricupdate.md: info document-merged: seeds/biometricupdate.md, ")
    assert f"{SEED_000} related[1]" in merged and before in merged
    # The link from seed 000 now leads to the full document.
    assert {
        "document_id": biometric_links_source(repo),
        "related_document_id": before,
        "position": "2",
    } in rows(repo, "document_links")


def biometric_links_source(root: Path) -> str:
    return next(r["document_id"] for r in rows(root, "documents") if r["seed_path"] == SEED_000)


@pytest.mark.parametrize("name", ["0000_first.md", "zzz_last.md"])
def test_the_order_sources_arrive_in_changes_nothing(repo: Path, name: str):
    before = biometric_id(repo)
    add_full_seed(repo, name)
    result = build(repo)
    assert result.exit_code == 0, result.output
    [row] = [r for r in rows(repo, "documents") if r["document_id"] == before]
    assert row["seed_path"] == f"seeds/{name}"


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_a_seed_under_a_copy_of_the_address_is_the_same_document(repo: Path, variant: str):
    before = biometric_id(repo)
    path = add_full_seed(repo)
    path.write_text(path.read_text(encoding="utf-8").replace(BIOMETRIC_URL, variant), encoding="utf-8")
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert len(rows(repo, "documents")) == 4
    [row] = [r for r in rows(repo, "documents") if r["seed_path"] == "seeds/biometricupdate.md"]
    assert row["document_id"] == before


def test_a_related_entry_under_a_copy_of_the_address_links_to_the_same_document(repo: Path):
    before = biometric_id(repo)
    entries = "".join(
        f'  - title: "ICE drops $3.9M for Trust Stamp’s facial recognition, London Met taps NEC for $4.2M"\n'
        f'    webUrl: "{variant}"\n'
        for variant in list(VARIANTS.values())[:5]
    )
    (repo / "seeds" / "lister.md").write_text(
        '---\ntitle: "A roundup"\npublishedDateTime: 2021-10-01T00:00:00Z\n'
        f'webUrl: "https://example.org/roundup"\nrelated:\n{entries}---\n',
        encoding="utf-8",
    )
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert len(rows(repo, "documents")) == 5  # the roundup is the only new document
    lister = next(r["document_id"] for r in rows(repo, "documents") if r["seed_path"] == "seeds/lister.md")
    assert [r["related_document_id"] for r in rows(repo, "document_links") if r["document_id"] == lister] == [
        before
    ]
    assert result.output.count("warning related-duplicate") == 4


def test_a_related_entry_may_cite_any_address_of_a_seed(repo: Path):
    amp = "https://www.example.org/news/amp/story-1.html"
    (repo / "seeds" / "story.md").write_text(
        '---\ntitle: "A story"\npublishedDateTime: 2021-10-01T00:00:00Z\n'
        f'webUrl: "https://www.example.org/news/story-1.html"\nampWebUrl: "{amp}"\n---\nBody.\n',
        encoding="utf-8",
    )
    (repo / "seeds" / "lister.md").write_text(
        '---\ntitle: "A roundup"\nwebUrl: "https://example.org/roundup"\n'
        f'related:\n  - title: "A story"\n    webUrl: "{amp}"\n---\n',
        encoding="utf-8",
    )
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert len(rows(repo, "documents")) == 6
    documents = {r["seed_path"]: r["document_id"] for r in rows(repo, "documents")}
    link = next(r for r in rows(repo, "document_links") if r["document_id"] == documents["seeds/lister.md"])
    assert link["related_document_id"] == documents["seeds/story.md"]


def test_correcting_a_seeds_bytes_keeps_its_id(repo: Path):
    before = {
        r["seed_path"] or r["url"]: (r["document_id"], r["content_sha256"]) for r in rows(repo, "documents")
    }
    replace(repo, SEED_000, "Trust Stampâ€™s", "Trust Stamp’s")
    replace(repo, PLAIN_TEXT_SEED, "the agencys officers", "the agency’s officers")
    result = build(repo)
    assert result.exit_code == 0, result.output
    after = {
        r["seed_path"] or r["url"]: (r["document_id"], r["content_sha256"]) for r in rows(repo, "documents")
    }
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}
    assert (
        after[SEED_000][1] != before[SEED_000][1] and after[PLAIN_TEXT_SEED][1] != before[PLAIN_TEXT_SEED][1]
    )


# Two seeds of one article -----------------------------------------------------------------------------


def test_two_seeds_of_one_article_with_different_titles_are_one_error_naming_both(repo: Path):
    add_full_seed(repo, "a.md")
    copy = add_full_seed(repo, "b.md")
    copy.write_text(
        copy.read_text(encoding="utf-8").replace('title: "ICE drops', 'title: "ICE spends'), encoding="utf-8"
    )
    result = build(repo)
    assert result.exit_code == 1
    found = [line for line in result.output.splitlines() if " error " in line]
    assert len(found) == 1, result.output
    assert found[0].startswith(
        "seeds/b.md:3: error duplicate-document [title]: seeds/b.md and seeds/a.md claim"
    )
    assert "biometricupdate.com/202109/ice-drops-3-9m" in found[0]


def test_two_seeds_of_one_article_with_different_dates_are_an_error_too(repo: Path):
    add_full_seed(repo, "a.md")
    copy = add_full_seed(repo, "b.md")
    copy.write_text(
        copy.read_text(encoding="utf-8").replace("2021-09-27T18:46", "2021-09-28T08:00"), encoding="utf-8"
    )
    result = build(repo)
    assert result.exit_code == 1
    assert (
        "seeds/b.md:5: error duplicate-document [publishedDateTime]: seeds/b.md and seeds/a.md"
        in result.output
    )


def test_two_seeds_of_one_article_with_the_same_metadata_merge_with_an_info_finding(repo: Path):
    before = biometric_id(repo)
    add_full_seed(repo, "a.md")
    copy = add_full_seed(repo, "b.md")
    # A corrected copy: the same article, its title's apostrophe once broken as mojibake, a new paragraph.
    copy.write_text(
        copy.read_text(encoding="utf-8").replace("Stamp’s", "Stampâ€™s") + "\nA paragraph only b.md has.\n",
        encoding="utf-8",
    )
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert len(rows(repo, "documents")) == 4
    [merged] = [line for line in result.output.splitlines() if "document-merged" in line]
    assert merged.startswith("seeds/a.md: info document-merged: seeds/a.md, seeds/b.md, ")
    assert "0 error(s), 2 warning(s), 1 info" in result.output
    sources = {
        r["seed_path"]: r["fields"] for r in rows(repo, "document_sources") if r["document_id"] == before
    }
    assert sources["seeds/a.md"].startswith("title|excerpt|publisher")
    assert sources["seeds/b.md"] == "" and sources[SEED_000] == ""
    package = assemble(repo)
    assert "A paragraph only b.md has." in package.texts[before]


def test_the_quotable_text_of_a_merged_document_keeps_the_related_excerpt(repo: Path):
    before = biometric_id(repo)
    path = add_full_seed(repo)
    seed = path.read_text(encoding="utf-8")
    head, body = seed.split("\n---\n", 1)
    # The full text rewrites the standfirst and drops the sentences the evidence quotes.
    head = head.replace(BIOMETRIC_EXCERPT, "ICE and the Met buy face biometrics.")
    path.write_text(head + "\n---\nICE and the Met buy face biometrics.\n", encoding="utf-8")
    package = assemble(repo)
    assert not errors(package.findings), [str(f) for f in errors(package.findings)]
    assert BIOMETRIC_EXCERPT in package.texts[before]
    assert "ICE and the Met buy face biometrics." in package.texts[before]
    [merged] = [f for f in package.findings if f.code == "document-merged"]
    assert merged.severity == "info"
    assert f"not kept: excerpt {BIOMETRIC_EXCERPT!r} of {SEED_000} related[1]" in merged.message


def test_a_related_entry_without_an_address_joins_the_seed_with_its_title_and_time(tmp_path: Path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "full.md").write_text(
        '---\ntitle: "A story"\npublishedDateTime: 2021-10-01T00:00:00Z\nwebUrl: "https://example.org/a"\n---\n',
        encoding="utf-8",
    )
    (tmp_path / "seeds" / "lister.md").write_text(
        '---\ntitle: "A roundup"\nwebUrl: "https://example.org/roundup"\nrelated:\n'
        '  - title: "A story"\n    publishedDateTime: 2021-10-01T00:00:00Z\n'
        '  - title: "Another story"\n    publishedDateTime: 2021-10-01T00:00:00Z\n---\n',
        encoding="utf-8",
    )
    documents = build_documents(tmp_path)
    ids = {r["title"]: r["document_id"] for r in documents.rows}
    assert len(ids) == 3
    assert ids["A story"] == document_id("example.org/a")
    assert ids["Another story"] == document_id("Another story\n2021-10-01 00:00:00+00:00")


def test_a_merge_finding_names_ten_sources_and_counts_the_rest(repo: Path):
    # Thirteen copies of one seed describe one article; a feed's repeated related entries give thousands.
    seed = (repo / SEED_000).read_bytes()
    for number in range(12):
        (repo / "seeds" / f"000_copy_{number:02d}.txt").write_bytes(seed)
    documents = build_documents(repo)
    merged = [f for f in documents.findings if f.code == "document-merged" and "000_copy_" in f.message]
    assert len(merged) == 1
    message = merged[0].message
    assert message.count("seeds/000_") == 10 and "and 3 more sources describe one article" in message
    # document_sources still lists every one.
    seeds = [r for r in documents.sources if r["seed_path"].startswith("seeds/000_") and r["position"] == 0]
    assert len(seeds) == 13
