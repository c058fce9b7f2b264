"""The reference pages: the data dictionary from the release's Table Schemas, the finding codes, the changelog."""

from __future__ import annotations

import copy
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

from ..core.codes import CODES, TOPICS
from ..core.schema import Schema
from ..publish.dictionary import _rules, _type
from .data import Release


def _canonical(schema: dict[str, Any]) -> dict[str, Any]:
    """A format's schema with the canonical type of each field it had to declare otherwise (exporters/parquet.py)."""
    restored = copy.deepcopy(schema)
    for spec in restored.get("fields", []):
        spec.update(spec.pop("x-faceledger-type", {}))
    return restored


def dictionary(release: Release) -> dict[str, Any]:
    resources = []
    for resource in release.descriptor.get("resources", []):
        schema = Schema.from_dict(_canonical(resource["schema"]), resource["name"])
        resources.append(
            {
                "name": resource["name"],
                "title": resource.get("title") or "",
                "description": schema.description,
                "primary_key": schema.primary_key,
                "foreign_keys": [
                    {
                        "fields": fk.fields,
                        "resource": fk.resource or resource["name"],
                        "reference_fields": fk.reference_fields,
                    }
                    for fk in schema.foreign_keys
                ],
                "fields": [
                    {"name": f.name, "type": _type(f), "rules": _rules(f), "description": f.description}
                    for f in schema.fields
                ],
            }
        )
    return {"resources": resources}


def codes() -> dict[str, Any]:
    """The catalogue's codes under the first topic each belongs to, topics in the catalogue's order."""
    topics = [
        (topic, title, [entry for entry in CODES if entry.topics[0] == topic])
        for topic, title in TOPICS.items()
    ]
    return {"topics": [(topic, title, entries) for topic, title, entries in topics if entries]}


def changelog(text: str) -> Markup:
    """CHANGELOG.md as HTML, raw HTML in it escaped, its headings one level down (the page has the h1)."""
    parser = MarkdownIt("commonmark", {"html": False})
    tokens = parser.parse(text)
    # The page's h1 stands for the file's own title; other headings keep their levels under it.
    if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        tokens = tokens[3:]
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, max(2, int(token.tag[1])))}"
    return Markup(parser.renderer.render(tokens, parser.options, {}))
