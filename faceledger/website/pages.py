"""The pages of the records: contracts, organizations, systems and documents, each list and each record.

A record's page shows each of its fields beside the evidence rows whose
`fields` name it; evidence that names no field supports the record as a whole.
Fields come from the release's Table Schema, never from a list kept here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pyarrow as pa

from ..publish.cache import RenderCache
from .data import Release, Row, digest, rows_of
from .env import Cell, page_name, render
from .env import figure as _text

# Rows on one page of the documents list: at 100k documents, 200 pages of about 150 KB.
PAGE_SIZE = 500
# The documents' fields a listing page shows (whole rows are read only for cited documents).
LISTED = ("document_id", "title", "publisher", "published_at", "url")

Pages = dict[str, bytes]


def _href(kind: str, key: Any, up: str = "") -> str | None:
    return f"{up}{kind}/{page_name(str(key))}.html" if key else None


class Site:
    """Names and links shared by every page."""

    def __init__(self, release: Release, common: dict[str, Any], cache: RenderCache | None = None) -> None:
        self.release = release
        self.common = common
        self.cache = cache or RenderCache()
        self.organizations = release.by_id("organizations", "organization_id")
        self.systems = release.by_id("systems", "system_id")
        # Whole rows only of the documents evidence cites: the only documents a page links by title
        # (the list pages read their columns from Arrow, see `documents`).
        cited = {value for field, value in release.cited if field == "document_id"}
        self.documents = {
            str(row["document_id"]): row for row in release.tables.matching("documents", "document_id", cited)
        }
        self.contracts = release.by_id("contracts", "contract_id")
        # Which field of each resource refers to which resource (from the schemas' foreign keys).
        self.refs = {
            resource["name"]: {
                fk["fields"][0]: fk["reference"].get("resource") or resource["name"]
                for fk in resource["schema"].get("foreignKeys", [])
                if len(fk["fields"]) == 1
            }
            for resource in release.descriptor.get("resources", [])
        }

    def name(self, kind: str, key: Any) -> str:
        row = {"organizations": self.organizations, "systems": self.systems, "contracts": self.contracts}.get(
            kind, {}
        ).get(str(key))
        if kind == "documents":
            return str(self.documents.get(str(key), {}).get("title") or key)
        return str((row or {}).get("name") or key)

    def cell(self, resource: str, field: str, value: Any, up: str) -> Cell:
        target = self.refs.get(resource, {}).get(field)
        if target and value:
            return Cell(self.name(target, value), _href(target, value, up))
        if field.endswith("url") and value:
            return Cell(_text(value), str(value))
        return Cell(_text(value))

    def page(self, template: str, **values: Any) -> bytes:
        # A page is its template and these values, nothing else: what the render cache keys it by.
        return self.cache.rendered(
            template, (self.common, values), lambda: render(template, **self.common, **values)
        )

    def record(
        self,
        resource: str,
        key_field: str,
        row: Row,
        title: str,
        sections: list[Any],
        general_heading: str = "Quotes about it as a whole",
    ) -> bytes:
        key = str(row[key_field])
        evidence = self.release.citing(key_field, key)
        facts = []
        for spec in self.release.schema(resource).get("fields", []):
            name = spec["name"]
            quotes = [e for e in evidence if name in (e.get("fields") or [])]
            cell = self.cell(resource, name, row.get(name), "../")
            facts.append({"name": name, "text": cell.text, "href": cell.href, "quotes": quotes})
        general = [e for e in evidence if not e.get("fields")]
        # Only the documents its quotes come from: a page's values are what it is cached by.
        cited = sorted({str(e.get("document_id")) for e in evidence})
        texts = self.release.texts
        return self.page(
            "record.html",
            texts={key: texts[key] for key in cited if key in texts},
            title=title,
            up="../",
            intro=None,
            resource=resource,
            facts=facts,
            general=general,
            general_heading=general_heading,
            sections=sections,
            documents={key: self.documents[key] for key in cited if key in self.documents},
        )

    def page_by(self, template: str, key: Any, values: Callable[[], dict[str, Any]]) -> bytes:
        """A page cached by `key` instead of its values, which are made only when it is rendered.

        For pages whose values cost more to build than a digest of what they are drawn from:
        `key` must decide everything `values()` returns.
        """
        return self.cache.rendered(
            f"{template} by key",
            (self.common, key),
            lambda: render(template, **self.common, **values()),
        )

    def listing(
        self, name: str, title: str, columns: list[str], rows: list[list[Cell]], **extra: Any
    ) -> bytes:
        return self.page("listing.html", **listing_values(title, columns, rows, **extra))


def listing_values(title: str, columns: list[str], rows: list[list[Cell]], **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"intro": None, "pages": None, "sortable": True, "up": ""} | extra
    return {"title": title, "caption": title, "columns": columns, "rows": rows, **values}


def _contract_row(site: Site, row: Row) -> list[Cell]:
    amount = row.get("amount")
    date = _text(row.get("award_date"))
    precision = row.get("award_date_precision")
    return [
        Cell(row["contract_id"], _href("contracts", row["contract_id"])),
        Cell(_text(row.get("relationship"))),
        site.cell("contracts", "buyer_organization_id", row.get("buyer_organization_id"), ""),
        site.cell("contracts", "vendor_organization_id", row.get("vendor_organization_id"), ""),
        site.cell("contracts", "system_id", row.get("system_id"), ""),
        Cell(_text(amount), sort=amount if amount is not None else ""),
        Cell(_text(row.get("currency"))),
        Cell(f"{date} ({precision})" if date and precision else date, sort=date),
        Cell(_text(row.get("status"))),
    ]


CONTRACT_COLUMNS = [
    "contract",
    "relationship",
    "buyer",
    "vendor",
    "system",
    "amount",
    "currency",
    "date",
    "status",
]


def contracts(site: Site) -> Iterator[tuple[str, bytes]]:
    rows = site.release.rows("contracts")
    yield (
        "contracts.html",
        site.listing(
            "contracts",
            "Contracts and relationships",
            CONTRACT_COLUMNS,
            [_contract_row(site, row) for row in rows],
            intro="Every contract and relationship. With JavaScript on, click a heading to sort and type in the box to filter.",
        ),
    )
    for row in rows:
        key = str(row["contract_id"])
        title = f"{key}: {site.name('organizations', row.get('buyer_organization_id'))} and {site.name('organizations', row.get('vendor_organization_id')) if row.get('vendor_organization_id') else 'no vendor named'}"
        yield f"contracts/{page_name(key)}.html", site.record("contracts", "contract_id", row, title, [])


def _contract_items(site: Site, rows: list[Row], role: str) -> list[Cell]:
    return [
        Cell(
            f"{row['contract_id']} ({_text(row.get('relationship'))})",
            _href("contracts", row["contract_id"], "../"),
            note=role,
        )
        for row in rows
    ]


def organizations(site: Site) -> Iterator[tuple[str, bytes]]:
    all_contracts = site.release.rows("contracts")
    rows = site.release.rows("organizations")
    listed = [
        [
            Cell(row.get("name") or row["organization_id"], _href("organizations", row["organization_id"])),
            Cell(_text(row.get("kind"))),
            Cell(_text(row.get("country"))),
            site.cell("organizations", "parent_organization_id", row.get("parent_organization_id"), ""),
            Cell(len(site.release.citing("organization_id", str(row["organization_id"])))),
        ]
        for row in rows
    ]
    yield (
        "organizations.html",
        site.listing(
            "organizations", "Organizations", ["name", "kind", "country", "parent", "quotes"], listed
        ),
    )
    for row in rows:
        key = str(row["organization_id"])
        roles = [
            (f"As {role}", [c for c in all_contracts if c.get(field) == key])
            for role, field in (
                ("buyer", "buyer_organization_id"),
                ("vendor", "vendor_organization_id"),
                ("end user", "end_user_organization_id"),
            )
        ]
        sections = [(heading, _contract_items(site, found, "")) for heading, found in roles]
        children = [o for o in rows if o.get("parent_organization_id") == key]
        sections.append(
            (
                "As parent",
                [
                    Cell(
                        o.get("name") or o["organization_id"],
                        _href("organizations", o["organization_id"], "../"),
                    )
                    for o in children
                ],
            )
        )
        systems = [
            s
            for s in site.release.rows("systems")
            if key in (s.get("vendor_organization_id"), s.get("operator_organization_id"))
        ]
        sections.append(
            (
                "Systems it makes or runs",
                [
                    Cell(s.get("name") or s["system_id"], _href("systems", s["system_id"], "../"))
                    for s in systems
                ],
            )
        )
        yield (
            f"organizations/{page_name(key)}.html",
            site.record("organizations", "organization_id", row, str(row.get("name") or key), sections),
        )


def systems(site: Site) -> Iterator[tuple[str, bytes]]:
    rows = site.release.rows("systems")
    listed = [
        [
            Cell(row.get("name") or row["system_id"], _href("systems", row["system_id"])),
            Cell(_text(row.get("kind"))),
            site.cell("systems", "vendor_organization_id", row.get("vendor_organization_id"), ""),
            site.cell("systems", "operator_organization_id", row.get("operator_organization_id"), ""),
            Cell(len(site.release.citing("system_id", str(row["system_id"])))),
        ]
        for row in rows
    ]
    yield (
        "systems.html",
        site.listing("systems", "Systems", ["name", "kind", "vendor", "operator", "quotes"], listed),
    )
    for row in rows:
        key = str(row["system_id"])
        used = [c for c in site.release.rows("contracts") if c.get("system_id") == key]
        sections = [("Contracts for it", _contract_items(site, used, ""))]
        yield (
            f"systems/{page_name(key)}.html",
            site.record("systems", "system_id", row, str(row.get("name") or key), sections),
        )


def _page_file(number: int) -> str:
    return "documents.html" if number == 1 else f"documents-{number}.html"


def _documents_page(
    chunk: pa.Table | None, cites: list[int], number: int, count: int, total: int
) -> dict[str, Any]:
    listed: list[list[Cell]] = []
    for row, quotes in zip([] if chunk is None else rows_of(chunk), cites, strict=True):
        key = str(row["document_id"])
        listed.append(
            [
                Cell(row.get("title") or key, _href("documents", key) if quotes else None),
                Cell(_text(row.get("publisher"))),
                Cell(_text(row.get("published_at"))[:10]),
                Cell(quotes),
                Cell("source" if row.get("url") else "", row.get("url") or None),
            ]
        )
    pages = [{"number": n, "href": _page_file(n), "current": n == number} for n in range(1, count + 1)]
    return listing_values(
        "Documents" if count == 1 else f"Documents, page {number} of {count}",
        ["title", "publisher", "published", "quotes", "source"],
        listed,
        pages=pages,
        intro=f"{total} source documents, {PAGE_SIZE} to a page. A document that evidence quotes has its own page.",
        sortable=count == 1,
    )


def documents(site: Site) -> Iterator[tuple[str, bytes]]:
    """The documents list, PAGE_SIZE to a page, and a page for each document something cites.

    A list page is cached by a digest of its rows' Arrow data and their quote counts: after a
    one-document edit, the other pages are found without a row of them turned into Python.
    """
    table = site.release.tables.arrow("documents", LISTED)
    ids = [] if table is None else [str(v) for v in table.column("document_id").to_pylist()]
    quotes = [len(site.release.citing("document_id", key)) for key in ids]
    count = max(1, math.ceil(len(ids) / PAGE_SIZE))
    for number in range(1, count + 1):
        start = (number - 1) * PAGE_SIZE
        chunk = None if table is None else table.slice(start, PAGE_SIZE)
        cites = quotes[start : start + PAGE_SIZE]
        drawn_from = (number, count, len(ids), None if chunk is None else digest(chunk), cites)
        yield (
            _page_file(number),
            site.page_by(
                "listing.html", drawn_from, partial(_documents_page, chunk, cites, number, count, len(ids))
            ),
        )
    for key in ids:
        evidence = site.release.citing("document_id", key)
        if not evidence:
            continue
        row = site.documents[key]
        sections = [
            (
                "What its quotes support",
                [
                    Cell(
                        site.name(kind, e.get(field)),
                        _href(kind, e.get(field), "../"),
                        note=f"({e['evidence_id']})",
                    )
                    for e in evidence
                    for field, kind in (
                        ("contract_id", "contracts"),
                        ("organization_id", "organizations"),
                        ("system_id", "systems"),
                    )
                    if e.get(field)
                ],
            )
        ]
        yield (
            f"documents/{page_name(key)}.html",
            site.record(
                "documents",
                "document_id",
                row,
                str(row.get("title") or key),
                sections,
                "Quotes taken from it",
            ),
        )
