"""Reading both seed formats, the real feed corpus, and text repair."""

from __future__ import annotations

from pathlib import Path

import pytest

from faceledger.core.findings import errors
from faceledger.ingest.documents import build_documents
from faceledger.ingest.seeds import read_seed, seed_paths

from .support import CORPUS, CORPUS_REQUIRED, REPO

FRONT_MATTER_SEED = "seeds/000_feff060093cf589f.txt"
PLAIN_TEXT_SEED = "seeds/004_2521c0302a7bf621.txt"


@pytest.fixture(scope="module")
def documents():
    return build_documents(REPO)


def row_for(documents, seed_path: str) -> dict:
    return next(r for r in documents.rows if r["seed_path"] == seed_path)


def test_front_matter_seed_is_normalized(documents):
    row = row_for(documents, FRONT_MATTER_SEED)
    assert row["source_format"] == "front-matter"
    assert row["title"].startswith("Exclusive: ICE just paid $3.9 million")
    assert row["publisher"] == "Business Insider"
    assert row["publisher_domain"] == "businessinsider.com"
    assert row["published_at"].isoformat() == "2021-09-24T18:20:00+00:00"
    # originalUrl wins over the markets.* webUrl.
    assert row["url"] == (
        "https://www.businessinsider.com/ice-gets-rapid-ai-facial-recognition-at-migrant-detention-facilities-2021-9"
    )
    assert row["topics"] == ["AI", "Computer Vision", "Natural Language Processing"]
    assert row["content_sha256"] == "85c53c228998c7fe8391dd12b7fced2534109044ae1625f259948776b10437ce"
    assert row["document_id"] == "doc-6b2ffdc075ca2b3c"


def test_feed_internals_are_not_published(documents):
    row = row_for(documents, FRONT_MATTER_SEED)
    assert not {"secured", "quality", "heat"} & set(row)
    assert all("Nn+brrgE" not in str(v) for v in row.values())


def test_plain_text_seed_takes_title_line_and_sidecar(documents):
    row = row_for(documents, PLAIN_TEXT_SEED)
    assert row["source_format"] == "plain-text"
    assert (
        row["title"]
        == "ICE Spends Millions on Clearview AI Facial Recognition to Find People Assaulting Officers"
    )
    assert row["publisher"] == "404 Media"  # from the curator's sidecar, with its source
    assert row["url"] is None and row["published_at"] is None
    assert row["word_count"] > 700
    assert "The September 5 purchase awards $3,750,000" in documents.texts[row["document_id"]]


def test_plain_text_seed_reports_missing_metadata_as_warnings(documents):
    missing = {
        f.field for f in documents.findings if f.path == PLAIN_TEXT_SEED and f.code == "metadata-missing"
    }
    assert missing == {"published_at", "url"}
    assert not errors(documents.findings)


def test_mojibake_in_related_title_is_repaired(documents):
    titles = [r["title"] for r in documents.rows]
    assert "ICE drops $3.9M for Trust Stamp’s facial recognition, London Met taps NEC for $4.2M" in titles
    assert not any("â€" in t for t in titles)


def test_related_entries_become_documents_and_links(documents):
    source = row_for(documents, FRONT_MATTER_SEED)["document_id"]
    related = [r for r in documents.rows if r["source_format"] == "related"]
    assert len(related) == 2
    assert all(r["seed_path"] is None and r["content_sha256"] is None for r in related)
    links = [link for link in documents.links if link["document_id"] == source]
    position = {link["related_document_id"]: link["position"] for link in links}
    by_title = {r["title"][:20]: r["document_id"] for r in related}
    # Positions follow the seed's related list: the Daily Mail story first, Biometric Update second.
    assert position[by_title["Scientists create ar"]] == 1
    assert position[by_title["ICE drops $3.9M for "]] == 2
    assert {link["related_document_id"] for link in links} == {r["document_id"] for r in related}


def test_document_id_survives_rename(repo: Path):
    before = {r["seed_path"]: r["document_id"] for r in build_documents(repo).rows if r["seed_path"]}
    (repo / FRONT_MATTER_SEED).rename(repo / "seeds" / "renamed.md")
    after = {r["seed_path"]: r["document_id"] for r in build_documents(repo).rows if r["seed_path"]}
    assert after["seeds/renamed.md"] == before[FRONT_MATTER_SEED]


def test_seed_is_detected_by_content_not_extension(repo: Path):
    (repo / PLAIN_TEXT_SEED).rename(repo / "seeds" / "looks-like.yaml")
    (repo / (PLAIN_TEXT_SEED + ".meta.yaml")).rename(repo / "seeds" / "looks-like.yaml.meta.yaml")
    seed, findings = read_seed(repo / "seeds" / "looks-like.yaml", "seeds/looks-like.yaml")
    assert seed is not None and seed.source_format == "plain-text" and not findings


CORPUS_FILES = sorted(p for p in CORPUS.glob("*.md"))
needs_corpus = pytest.mark.skipif(
    not CORPUS_FILES and not CORPUS_REQUIRED, reason=f"the news-feed corpus is not at {CORPUS}"
)


@needs_corpus
def test_corpus_is_present():
    assert len(CORPUS_FILES) == 109


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name[:60])
def test_every_corpus_document_parses(path: Path):
    seed, findings = read_seed(path, path.name)
    assert seed is not None, [str(f) for f in findings]
    assert seed.source_format == "front-matter"
    assert isinstance(seed.metadata.get("title"), str)
    assert not errors(findings)


@needs_corpus
def test_corpus_normalizes_as_a_seed_folder(tmp_path: Path):
    """The whole corpus as seeds: every document becomes a row or a named finding."""
    (tmp_path / "seeds").mkdir()
    for path in CORPUS_FILES:
        (tmp_path / "seeds" / path.name).write_bytes(path.read_bytes())
    documents = build_documents(tmp_path)
    seeded = {r["seed_path"] for r in documents.rows if r["seed_path"]}
    reported = {f.path for f in errors(documents.findings)}
    assert seeded | reported == {f"seeds/{p.name}" for p in CORPUS_FILES}
    for finding in errors(documents.findings):
        assert finding.code and finding.message
    assert all(
        r["published_at"] is not None and r["published_at"].tzinfo is not None
        for r in documents.rows
        if r["source_format"] == "front-matter"
    )
    assert seed_paths(tmp_path / "seeds")
