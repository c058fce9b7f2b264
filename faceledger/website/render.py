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
from .charts import Chart, charts
from .data import Release, read_downloads, read_release
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


class SiteRender:
    """A site rendered in two steps, so that a build can draw most of it while its zips are written.

    `pages` renders what the release's tables and texts decide (every page but the home
    page, the charts, the static files); `files` adds the home page, which lists the
    downloads with their checksums and so waits for SHA256SUMS. Nothing is written here.
    """

    def __init__(
        self, folder: Path, texts: dict[str, str] | None = None, cache: RenderCache | None = None
    ) -> None:
        self.folder = folder
        self.texts = texts
        self.cache = cache
        self.release: Release | None = None
        self.site: pages.Site | None = None
        self.drawn: list[Chart] = []
        self.body: dict[str, bytes] = {}
        # Whether the release was read before its SHA256SUMS was written (see `pages`).
        self.downloads_unread = False

    @classmethod
    def of(cls, release: Release, cache: RenderCache | None = None) -> SiteRender:
        """The site of a release already read."""
        rendered = cls(release.folder, release.texts, cache)
        rendered.release = release
        return rendered

    def pages(self) -> None:
        """Render every file but the home page; the release's Parquet folder must be written."""
        if self.release is None:
            self.release = read_release(self.folder, self.texts, downloads=False)
            self.downloads_unread = True
        release = self.release
        descriptor = release.descriptor
        licences = descriptor.get("licenses") or [{}]
        common = {"version": release.version, "licence": licences[0].get("name") or "see LICENSE-DATA"}
        self.site = pages.Site(release, common, self.cache)
        self.drawn = charts(release, self.cache)
        files = {f"charts/{chart.slug}.svg": chart.svg for chart in self.drawn}
        for builder in (pages.contracts, pages.organizations, pages.systems, pages.documents):
            files.update(builder(self.site))
        files["dictionary.html"] = self.site.page(
            "dictionary.html", title="Data dictionary", up="", **reference.dictionary(release)
        )
        files["codes.html"] = self.site.page("codes.html", title="Finding codes", up="", **reference.codes())
        files["changelog.html"] = self.site.page(
            "text.html", title="Changelog", up="", body=reference.changelog(release.changelog)
        )
        templates = resources.files("faceledger.website") / "templates"
        for name in STATIC:
            files[name] = templates.joinpath(name).read_bytes()
        self.body = files

    def files(self) -> dict[str, bytes]:
        """Every file of the site, by its path inside the site folder; reads SHA256SUMS for the home page."""
        if self.site is None:
            if self.release is None:
                self.release = read_release(self.folder, self.texts)
            self.pages()
        assert self.site is not None and self.release is not None
        release = self.release
        if self.downloads_unread:
            read_downloads(release)
            self.downloads_unread = False
        descriptor = release.descriptor
        columns = list(release.changes[0]) if release.changes else []
        home = self.site.page(
            "home.html",
            title=str(descriptor.get("title") or "FaceLedger"),
            up="",
            name=descriptor.get("title") or descriptor.get("name"),
            description=descriptor.get("description") or "",
            homepage=descriptor.get("homepage") or "",
            counts=[(name, label, release.count(name)) for name, label in COUNTED],
            charts=self.drawn,
            change_columns=columns,
            changes=[[row[c] for c in columns] for row in release.changes],
            downloads=release.downloads,
            jsonld=script(release),
        )
        return {"index.html": home, **self.body}


def site_files(release: Release, cache: RenderCache | None = None) -> dict[str, bytes]:
    """Every file of the site, by its path inside the site folder; pages and charts found in `cache` are not rendered again."""
    return SiteRender.of(release, cache).files()


def render(
    release_folder: Path,
    target: Path,
    texts: dict[str, str] | None = None,
    cache: RenderCache | None = None,
    rendered: SiteRender | None = None,
) -> dict[str, bytes]:
    """Write the site of the release at `release_folder` into the empty or absent folder `target`.

    `texts` is each document's quotable text (Package.texts), to show quotes in context.
    Pages and charts in `cache` (publish/cache.py) are not rendered again: the same bytes, sooner.
    `rendered` is this site begun while the release was written (SiteRender.pages): it is finished.
    """
    files = (rendered or SiteRender(release_folder, texts, cache)).files()
    write_site(files, target)
    return files


def write_site(files: dict[str, bytes], target: Path) -> None:
    for rel, data in sorted(files.items()):
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    write_checksums(target)


__all__ = ["Cell", "SiteRender", "render", "site_files"]
