"""Render the site of a built release: every page, chart and static file, then the site's own SHA256SUMS.

The output depends only on the release's files, so two renders of one release
are byte-identical (no clock, no absolute path, no set order in it).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..publish.cache import RenderCache
from ..publish.checksums import write_checksums
from . import pages, reference
from .charts import charts
from .data import Release, read_release
from .env import Cell
from .jsonld import script

# Files served as they are, beside the pages.
STATIC = ("style.css", "table.js")
COUNTED = (
    ("documents", "documents"),
    ("organizations", "organizations"),
    ("systems", "systems"),
    ("contracts", "contracts and relationships"),
)


def site_files(release: Release, cache: RenderCache | None = None) -> dict[str, bytes]:
    """Every file of the site, by its path inside the site folder; pages and charts found in `cache` are not rendered again."""
    descriptor = release.descriptor
    licences = descriptor.get("licenses") or [{}]
    common = {"version": release.version, "licence": licences[0].get("name") or "see LICENSE-DATA"}
    site = pages.Site(release, common, cache)
    files: dict[str, bytes] = {}
    drawn = charts(release, cache)
    for chart in drawn:
        files[f"charts/{chart.slug}.svg"] = chart.svg
    columns = list(release.changes[0]) if release.changes else []
    files["index.html"] = site.page(
        "home.html",
        title=str(descriptor.get("title") or "FaceLedger"),
        up="",
        name=descriptor.get("title") or descriptor.get("name"),
        description=descriptor.get("description") or "",
        homepage=descriptor.get("homepage") or "",
        counts=[(name, label, release.count(name)) for name, label in COUNTED],
        charts=drawn,
        change_columns=columns,
        changes=[[row[c] for c in columns] for row in release.changes],
        downloads=release.downloads,
        jsonld=script(release),
    )
    for builder in (pages.contracts, pages.organizations, pages.systems, pages.documents):
        files.update(builder(site))
    files["dictionary.html"] = site.page(
        "dictionary.html", title="Data dictionary", up="", **reference.dictionary(release)
    )
    files["codes.html"] = site.page("codes.html", title="Finding codes", up="", **reference.codes())
    files["changelog.html"] = site.page(
        "text.html", title="Changelog", up="", body=reference.changelog(release.changelog)
    )
    templates = resources.files("faceledger.website") / "templates"
    for name in STATIC:
        files[name] = templates.joinpath(name).read_bytes()
    return files


def render(
    release_folder: Path,
    target: Path,
    texts: dict[str, str] | None = None,
    cache: RenderCache | None = None,
) -> dict[str, bytes]:
    """Write the site of the release at `release_folder` into the empty or absent folder `target`.

    `texts` is each document's quotable text (Package.texts), to show quotes in context.
    Pages and charts in `cache` (publish/cache.py) are not rendered again: the same bytes, sooner.
    """
    files = site_files(read_release(release_folder, texts), cache)
    for rel, data in sorted(files.items()):
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    write_checksums(target)
    return files


__all__ = ["Cell", "render", "site_files"]
