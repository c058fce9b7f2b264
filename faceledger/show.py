"""`faceledger show`: one document's id, where its text comes from, and the text quotes are matched against.

The text is the document's title, excerpt and body as ingest/ repairs them (ftfy,
NFC): exactly what `quote-not-found` looks in, so a passage copied from it
matches. Only the seeds are read; the curated tables need not be valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .checks.passages import seed_sources
from .core.suggest import nearest
from .ingest.documents import build_documents


class UnknownDocument(LookupError):
    """No document has that id and no seed that path; the message suggests the nearest."""


@dataclass(frozen=True)
class Shown:
    document_id: str
    # The seed the document is, or None for a related article (a metadata-only document).
    seed_path: str | None
    # The seed files its text comes from: its own, or those listing it as a related article.
    sources: list[str]
    # The documents it lists as related articles.
    related: list[str]
    text: str

    def heading(self) -> str:
        """The id line: the id, then where the document comes from."""
        if self.seed_path is not None:
            where = self.seed_path
        else:
            where = "a related article listed by " + (", ".join(self.sources) or "no seed")
        lists = f"; lists {', '.join(self.related)} as related" if self.related else ""
        return f"{self.document_id}  {where}{lists}"


def show(root: Path, what: str) -> Shown:
    """The document `what` names: a document_id, or a seed's path (seeds/NAME) or file name."""
    documents = build_documents(root)
    rows = {row["document_id"]: row for row in documents.rows}
    by_seed = {row["seed_path"]: doc for doc, row in rows.items() if row.get("seed_path")}
    doc = (
        what
        if what in rows
        else by_seed.get(_seed_path(root, what)) or by_seed.get(f"seeds/{Path(what).name}")
    )
    if doc is None or doc not in documents.texts:
        raise UnknownDocument(_unknown(what, list(rows), list(by_seed)))
    sources = seed_sources(documents.rows, documents.links)
    return Shown(
        document_id=doc,
        seed_path=rows[doc].get("seed_path"),
        sources=sources.get(doc, []),
        related=[link["related_document_id"] for link in documents.links if link["document_id"] == doc],
        text=documents.texts[doc],
    )


def _seed_path(root: Path, what: str) -> str:
    """`what` as a repository-relative path, if it names a file under `root` (relative to here or to root)."""
    for path in (Path(what), root / what):
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return what


def _unknown(what: str, ids: list[str], seeds: list[str]) -> str:
    if what.startswith("doc-"):
        said, guess = f"no document has the id {what}", nearest(what, ids)
    else:
        said, guess = (
            f"no seed in seeds/ is {what}, and no document has that id",
            nearest(what, [*seeds, *ids]),
        )
        if guess is None:  # a file name alone, or a path from elsewhere
            names = {path.rsplit("/", 1)[-1]: path for path in seeds}
            name = nearest(Path(what).name, names)
            guess = None if name is None else names[name]
    hint = f"; did you mean {guess}?" if guess else "; dataset/documents/ lists every document_id"
    return said + hint
