"""The site's charts: Vega-Lite specs made with altair and rendered to SVG at build time by vl-convert.

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


def _svg(chart: Any, title: str, description: str) -> bytes:
    import vl_convert

    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
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


def _amount_chart(who: str) -> Callable[[dict[str, Any]], Any]:
    def draw(data: dict[str, Any]) -> Any:
        import altair as alt

        return (
            alt.Chart(data, width=WIDTH)
            .mark_bar()
            .encode(
                x=alt.X("sum(amount):Q", title="amount (not converted between currencies)"),
                y=alt.Y(f"{who}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=LABELS)),
                color=alt.Color("currency:N"),
            )
        )

    return draw


def _year_chart(data: dict[str, Any]) -> Any:
    import altair as alt

    return (
        alt.Chart(data, width=WIDTH)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="award year"),
            y=alt.Y("sum(contracts):Q", title="contracts"),
            color=alt.Color("precision:N", title="date precision"),
        )
    )


def _matrix_chart(data: dict[str, Any]) -> Any:
    import altair as alt

    base = alt.Chart(data, width=WIDTH).encode(
        x=alt.X("vendor:N", axis=alt.Axis(labelAngle=-30, labelLimit=LABELS)),
        y=alt.Y("buyer:N", axis=alt.Axis(labelLimit=LABELS)),
    )
    return base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("contracts:Q", scale=alt.Scale(scheme="blues"))
    ) + base.mark_text(fontSize=13).encode(text="contracts:Q")


def _drawn(
    draw: Callable[[dict[str, Any]], Any], data: dict[str, Any], title: str, description: str
) -> bytes:
    return _svg(draw(data), title, description)


def charts(release: Release, cache: RenderCache | None = None) -> list[Chart]:
    """Every chart, its SVG from `cache` when the same rows were drawn before (altair is then not imported)."""
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
