"""The release's static site: its pages, links, charts, JSON-LD, escaping, size and checksums."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from faceledger.build import BuildResult, build
from faceledger.publish.checksums import SUMS
from faceledger.publish.release_folder import FOLDERS, fill_release
from faceledger.verify import verify
from faceledger.website.data import NEWEST, read_release
from faceledger.website.pages import PAGE_SIZE
from faceledger.website.render import SiteRender, render
from faceledger.website.render import site_files as site_files_of

from .site_support import HOSTILE, MAX_PAGE, hostile_repo, parse, site_files
from .support import REPO, cli

EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@pytest.fixture(scope="module")
def site(built: Path) -> Path:
    return built / "site"


def test_the_build_writes_every_page_the_issue_lists(site: Path):
    for page in (
        "index.html",
        "contracts.html",
        "organizations.html",
        "systems.html",
        "documents.html",
        "dictionary.html",
        "codes.html",
        "changelog.html",
        "contracts/con-ice-clearview-ai-hsi.html",
        "organizations/org-ice.html",
        "systems/sys-clearview-ai.html",
    ):
        assert (site / page).is_file(), page
    assert len(list((site / "charts").glob("*.svg"))) == 4
    # Without JavaScript the contracts table is whole: every row is in the HTML, none hidden.
    contracts = (site / "contracts.html").read_text(encoding="utf-8")
    assert contracts.count('<tr><th scope="row"><a href="contracts/') == 8 and " hidden" not in contracts


def test_links_are_relative_and_resolve_and_nothing_loads_from_another_host(site: Path):
    for path in site.rglob("*.html"):
        page = parse(path)
        for source in page.sources:
            assert not EXTERNAL.match(source) and not source.startswith("//"), (path, source)
            assert (path.parent / source).resolve().is_file(), (path, source)
        for link in page.links:
            if EXTERNAL.match(link) or link.startswith("#"):
                continue  # a source document's address, opened only when clicked
            target = link.split("#")[0]
            assert not target.startswith("/"), (path, link)
            assert (path.parent / target).resolve().exists(), (path, link)
    for path in [*site.rglob("*.css"), *site.rglob("*.svg"), *site.rglob("*.html")]:
        text = path.read_text(encoding="utf-8")
        # url(#gradient) names a gradient in the same file; any other url( could fetch.
        assert "@import" not in text and "@font-face" not in text and not re.search(r"url\((?!#)", text), path
    for path in site.rglob("*.svg"):
        # The only URLs in a chart are the SVG and XLink namespace names, which nothing fetches.
        assert set(re.findall(r"https?://[^\"' )]+", path.read_text(encoding="utf-8"))) <= {
            "http://www.w3.org/2000/svg",
            "http://www.w3.org/1999/xlink",
        }


def test_each_field_of_a_contract_stands_beside_its_quote_marked_in_its_text(site: Path):
    html = (site / "contracts" / "con-ice-clearview-ai-hsi.html").read_text(encoding="utf-8")
    row = html[html.index("contracts-total_value") : html.index("contracts-currency")]
    assert "<mark>The record indicates the total value of the contract is $9,225,000.</mark>" in row
    assert "9,225,000" in row
    # The quote is shown in the document's text around it (from the seeds), with the source's address.
    assert re.search(r"<p>[^<]+<mark>The September 5 purchase", html)
    trust_stamp = (site / "contracts" / "con-ice-trust-stamp.html").read_text(encoding="utf-8")
    assert 'href="https://www.businessinsider.com/ice-gets-rapid-ai-facial-recognition' in trust_stamp
    # The purpose quote stands next to the writer's contact lines: the address is not republished.
    assert "[email address]" in html and "@404media.co" not in html


def test_every_page_is_under_the_weight_limit_and_declares_its_language(site: Path):
    for path in site.rglob("*.html"):
        assert path.stat().st_size < MAX_PAGE, path
        page = parse(path)
        assert page.lang == "en", path
        assert page.headings[0] == 1 and page.headings.count(1) == 1, path
        assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False)), (
            path,
            page.headings,
        )
        assert all(cell.get("scope") in ("col", "row") for cell in page.header_cells), path
        assert all(image.get("alt") for image in page.images), path


def test_charts_have_a_title_a_description_and_a_table(site: Path):
    home = (site / "index.html").read_text(encoding="utf-8")
    for chart in sorted((site / "charts").glob("*.svg")):
        svg = chart.read_text(encoding="utf-8")
        assert re.search(r"<svg [^>]*role=\"img\"[^>]*><title id=\"t\">[^<]+</title><desc id=\"d\">", svg), (
            chart
        )
        assert f'src="charts/{chart.name}"' in home
    assert home.count("as a table</summary>") == 4
    assert (
        '<th scope="row">U.S. Immigration and Customs Enforcement</th><td>USD</td><td>7,650,000</td>' in home
    )


def test_the_home_page_lists_every_download_with_the_sha256_that_sha256sums_gives(built: Path, site: Path):
    home = (site / "index.html").read_text(encoding="utf-8")
    sums = [line.split("  ") for line in (built / SUMS).read_text(encoding="utf-8").splitlines()]
    top = [(digest, path) for digest, path in sums if "/" not in path]
    assert len(top) >= 6
    for digest, path in top:
        assert f'<a href="../{path}">{path}</a>' in home and digest in home
    # The lines that get this release from Python: the bundled data and the versioned download.
    assert 'faceledger.load("contracts", version="0.1.0")' in home
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', home, re.S)
    assert found
    data = json.loads(found[1])
    assert data["@type"] == "Dataset" and data["version"] == "0.1.0"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["keywords"] and data["creator"] and data["description"]
    listed = {d["name"]: d for d in data["distribution"]}
    zips = {path: digest for digest, path in top if path.endswith(".zip")}
    assert len(zips) == len(FOLDERS) and {path: d["sha256"] for path, d in listed.items()} == zips
    assert listed["faceledger-0.1.0-csv.zip"]["contentUrl"].endswith(
        "/releases/download/v0.1.0/faceledger-0.1.0-csv.zip"
    )


def test_the_release_verifies_with_its_site_and_the_site_is_checked_against_its_own_sums(
    built: Path, tmp_path: Path
):
    assert verify(built) == []
    assert "site/" not in (built / SUMS).read_text(encoding="utf-8")
    import shutil

    copy = tmp_path / built.name
    shutil.copytree(built, copy)
    (copy / "site" / "index.html").write_text("changed", encoding="utf-8")
    (copy / "site" / "extra.html").write_text("", encoding="utf-8")
    found = {(f.path, f.code) for f in verify(copy)}
    assert found == {("site/index.html", "checksum-mismatch"), ("site/extra.html", "unlisted-file")}
    # A download of the release's assets (no format folders, no site) still verifies.
    assets = tmp_path / "assets"
    assets.mkdir()
    for path in built.iterdir():
        if path.is_file():
            shutil.copyfile(path, assets / path.name)
    assert verify(assets) == []


def test_rendering_twice_gives_the_same_bytes(built: Path, site: Path, tmp_path: Path):
    render(built, tmp_path / "again", {})
    render(built, tmp_path / "once-more", {})
    assert site_files(tmp_path / "again") == site_files(tmp_path / "once-more")


def test_a_build_draws_the_site_pages_while_the_zips_are_made_and_gets_a_standalone_render(
    build_result: BuildResult, tmp_path: Path
):
    from datetime import UTC, datetime

    release = tmp_path / "release"
    release.mkdir()
    package = build_result.package
    drawn = SiteRender(release, package.texts)
    seen = {}

    def meanwhile() -> None:
        seen["parquet written"] = (release / "parquet" / "datapackage.json").is_file()
        seen["summed"] = (release / SUMS).exists()
        drawn.pages()

    changes = (build_result.release / "changes.csv").read_bytes()
    stamp = datetime(2030, 1, 1, tzinfo=UTC)
    fill_release(package, release, "faceledger-x", changes, stamp, meanwhile=meanwhile)
    assert seen == {"parquet written": True, "summed": False}
    assert drawn.files() == render(release, tmp_path / "site", package.texts)


def test_a_hostile_document_title_is_shown_as_text(tmp_path: Path):
    root = hostile_repo(tmp_path / "repo")
    result = build(root)
    assert result.release is not None
    site = result.release / "site"
    pages = [p for p in site.rglob("*.html") if "alert(1)" in p.read_text(encoding="utf-8")]
    assert len(pages) >= 3  # the document's page, its list and the pages that quote it
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert HOSTILE not in text, page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, page


def test_faceledger_site_renders_the_built_release_again_identically(repo: Path):
    first = build(repo).release
    assert first is not None
    before = site_files(first / "site")
    result = cli("site", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert "site written to" in result.stderr
    assert site_files(first / "site") == before


def test_faceledger_site_without_a_release_says_so(repo: Path):
    result = cli("site", "--root", str(repo))
    assert result.exit_code == 1
    assert "run `faceledger build` first" in result.stderr


@pytest.mark.slow
def test_at_100k_documents_the_documents_list_is_paginated_and_every_page_stays_light(
    built: Path, tmp_path: Path
):
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    from bench_site import grow_documents

    grown = grow_documents(built, tmp_path / built.name, 100_000)
    files = site_files_of(read_release(grown))
    lists = sorted(
        rel for rel in files if rel.startswith("documents") and rel.endswith(".html") and "/" not in rel
    )
    assert len(lists) == 100_000 // PAGE_SIZE
    assert lists[:3] == ["documents-10.html", "documents-100.html", "documents-101.html"]
    assert max(len(data) for data in files.values()) < MAX_PAGE
    first = files["documents.html"].decode("utf-8")
    assert first.count('<tr><th scope="row">') == PAGE_SIZE
    assert 'href="documents-200.html"' in first and "Documents, page 1 of 200" in first
    # Only the documents something quotes have a page of their own.
    assert len([rel for rel in files if rel.startswith("documents/")]) == 3


def test_the_site_reads_20_changes_and_no_document_as_a_row_but_those_cited(built: Path):
    # At 20k documents a first release's changes.csv is 14 MB and its documents 90 MB of rows:
    # the site shows 20 changes, and of most documents a title, publisher, date and address.
    lines = (built / "changes.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) > NEWEST + 1
    release = read_release(built)
    assert [list(row.values()) for row in release.changes] == [
        line.split(",") for line in lines[1 : NEWEST + 1]
    ]
    files = site_files_of(release)
    home = files["index.html"].decode("utf-8")
    key = lambda line: line.split(",")[2]  # noqa: E731
    assert key(lines[NEWEST]) in home and key(lines[NEWEST + 1]) not in home
    # The list pages come from Arrow columns, the cited documents' pages from whole rows of them alone.
    assert [columns for name, columns in release.tables.read if name == "documents"] == []
    cited = {str(row["document_id"]) for row in release.rows("evidence")}
    pages = {rel for rel in files if rel.startswith("documents/")}
    assert len(pages) == len(cited) > 0
