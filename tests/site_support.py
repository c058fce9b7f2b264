"""What the site tests share: the hostile title, and reading a rendered site's pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from .support import copy_repo, replace

HOSTILE = "<script>alert(1)</script>"
# The seed whose document title the hostile test replaces (a seed evidence quotes).
SEED = "seeds/000_feff060093cf589f.txt"
TITLE = "title: \"Exclusive: ICE just paid $3.9 million for 'rapid' AI-powered facial recognition at migrant detention facilities\""
# Every page must stay under this at today's size (issue #13).
MAX_PAGE = 500_000


def hostile_repo(target: Path) -> Path:
    """A copy of the repository whose ICE/Trust Stamp document is titled with a script element."""
    root = copy_repo(target)
    # The title keeps the words an evidence row quotes from it.
    replace(root, SEED, TITLE, TITLE.replace("Exclusive:", HOSTILE))
    return root


class Page(HTMLParser):
    """The parts of a page the tests look at: links, sources, headings, table headers, images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.sources: list[str] = []
        self.headings: list[int] = []
        self.header_cells: list[dict[str, str | None]] = []
        self.images: list[dict[str, str | None]] = []
        self.lang: str | None = None
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag in ("link", "script", "img", "iframe", "source") and (found.get("href") or found.get("src")):
            self.sources.append(str(found.get("href") or found.get("src")))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "th":
            self.header_cells.append(found)
        if tag == "img":
            self.images.append(found)
        if tag == "script":
            self.scripts.append(found)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
