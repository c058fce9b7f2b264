"""A seed's related list: each entry a metadata-only description of another article."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..core.findings import Finding
from ..core.limits import RELATED_ENTRIES
from . import text, urls
from .fields import check_year, checked_text, parse_timestamp, publisher, too_long
from .merge import Source
from .seeds import Seed

# Where a feed gives an article's addresses, the one to publish first (see docs/identity.md).
ADDRESS_KEYS = ("originalUrl", "webUrl", "ampWebUrl", "cdnAmpWebUrl")


def addresses(meta: dict[str, Any]) -> list[str]:
    """The canonical URLs of an article's addresses, originalUrl before webUrl before the AMP copies."""
    found = (urls.canonical_url(meta.get(key)) for key in ADDRESS_KEYS)
    return list(dict.fromkeys(url for url in found if url))


def related_sources(seed: Seed, findings: list[Finding], now: datetime | None = None) -> list[Source]:
    """The entries of a seed's related list as sources, in list order; a bad entry is a finding instead."""
    related = seed.metadata.get("related")
    if related is None:
        return []
    if not isinstance(related, list):
        findings.append(
            Finding(seed.path, seed.line("related"), "bad-value", "related must be a list", field="related")
        )
        return []
    if len(related) > RELATED_ENTRIES:
        message = f"related lists {len(related):,} entries; at most {RELATED_ENTRIES:,} are read"
        findings.append(Finding(seed.path, seed.line("related"), "over-limit", message, field="related"))
        return []
    sources = []
    for index, entry in enumerate(related):
        where = f"related[{index}]"
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("title"), str)
            or not text.clean(entry["title"])
        ):
            findings.append(
                Finding(
                    seed.path,
                    seed.line("related", index),
                    "related-invalid",
                    "a related entry needs at least a title",
                    field=where,
                )
            )
            continue
        long = next((r for key in ("title", "excerpt") if (r := too_long(key, entry.get(key)))), None)
        if long:
            findings.append(Finding(seed.path, seed.line("related", index), "over-limit", long, field=where))
            continue
        problems: list[Finding] = []

        def bad(key: str, message: str, code: str = "bad-value", severity: str = "error") -> None:
            at = seed.line("related", index, key.split(".")[0]) or seed.line("related", index)  # noqa: B023
            problems.append(Finding(seed.path, at, code, message, field=f"{where}.{key}", severity=severity))  # type: ignore[arg-type]  # noqa: B023

        published, reason = (None, None)
        if entry.get("publishedDateTime") is not None:
            published, reason = parse_timestamp(entry["publishedDateTime"])
        if reason:
            bad("publishedDateTime", reason, "bad-date")
        elif published is not None:
            check_year(published, now, "publishedDateTime", bad)
        title = checked_text(entry["title"], "title", bad)
        excerpt = entry.get("excerpt")
        if excerpt is not None and not isinstance(excerpt, str):
            bad("excerpt", f"excerpt must be text, not {excerpt!r}")
        excerpt = checked_text(excerpt, "excerpt", bad) if isinstance(excerpt, str) else None
        provider = entry.get("provider")
        if provider is not None and not isinstance(provider, dict):
            bad("provider", "provider must be a mapping with name and domain")
        names = publisher(provider, bad)
        findings += problems
        if any(p.severity == "error" for p in problems):
            continue
        for key in ADDRESS_KEYS:
            if entry.get(key) is not None and urls.canonical_url(entry[key]) is None:
                findings.append(
                    Finding(
                        seed.path,
                        seed.line("related", index, key),
                        "bad-url",
                        f"{entry[key]!r} is not an absolute http(s) URL; the entry is kept without it",
                        field=f"{where}.{key}",
                        severity="warning",
                    )
                )
        values = {
            "title": title,
            "excerpt": excerpt,
            **names,
            "published_at": published,
            "url": urls.canonical_url(entry.get("originalUrl")) or urls.canonical_url(entry.get("webUrl")),
            "source_format": "related",
        }
        place = ("related", index)
        sources.append(
            Source(seed.path, index + 1, values, tuple(addresses(entry)), where=seed.lines, at=place)
        )
    return sources
