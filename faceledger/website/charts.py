"""The site's charts: Vega-Lite specs rendered to SVG at build time by vl-convert.

Rendering happens offline, in process. Each chart also keeps the rows it
draws, which the page shows as a table: the text alternative, and the
figures for anyone who would rather read them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from ..publish.cache import RenderCache
from .data import Release

_YEAR = re.compile(r"^(\d{4})")
_GRADIENT = re.compile(r"\bgradient_\d+\b")
NO_YEAR = "no year"
# One font stack a reader's system has; vl-convert measures text with its bundled fonts, so the
# SVG names no font file or URL.
FONT = "sans-serif"
WIDTH = 480
# Room for an organization's full name on an axis, in pixels.
LABELS = 320
# The Vega-Lite version the specs are written for (vl-convert renders them with its own).
VEGA_LITE = "https://vega.github.io/schema/vega-lite/v6.json"


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    svg: bytes


def _names(release: Release) -> dict[str, str]:
    return {
        key: str(row.get("name") or key)
        for key, row in release.by_id("organizations", "organization_id").items()
    }


def _amount(value: Any) -> Decimal:
    return Decimal(str(value))


def amount_by(release: Release, role: str) -> list[tuple[Any, ...]]:
    """Total amount and count of contracts per organization in `role` and currency, largest first."""
    names = _names(release)
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    counts: Counter[tuple[str, str]] = Counter()
    for row in release.rows("contracts"):
        if row.get(role) and row.get("amount") is not None:
            key = (names.get(str(row[role]), str(row[role])), str(row.get("currency") or "?"))
            totals[key] += _amount(row["amount"])
            counts[key] += 1
    return sorted(
        ((name, currency, total, counts[(name, currency)]) for (name, currency), total in totals.items()),
        key=lambda r: (-r[2], r[0], r[1]),
    )


def by_year(release: Release) -> list[tuple[Any, ...]]:
    """Contracts per award year and date precision; a date without a year counts under NO_YEAR."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in release.rows("contracts"):
        found = _YEAR.match(str(row.get("award_date") or ""))
        counts[(found[1] if found else NO_YEAR, str(row.get("award_date_precision") or "not stated"))] += 1
    return sorted(
        ((year, precision, n) for (year, precision), n in counts.items()), key=lambda r: (r[0], r[1])
    )


def matrix(release: Release) -> list[tuple[Any, ...]]:
    """Contracts per buyer and vendor pair."""
    names = _names(release)
    counts: Counter[tuple[str, str]] = Counter()
    for row in release.rows("contracts"):
        buyer, vendor = row.get("buyer_organization_id"), row.get("vendor_organization_id")
        if buyer and vendor:
            counts[(names.get(str(buyer), str(buyer)), names.get(str(vendor), str(vendor)))] += 1
    return sorted((buyer, vendor, n) for (buyer, vendor), n in counts.items())


def _data(rows: list[tuple[Any, ...]], fields: tuple[str, ...]) -> dict[str, Any]:
    """Inline data for a chart, as Vega-Lite's `data.values`."""
    values = [
        {name: (float(v) if isinstance(v, Decimal) else v) for name, v in zip(fields, row, strict=True)}
        for row in rows
    ]
    return {"values": values}


def _spec(data: dict[str, Any], **view: Any) -> dict[str, Any]:
    """A Vega-Lite spec: the view given, its data inline, and the settings every chart shares.

    The specs are written as Vega-Lite's JSON itself, not built with altair: they are four
    small fixed dicts, and importing altair (with the pandas it imports) took a third of a
    second of every build whose charts are not cached.
    """
    return {
        "$schema": VEGA_LITE,
        # A chart's height where an axis is continuous; its width is WIDTH.
        "config": {"font": FONT, "view": {"continuousHeight": 300, "continuousWidth": 300, "stroke": None}},
        "data": data,
        "width": WIDTH,
        **view,
    }


def _field(name: str, kind: str, **more: Any) -> dict[str, Any]:
    return {"field": name, "type": kind, **more}


def _svg(spec: dict[str, Any], title: str, description: str) -> bytes:
    import vl_convert

    drawn = vl_convert.vegalite_to_svg(spec)
    # Screen readers announce an SVG by its first <title> and <desc>.
    head, sep, rest = drawn.partition(">")
    labelled = f'{head} role="img" aria-labelledby="t d"{sep}<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>{rest}'
    return _numbered(labelled).encode("utf-8")


def _numbered(svg: str) -> str:
    """The SVG with its gradient ids counted from 0: vl-convert counts on across a process's charts."""
    names: dict[str, str] = {}
    for found in _GRADIENT.findall(svg):
        names.setdefault(found, f"gradient_{len(names)}")
    return _GRADIENT.sub(lambda m: names[m[0]], svg)


def _amount_chart(who: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def draw(data: dict[str, Any]) -> dict[str, Any]:
        return _spec(
            data,
            mark={"type": "bar"},
            encoding={
                "x": _field(
                    "amount",
                    "quantitative",
                    aggregate="sum",
                    title="amount (not converted between currencies)",
                ),
                "y": _field(who, "nominal", sort="-x", title=None, axis={"labelLimit": LABELS}),
                "color": _field("currency", "nominal"),
            },
        )

    return draw


def _year_chart(data: dict[str, Any]) -> dict[str, Any]:
    return _spec(
        data,
        mark={"type": "bar"},
        encoding={
            "x": _field("year", "ordinal", title="award year"),
            "y": _field("contracts", "quantitative", aggregate="sum", title="contracts"),
            "color": _field("precision", "nominal", title="date precision"),
        },
    )


def _matrix_chart(data: dict[str, Any]) -> dict[str, Any]:
    axes = {
        "x": _field("vendor", "nominal", axis={"labelAngle": -30, "labelLimit": LABELS}),
        "y": _field("buyer", "nominal", axis={"labelLimit": LABELS}),
    }
    cells = {**axes, "color": _field("contracts", "quantitative", scale={"scheme": "blues"})}
    counts = {**axes, "text": _field("contracts", "quantitative")}
    return _spec(
        data,
        layer=[
            {"mark": {"type": "rect", "stroke": "white", "strokeWidth": 2}, "encoding": cells},
            {"mark": {"type": "text", "fontSize": 13}, "encoding": counts},
        ],
    )


def _drawn(
    draw: Callable[[dict[str, Any]], dict[str, Any]], data: dict[str, Any], title: str, description: str
) -> bytes:
    return _svg(draw(data), title, description)


def charts(release: Release, cache: RenderCache | None = None) -> list[Chart]:
    """Every chart, its SVG from `cache` when the same rows were drawn before (vl-convert is then not imported)."""
    cache = cache or RenderCache()
    planned: list[tuple[str, str, str, tuple[str, ...], list[tuple[Any, ...]], Callable[..., Any]]] = []
    for role, who in (("buyer_organization_id", "buyer"), ("vendor_organization_id", "vendor")):
        rows = amount_by(release, role)
        said = "; ".join(f"{r[0]}: {r[2]} {r[1]}" for r in rows)
        description = f"Bar chart of the total contract amount per {who}, one colour per currency. {said}"
        fields: tuple[str, ...] = (who, "currency", "amount", "contracts")
        planned.append(
            (f"amount-by-{who}", f"Amount by {who}", description, fields, rows, _amount_chart(who))
        )

    rows = by_year(release)
    said = "; ".join(f"{r[0]} ({r[1]}): {r[2]}" for r in rows)
    description = (
        f"Stacked bar chart of contracts per award year, coloured by the award date's precision. {said}"
    )
    fields = ("year", "precision", "contracts")
    planned.append(("contracts-by-year", "Contracts by award year", description, fields, rows, _year_chart))

    rows = matrix(release)
    said = "; ".join(f"{r[0]} from {r[1]}: {r[2]}" for r in rows)
    description = f"Matrix of buyers (rows) by vendors (columns), each cell the number of contracts. {said}"
    fields = ("buyer", "vendor", "contracts")
    planned.append(
        ("buyer-vendor", "Which buyer contracts which vendor", description, fields, rows, _matrix_chart)
    )

    made = []
    for slug, title, description, fields, rows, draw in planned:
        svg = cache.rendered(
            f"chart {slug}",
            (title, description, fields, rows),
            partial(_drawn, draw, _data(rows, fields), title, description),
        )
        made.append(Chart(slug, title, description, fields, rows, svg))
    return made
