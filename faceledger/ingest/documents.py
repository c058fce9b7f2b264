"""Normalizing seeds into the `documents` and `document_links` resources."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.findings import Finding
from ..core.package import Track
from ..core.schema_types import datetime_problem
from . import feedyaml, text, urls
from .seeds import SIDECAR_SUFFIX, Seed, read_seed, read_sidecar, seed_paths

# The news-feed front matter this project reads; anything else is reported.
FEED_KEYS = {
    "category",
    "title",
    "excerpt",
    "publishedDateTime",
    "originalUrl",
    "webUrl",
    "ampWebUrl",
    "cdnAmpWebUrl",
    "type",
    "quality",
    "heat",
    "published",
    "provider",
    "topics",
    "images",
    "related",
    "secured",
}
# Document fields a curator may supply, with a source, for a plain-text seed.
SIDECAR_FIELDS = ("excerpt", "publisher", "publisher_domain", "published_at", "url", "topics")
# Fields a reader expects of a document; a plain-text seed without them gets a warning.
EXPECTED_FIELDS = ("publisher", "published_at", "url")


@dataclass
class Documents:
    """The normalized documents, their links, and the text each can be quoted from."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def document_id(key: str) -> str:
    return "doc-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def parse_timestamp(value: Any) -> tuple[datetime | None, str | None]:
    """A timezone-aware timestamp in UTC, or the reason it is not one."""
    if isinstance(value, str):
        try:
            stamp = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            return None, f"{value!r} is {datetime_problem(value.strip(), exc)}"
    else:
        return None, f"{value!r} is not a date and time"
    if stamp.tzinfo is None:
        return None, f"{value!r} has no time zone (add 'Z' for UTC)"
    return stamp.astimezone(UTC).replace(microsecond=0), None


def build_documents(
    root: Path, track: Track | None = None, columns: Sequence[str] | None = None
) -> Documents:
    """Every seed normalized; `track` wraps the seed loop to show progress.

    Each row sets the fields it has a value for; `columns` (the documents
    schema's fields) are the fields every row then has, null where unset.
    Without it, as for a bare folder of seeds, rows share the fields any row sets.
    """
    out = Documents()
    seeds: list[Seed] = []
    paths = seed_paths(root / "seeds")
    for path in track(paths, len(paths)) if track else paths:
        rel = path.relative_to(root).as_posix()
        seed, findings = read_seed(path, rel)
        out.findings += findings
        if seed is not None:
            seeds.append(seed)
    _check_orphan_sidecars(root, out)

    by_id: dict[str, dict[str, Any]] = {}
    by_url: dict[str, str] = {}
    for seed in seeds:
        row = _seed_row(root, seed, out)
        if row is None:
            continue
        doc_id = row["document_id"]
        twin = by_id.get(doc_id) or (by_id.get(by_url[row["url"]]) if row["url"] in by_url else None)
        if twin is not None:
            out.findings.append(
                Finding(seed.path, None, "duplicate-document", f"the same document as {twin['seed_path']}")
            )
            continue
        by_id[doc_id] = row
        # A related entry may cite any of a seed's addresses; each leads to the seed.
        for raw in (row["url"], seed.metadata.get("webUrl")):
            url = urls.canonical_url(raw)
            if url:
                by_url.setdefault(url, doc_id)

    related_rows: dict[str, dict[str, Any]] = {}
    for seed in seeds:
        source_id = document_id_of(seed)
        if source_id not in by_id or by_id[source_id]["seed_path"] != seed.path:
            continue
        _add_related(seed, source_id, by_id, by_url, related_rows, out)

    rows = [*by_id.values(), *related_rows.values()]
    names = list(columns) if columns is not None else list(dict.fromkeys(k for row in rows for k in row))
    out.rows = sorted(({**dict.fromkeys(names), **row} for row in rows), key=lambda r: r["document_id"])
    out.links.sort(key=lambda r: (r["document_id"], r["related_document_id"]))
    return out


def document_id_of(seed: Seed) -> str:
    # Seeds are never edited, so the hash of their bytes is stable across renames.
    return "doc-" + seed.sha256[:16]


def _seed_row(root: Path, seed: Seed, out: Documents) -> dict[str, Any] | None:
    meta = seed.metadata
    problems: list[Finding] = []

    def bad(key: str, message: str, code: str = "bad-value", severity: str = "error") -> None:
        problems.append(Finding(seed.path, seed.line(key), code, message, field=key, severity=severity))  # type: ignore[arg-type]

    if seed.source_format == "front-matter":
        for key in sorted(set(meta) - FEED_KEYS):
            bad(key, f"unknown front-matter key {key!r}; it is not published", "unknown-key", "warning")
    title = meta.get("title")
    if not isinstance(title, str) or not text.clean(title):
        line = seed.line("title") if "title" in meta else (seed.line() or 1)
        out.findings.append(
            Finding(seed.path, line, "missing-title", "the document has no title", field="title")
        )
        return None

    row: dict[str, Any] = {
        "document_id": document_id_of(seed),
        "title": text.clean(title),
        "excerpt": _text_value(meta, "excerpt", bad),
        "topics": _topics(meta.get("topics"), lambda m: bad("topics", m)),
        "content_sha256": seed.sha256,
        "seed_path": seed.path,
        "source_format": seed.source_format,
    }
    provider = meta.get("provider")
    if isinstance(provider, dict):
        row["publisher"] = text.clean(provider.get("name")) if isinstance(provider.get("name"), str) else None
        row["publisher_domain"] = _domain(provider.get("domain"))
    elif provider is not None:
        bad("provider", "provider must be a mapping with name and domain")
    if "publishedDateTime" in meta:
        row["published_at"], reason = parse_timestamp(meta["publishedDateTime"])
        if reason:
            bad("publishedDateTime", reason, "bad-date")
    for key in ("originalUrl", "webUrl"):
        if meta.get(key) is not None and urls.canonical_url(meta[key]) is None:
            bad(key, f"{meta[key]!r} is not an absolute http(s) URL", "bad-url")
    row["url"] = urls.canonical_url(meta.get("originalUrl")) or urls.canonical_url(meta.get("webUrl"))

    if seed.source_format == "plain-text":
        _apply_sidecar(root, seed, row, out)
    out.findings += problems
    if any(p.severity == "error" for p in problems):
        return None
    body = text.clean(seed.body)
    row["word_count"] = text.word_count(row["title"], row["excerpt"], body)
    out.texts[row["document_id"]] = "\n".join(p for p in (row["title"], row["excerpt"], body) if p)
    return row


def _text_value(meta: dict[str, Any], key: str, bad: Any) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        bad(key, f"{key} must be text")
        return None
    return text.clean(value)


def _topics(value: Any, bad: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        bad("topics must be a list of text labels")
        return None
    topics = [t for t in (text.clean(t) for t in value) if t]
    for topic in topics:
        if "|" in topic:
            bad(f"topic {topic!r} contains '|', the CSV list delimiter")
            return None
    return topics or None


def _domain(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower().removeprefix("www.")


def _apply_sidecar(root: Path, seed: Seed, row: dict[str, Any], out: Documents) -> None:
    sidecar_rel = seed.path + SIDECAR_SUFFIX
    sidecar_path = root / sidecar_rel
    if sidecar_path.exists():
        data, node, findings = read_sidecar(sidecar_path, sidecar_rel)
        out.findings += findings
        for key, entry in (data or {}).items():
            line = _sidecar_line(node, key)
            if key not in SIDECAR_FIELDS:
                out.findings.append(
                    Finding(
                        sidecar_rel,
                        line,
                        "sidecar-unknown-field",
                        f"{key!r} is not a field a sidecar can set; use one of {', '.join(SIDECAR_FIELDS)}",
                        field=key,
                    )
                )
                continue
            if not isinstance(entry, dict) or "value" not in entry or not entry.get("source"):
                out.findings.append(
                    Finding(
                        sidecar_rel,
                        line,
                        "sidecar-unsourced",
                        "each field needs a 'value' and a 'source' saying where the value comes from",
                        field=key,
                    )
                )
                continue
            value, reason = _sidecar_value(key, entry["value"])
            if reason:
                out.findings.append(Finding(sidecar_rel, line, "bad-value", reason, field=key))
            else:
                row[key] = value
    for key in EXPECTED_FIELDS:
        if row.get(key) is None:
            out.findings.append(
                Finding(
                    seed.path,
                    None,
                    "metadata-missing",
                    f"the document states no {key.replace('_', ' ')} and no sidecar ({sidecar_rel}) supplies one with a source",
                    field=key,
                    severity="warning",
                )
            )


def _sidecar_value(key: str, value: Any) -> tuple[Any, str | None]:
    """The value converted for the documents table, or the reason it is unusable."""
    if value is None:
        return None, None
    if key == "published_at":
        return parse_timestamp(value)
    if key == "url":
        url = urls.canonical_url(value)
        return url, None if url else f"{value!r} is not an absolute http(s) URL"
    if key == "topics":
        errors: list[str] = []
        topics = _topics(value, errors.append)
        return topics, errors[0] if errors else None
    if not isinstance(value, str):
        return None, f"{key} must be text"
    return (_domain(value) if key == "publisher_domain" else text.clean(value)), None


def _sidecar_line(node: Any, key: str) -> int | None:
    line = feedyaml.line_of(node, key)
    return None if line is None else line + 1


def _check_orphan_sidecars(root: Path, out: Documents) -> None:
    seed_dir = root / "seeds"
    if not seed_dir.is_dir():
        return
    for path in sorted(seed_dir.glob("*" + SIDECAR_SUFFIX)):
        if not (seed_dir / path.name.removesuffix(SIDECAR_SUFFIX)).is_file():
            out.findings.append(
                Finding(
                    path.relative_to(root).as_posix(),
                    None,
                    "sidecar-orphan",
                    "no seed of this name sits beside the sidecar",
                )
            )


def _add_related(
    seed: Seed,
    source_id: str,
    by_id: dict[str, dict[str, Any]],
    by_url: dict[str, str],
    related_rows: dict[str, dict[str, Any]],
    out: Documents,
) -> None:
    related = seed.metadata.get("related")
    if related is None:
        return
    if not isinstance(related, list):
        out.findings.append(
            Finding(seed.path, seed.line("related"), "bad-value", "related must be a list", field="related")
        )
        return
    linked: set[str] = set()
    for index, entry in enumerate(related):
        where = f"related[{index}]"
        line = seed.line("related", index)
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("title"), str)
            or not text.clean(entry["title"])
        ):
            out.findings.append(
                Finding(
                    seed.path, line, "related-invalid", "a related entry needs at least a title", field=where
                )
            )
            continue
        url = urls.canonical_url(entry.get("originalUrl")) or urls.canonical_url(entry.get("webUrl"))
        published, reason = (None, None)
        if entry.get("publishedDateTime") is not None:
            published, reason = parse_timestamp(entry["publishedDateTime"])
        if reason:
            out.findings.append(
                Finding(
                    seed.path,
                    seed.line("related", index, "publishedDateTime"),
                    "bad-date",
                    reason,
                    field=where + ".publishedDateTime",
                )
            )
            continue
        title = text.clean(entry["title"])
        target = by_url.get(url) if url else None
        if target is None:
            target = document_id(url or f"{title}\n{published}")
        if target == source_id:
            out.findings.append(
                Finding(
                    seed.path,
                    line,
                    "related-self",
                    "the document lists itself as related; no link is made",
                    field=where,
                    severity="warning",
                )
            )
            continue
        if target in linked:
            out.findings.append(
                Finding(
                    seed.path,
                    line,
                    "related-duplicate",
                    "this related article is listed earlier; the first position is kept",
                    field=where,
                    severity="warning",
                )
            )
            continue
        linked.add(target)
        out.links.append({"document_id": source_id, "related_document_id": target, "position": index + 1})
        if target in by_id or target in related_rows:
            continue
        provider: dict[str, Any] = entry["provider"] if isinstance(entry.get("provider"), dict) else {}
        excerpt = text.clean(entry["excerpt"]) if isinstance(entry.get("excerpt"), str) else None
        related_rows[target] = {
            "document_id": target,
            "title": title,
            "excerpt": excerpt,
            "publisher": text.clean(provider.get("name")) if isinstance(provider.get("name"), str) else None,
            "publisher_domain": _domain(provider.get("domain")),
            "published_at": published,
            "url": url,
            "word_count": text.word_count(title, excerpt),
            "source_format": "related",
        }
        out.texts[target] = "\n".join(p for p in (title, excerpt) if p)
