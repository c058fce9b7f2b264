"""The catalogue of finding codes: every code a check can report, with its severity, topics and meaning.

Like frictionless-py's error classes, one entry per kind of finding, so the
tables in README.md and docs/facts.md are generated from it
(publish/codes_doc.py) instead of drifting by hand, and tests/test_core_codes.py
scans the source to prove that it names exactly the codes the checks emit.
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Severity

# The topics a code can belong to, in the order the docs list them.
TOPICS = {
    "seeds": "Seeds and front matter",
    "sidecars": "Sidecars (`*.meta.yaml`)",
    "tables": "CSV files",
    "schemas": "Schemas and descriptor",
    "facts": "Curated facts",
    "ids": "Ids, tombstones and versions",
    "release": "Releasing and comparing versions",
    "verify": "`faceledger verify`",
    "frictionless": "The frictionless validator",
}

ERROR: tuple[Severity, ...] = ("error",)
WARNING: tuple[Severity, ...] = ("warning",)
INFO: tuple[Severity, ...] = ("info",)
# The diff's problems: `diff` and `release` refuse them, `build` only reports them (build.py).
BOTH: tuple[Severity, ...] = ("error", "warning")

# A code ending in this stands for a family whose rest comes from another tool.
FAMILY = "*"


@dataclass(frozen=True)
class Code:
    code: str
    severity: tuple[Severity, ...]
    # The first topic is where the README lists the code; the others are where else it is reported.
    topics: tuple[str, ...]
    meaning: str

    def matches(self, code: str) -> bool:
        if self.code.endswith(FAMILY):
            return code.startswith(self.code[: -len(FAMILY)])
        return code == self.code


CODES: tuple[Code, ...] = (
    # Seeds and front matter
    Code(
        "unreadable",
        ERROR,
        ("seeds", "release"),
        "a seed that cannot be read (a folder or a broken link in `seeds/`), or a data file of a version "
        "`diff` cannot read",
    ),
    Code("empty-file", ERROR, ("seeds",), "a seed that is empty or holds only whitespace"),
    Code(
        "not-utf8",
        ERROR,
        ("seeds", "sidecars", "tables"),
        "a seed, sidecar or CSV file that is not valid UTF-8",
    ),
    Code(
        "byte-order-mark",
        WARNING,
        ("seeds",),
        "a seed that starts with a UTF-8 byte order mark; it is ignored",
    ),
    Code(
        "front-matter-unterminated",
        ERROR,
        ("seeds",),
        "front matter opened with `---` on line 1 is never closed by a `---` line",
    ),
    Code(
        "front-matter-invalid",
        ERROR,
        ("seeds",),
        "front matter that is not valid YAML or not a mapping, or has duplicate or non-text keys, or uses aliases",
    ),
    Code("missing-title", ERROR, ("seeds",), "a document without a title"),
    Code(
        "bad-date",
        ERROR,
        ("seeds", "facts"),
        "a date or time that cannot be read or does not exist: a seed's or related entry's "
        "`publishedDateTime`, or a curated partial date such as `2021-02-30`",
    ),
    Code("bad-url", ERROR, ("seeds",), "an `originalUrl` or `webUrl` that is not an absolute http(s) URL"),
    Code(
        "unknown-key",
        WARNING,
        ("seeds",),
        "a front-matter key this project does not read; it is not published",
    ),
    Code("related-invalid", ERROR, ("seeds",), "a related entry without a title"),
    Code("related-self", WARNING, ("seeds",), "a document that lists itself as related; no link is made"),
    Code(
        "related-duplicate",
        WARNING,
        ("seeds",),
        "a related article listed twice by one document; the first position is kept",
    ),
    Code(
        "duplicate-document",
        ERROR,
        ("seeds",),
        "two seeds that are the same document (the same bytes or the same canonical URL)",
    ),
    Code(
        "metadata-missing",
        WARNING,
        ("seeds", "sidecars"),
        "a plain-text seed whose publisher, publication time or URL neither the text nor a sidecar supplies",
    ),
    # Sidecars
    Code(
        "sidecar-invalid",
        ERROR,
        ("sidecars",),
        "a sidecar that is not valid YAML or not a mapping of field names to `{value, source}`",
    ),
    Code(
        "sidecar-unsourced",
        ERROR,
        ("sidecars",),
        "a sidecar field without a `value` and a `source` saying where the value comes from",
    ),
    Code("sidecar-unknown-field", ERROR, ("sidecars",), "a sidecar field that a sidecar cannot set"),
    Code("sidecar-orphan", ERROR, ("sidecars",), "a sidecar with no seed of its name beside it"),
    # CSV files
    Code("missing-header", ERROR, ("tables",), "a CSV file without a header row"),
    Code(
        "header-mismatch",
        ERROR,
        ("tables", "release"),
        "unknown or missing columns: a header (or a compared version's columns) that differs from the "
        "Table Schema's fields",
    ),
    Code("malformed-row", ERROR, ("tables",), "a row with more or fewer cells than the header"),
    Code(
        "malformed-csv", ERROR, ("tables",), "a CSV file the reader cannot parse, such as an unclosed quote"
    ),
    Code(
        "bad-value",
        ERROR,
        ("tables", "seeds", "sidecars", "facts", "release"),
        "a value that breaks its field's type, pattern or enum (identifiers included): a CSV cell, a "
        "front-matter or sidecar value, an entry of `dataset/private-names.txt`, a compared version's cell",
    ),
    Code(
        "duplicate-key",
        BOTH,
        ("tables", "release"),
        "a primary key value used twice; in a compared version `diff` and `release` refuse it and `build` "
        "warns",
    ),
    Code("foreign-key", ERROR, ("tables",), "a reference to a row that does not exist"),
    # Schemas and descriptor
    Code(
        "missing-file",
        ERROR,
        ("schemas", "tables", "facts", "release", "verify"),
        "a file that should be there is not: `datapackage.json`, a Table Schema, a data file, "
        "`dataset/private-names.txt`, or a file a release's checksums or descriptor list",
    ),
    Code(
        "invalid-json", ERROR, ("schemas", "release"), "a descriptor or Table Schema that is not valid JSON"
    ),
    Code(
        "invalid-descriptor",
        ERROR,
        ("schemas", "release", "verify"),
        "a descriptor that is not JSON or has no resources list, or a resource without a name, a relative path "
        "or a schema",
    ),
    Code("duplicate-resource", ERROR, ("schemas",), "two resources with the same name in `datapackage.json`"),
    Code(
        "invalid-schema",
        ERROR,
        ("schemas", "facts", "release"),
        "a Table Schema that cannot be read: no fields list, a nameless field, an unknown type, a key "
        "naming a missing field or resource, or a curated-fact rule the checks cannot follow",
    ),
    Code("undocumented-field", ERROR, ("schemas",), "a schema field without a description"),
    Code(
        "stale",
        ERROR,
        ("schemas",),
        "`build --check` and `validate`: a generated file (derived CSV, `datapackage.json`, the data "
        "dictionary, these tables) is out of date; run `faceledger build`",
    ),
    # Curated facts
    Code(
        "quote-not-found",
        ERROR,
        ("facts",),
        "a quote that is not in the cited document's title, excerpt or body; whitespace and straight "
        "versus typographic quote marks may differ, nothing else, not even case",
    ),
    Code(
        "unsupported-value",
        ERROR,
        ("facts",),
        "a value the quotes cited for it do not state: an amount, total or date; a `description`, "
        "`draws_on` or `purpose` not in a quote's words; a buyer, vendor, end user, operator, organization "
        "or proper system name that none of the fact's quotes name; a country or parent with no source",
    ),
    Code("no-evidence", ERROR, ("facts",), "a fact with no evidence row"),
    Code(
        "evidence-target",
        ERROR,
        ("facts",),
        "an evidence row for no fact or for several facts: fill exactly one of its fact ids",
    ),
    Code("unknown-field", ERROR, ("facts",), "an evidence row listing a field its fact does not have"),
    Code(
        "cited-empty-field",
        WARNING,
        ("facts",),
        "an evidence row cited for a field that is empty in its fact",
    ),
    Code(
        "unknown-code",
        ERROR,
        ("facts",),
        "a country that is not ISO 3166-1 alpha-2 (the United Kingdom is `GB`, not `UK`) or a currency "
        "that is not ISO 4217",
    ),
    Code("non-positive-amount", ERROR, ("facts",), "an amount or total value of zero or less"),
    Code("missing-currency", ERROR, ("facts",), "an amount or total value without its currency"),
    Code("total-below-amount", ERROR, ("facts",), "a contract's total value below its amount"),
    Code("precision-mismatch", ERROR, ("facts",), "a date precision that contradicts the date"),
    Code("missing-value", ERROR, ("facts",), "a date without its precision or its source"),
    Code(
        "future-date",
        ERROR,
        ("facts",),
        "an award date later than the publication of a document that reports it",
    ),
    Code(
        "relationship-mismatch",
        ERROR,
        ("facts",),
        "a `customer` row with an amount or date, a `contract` or `customer` row without a vendor, or a "
        "`use` row without a system",
    ),
    Code("system-without-party", ERROR, ("facts",), "a system with neither a vendor nor an operator"),
    Code("parent-cycle", ERROR, ("facts",), "organizations that are their own ancestors"),
    Code(
        "private-person",
        ERROR,
        ("facts",),
        "a curated name, alias or quote that names a private person listed in `dataset/private-names.txt`",
    ),
    # Ids, tombstones and versions
    Code(
        "reused-id",
        BOTH,
        ("ids",),
        "a row that uses an id a tombstone retired; comparing versions, `diff` and `release` refuse it and "
        "`build` warns",
    ),
    Code(
        "unknown-resource",
        ERROR,
        ("ids",),
        "a tombstone for a resource whose primary key is not a single field",
    ),
    Code(
        "unexpected-replacement",
        ERROR,
        ("ids",),
        "a `removed` tombstone that names a replacement; a renamed id has status `renamed`",
    ),
    Code("missing-replacement", ERROR, ("ids",), "a `renamed` tombstone without the id that replaces it"),
    Code("redirect-cycle", ERROR, ("ids",), "renames that lead back to an id they started from"),
    Code("unknown-replacement", ERROR, ("ids",), "a rename to an id that is not in its resource"),
    Code(
        "tombstone-dropped",
        BOTH,
        ("ids",),
        "a published tombstone missing from the newer version (`diff` and `release` refuse it, `build` warns)",
    ),
    Code(
        "tombstone-changed",
        BOTH,
        ("ids",),
        "a published tombstone whose status or replacement changed (`diff` and `release` refuse it, "
        "`build` warns)",
    ),
    Code(
        "removed-without-tombstone",
        BOTH,
        ("ids",),
        "ids an earlier version published that are gone without a tombstone (`diff` and `release` refuse "
        "it, `build` warns)",
    ),
    Code(
        "invalid-version",
        ERROR,
        ("ids", "release"),
        "a version that is not MAJOR.MINOR.PATCH, or a requested release that is not a step up",
    ),
    Code(
        "version-bump-too-small",
        ERROR,
        ("ids", "release"),
        "`diff --check-version` and `release`: a version step smaller than the changes need",
    ),
    # Releasing and comparing versions
    Code(
        "already-released",
        ERROR,
        ("release",),
        "`release` of a version already tagged, already the previous release's, or already in `CHANGELOG.md`",
    ),
    Code(
        "nothing-to-release",
        ERROR,
        ("release",),
        "`release` with no change since the last release and no unreleased entries in `CHANGELOG.md`",
    ),
    Code(
        "no-release-date",
        ERROR,
        ("release",),
        "`release` cannot date the release: no commit, no `SOURCE_DATE_EPOCH` and no `--date`",
    ),
    Code("invalid-epoch", ERROR, ("release",), "a `SOURCE_DATE_EPOCH` that is not whole seconds since 1970"),
    Code(
        "unknown-version", ERROR, ("release",), "a version to compare that is neither a folder nor a git ref"
    ),
    Code("unreadable-version", ERROR, ("release",), "a git ref whose files cannot be read"),
    Code(
        "not-a-package",
        ERROR,
        ("release",),
        "a folder to compare with no `datapackage.json`, in itself or in a release's format folder",
    ),
    Code(
        "unsupported-format",
        ERROR,
        ("release",),
        "a compared version's data file that is neither CSV nor Parquet",
    ),
    # faceledger verify
    Code("not-found", ERROR, ("verify",), "no such folder or zip file to verify"),
    Code("nothing-to-verify", ERROR, ("verify",), "a folder with no `SHA256SUMS`, descriptor or zip file"),
    Code(
        "malformed-line",
        ERROR,
        ("verify",),
        "a `SHA256SUMS` line that is not `<sha256>  <relative path>` as a release writes it, or repeats a path",
    ),
    Code(
        "checksum-mismatch",
        ERROR,
        ("verify",),
        "a file or zip member whose SHA-256 is not the one in `SHA256SUMS`; without it, a zip's copy of a "
        "file beside it that differs from that file",
    ),
    Code("unlisted-file", ERROR, ("verify",), "a file or zip member that `SHA256SUMS` does not list"),
    Code(
        "unchecked-file",
        WARNING,
        ("verify",),
        "a file in a folder without `SHA256SUMS` that no descriptor lists",
    ),
    Code("bytes-mismatch", ERROR, ("verify",), "a resource whose size is not the `bytes` in its descriptor"),
    Code("no-hash", ERROR, ("verify",), "a resource whose descriptor records no sha256 `hash`"),
    Code("hash-mismatch", ERROR, ("verify",), "a resource whose SHA-256 is not the `hash` in its descriptor"),
    Code("corrupt-zip", ERROR, ("verify",), "a zip or zip member that cannot be read or fails its CRC"),
    Code(
        "unsafe-path", ERROR, ("verify",), "a zip member named out of its folder (`../x`, `/x`); never read"
    ),
    Code(
        "too-large", ERROR, ("verify",), "a file or zip member over its recorded size or 64 MiB; never read"
    ),
    # The frictionless validator
    Code(
        "frictionless-*",
        ERROR,
        ("frictionless",),
        "`validate`: an error the frictionless validator reports, named by its type (`frictionless-type-error`)",
    ),
)

BY_CODE = {entry.code: entry for entry in CODES}


def lookup(code: str) -> Code | None:
    """The catalogue entry for `code`, a family's for codes such as `frictionless-type-error`."""
    return BY_CODE.get(code) or next((entry for entry in CODES if entry.matches(code)), None)
