"""The repository's derived parts come from the render cache: validate renders only what an edit changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from faceledger.build import build, plan
from faceledger.publish import cache
from faceledger.publish.exporters import csv as csv_exporter
from faceledger.website import pages as website_pages

from .support import spy
from .test_site_cache import corpus_repo, edit_a_title, needs_corpus


@pytest.fixture
def parts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows of each part rendered during the test."""
    return spy(monkeypatch, csv_exporter, "render", lambda _, table, *args, **kwargs: table.num_rows)


@needs_corpus
def test_a_plan_renders_only_the_parts_an_edit_changed_and_the_same_bytes(
    tmp_path: Path, parts: list[int], monkeypatch: pytest.MonkeyPatch
):
    root = corpus_repo(tmp_path / "repo")
    first = plan(root).files
    everything = len(parts)
    assert everything > 100, "the corpus fills many parts of documents and document_sources"

    parts.clear()
    assert plan(root).files == first
    assert parts == [], "an unchanged repository renders no part again"

    edit_a_title(root)
    parts.clear()
    edited = plan(root).files
    assert 1 <= len(parts) <= 3, (
        "a retitled seed changes its document's part (and at most its sources' and links')"
    )
    monkeypatch.setenv("FACELEDGER_CACHE", "off")
    assert plan(root).files == edited, "parts from the cache are the bytes a render gives"


@needs_corpus
def test_validating_does_not_make_the_next_build_render_its_release_again(
    tmp_path: Path, parts: list[int], monkeypatch: pytest.MonkeyPatch
):
    # Forget every unused entry at once, so that a use of the cache that judged the release's
    # entries unused (validate renders only the parts) would lose them.
    monkeypatch.setattr(cache, "KEPT_BEYOND", 0)
    monkeypatch.setattr(cache, "KEPT_ANYWAY", 0)
    pages = spy(monkeypatch, website_pages, "render", lambda _, template, **values: template)
    root = corpus_repo(tmp_path / "repo")
    build(root, dist=tmp_path / "dist")
    assert pages and parts

    pages.clear()
    parts.clear()
    plan(root)  # what `faceledger validate` and `build --check` do
    build(root, dist=tmp_path / "dist")
    assert (pages, parts) == ([], []), "a build after a plan finds its pages and parts in the cache"
    build(root, dist=tmp_path / "dist")
    assert (pages, parts) == ([], []), "a build keeps both the parts its plan used and its release's entries"
