"""Sidecars: the fields a curator supplies, each with its source, for a plain-text seed."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.findings import Finding
from . import feedyaml, urls
from .fields import check_year, checked_text, domain_value, parse_timestamp, too_long, topics
from .merge import Documents
from .seeds import SIDECAR_SUFFIX, Seed, read_sidecar

# Document fields a curator may supply, with a source, for a plain-text seed.
SIDECAR_FIELDS = ("excerpt", "publisher", "publisher_domain", "published_at", "url", "topics")
# Fields a reader expects of a document; a plain-text seed without them gets a warning.
EXPECTED_FIELDS = ("publisher", "published_at", "url")


def apply_sidecar(root: Path, seed: Seed, row: dict[str, Any], out: Documents, now: datetime | None) -> None:
    sidecar_rel = seed.path + SIDECAR_SUFFIX
    sidecar_path = root / sidecar_rel
    if os.path.lexists(sidecar_path):
        data, node, findings = read_sidecar(sidecar_path, sidecar_rel, root)
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
            problems: list[Finding] = []

            def bad(name: str, message: str, code: str = "bad-value", severity: str = "error") -> None:
                problems.append(Finding(sidecar_rel, line, code, message, field=name, severity=severity))  # type: ignore[arg-type]  # noqa: B023

            value, reason = _sidecar_value(key, entry["value"], bad)
            if reason:
                bad(key, reason)
            elif key == "published_at" and value is not None:
                check_year(value, now, key, bad)
            out.findings += problems
            if not any(p.severity == "error" for p in problems):
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


def _sidecar_value(key: str, value: Any, bad: Any) -> tuple[Any, str | None]:
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
        labels = topics(value, errors.append, bad)
        return labels, errors[0] if errors else None
    if key == "publisher_domain":
        return domain_value(value)
    if not isinstance(value, str):
        return None, f"{key} must be text, not {value!r}"
    if too_long(key, value):
        return None, too_long(key, value)
    return checked_text(value, key, bad), None


def _sidecar_line(node: Any, key: str) -> int | None:
    line = feedyaml.line_of(node, key)
    return None if line is None else line + 1


def check_orphan_sidecars(root: Path, names: list[str], out: Documents) -> None:
    seed_dir = root / "seeds"
    for name in names:
        if name.startswith(".") or not name.endswith(SIDECAR_SUFFIX):
            continue
        if not (seed_dir / name.removesuffix(SIDECAR_SUFFIX)).is_file():
            out.findings.append(
                Finding(
                    f"seeds/{name}",
                    None,
                    "sidecar-orphan",
                    "no seed of this name sits beside the sidecar",
                )
            )
