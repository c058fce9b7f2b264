"""The Jinja2 environment the site's pages are rendered in: autoescape on for every template and value."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .passages import Passage, passage

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}")
_CODE = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Cell:
    """A table cell or list item: its text, the page it links to, and the value it sorts by."""

    text: Any
    href: str | None = None
    sort: Any = None
    note: str | None = None


def page_name(key: str) -> str:
    """A file name for the page of `key`: the id itself when it is a plain name, else a digest of it."""
    if _SAFE_NAME.fullmatch(key) and key not in (".", ".."):
        return key
    return "id-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def _code_spans(text: Any) -> Markup:
    """Text with its `backticked` spans as <code>, everything escaped first."""
    return Markup(_CODE.sub(lambda m: f"<code>{m[1]}</code>", str(escape(str(text or "")))))


def figure(value: Any) -> str:
    """A cell as text; a number with its thousands grouped and, when whole, no decimal point."""
    if value is None:
        return ""
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return f"{int(value):,}" if value == int(value) else f"{value:,}"
    if isinstance(value, list):
        return "; ".join(figure(item) for item in value)
    return str(value)


def _filesize(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1000 or unit == "MB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size = size / 1000  # type: ignore[assignment]
    return f"{size} B"


def _passage(row: dict[str, Any], document: dict[str, Any] | None, texts: dict[str, str]) -> Passage:
    """The quote in the text the quote check read (title, excerpt and body), else in the release's excerpt."""
    text = texts.get(str(row.get("document_id"))) or (document or {}).get("excerpt")
    return passage(str(row.get("quote") or ""), text)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("faceledger.website", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["page"] = page_name
    env.filters["code"] = _code_spans
    env.filters["filesize"] = _filesize
    env.filters["passage"] = _passage
    env.filters["figure"] = figure
    return env


def render(template: str, **values: Any) -> bytes:
    return environment().get_template(template).render(**values).encode("utf-8")
