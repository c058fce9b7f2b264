"""Catalogue entries for what contributors write: seeds, sidecars, CSV files, schemas and curated facts."""

from __future__ import annotations

from .code_kinds import BOTH, ERROR, INFO, WARNING, Code

INPUT_CODES: tuple[Code, ...] = (
    # Seeds and front matter
    Code(
        "unreadable",
        ERROR,
        ("seeds", "sidecars", "tables", "schemas", "release"),
        "a file the system refuses to read, or a data file of a version `diff` cannot read",
    ),
    Code(
        "unsafe-file",
        ERROR,
        ("seeds", "sidecars", "tables", "schemas", "facts", "release"),
        "an input that is not a regular file inside the repository (or release folder): a symbolic link "
        "that leads outside it or to nothing, a folder, a device, a FIFO or a socket; it is never opened. "
        "Or a folder the build writes into (dist/, docs/, dataset/) that a symbolic link takes outside "
        "the repository; nothing is written through it",
    ),
    Code(
        "over-limit",
        ERROR,
        ("seeds", "sidecars", "tables", "schemas", "facts"),
        "a file, field or related list over its limit (README.md, What the build reads): a seed over 2 MiB, a title "
        "over 1,000 characters, more than 1,000 related entries",
    ),
    Code(
        "hidden-file",
        WARNING,
        ("seeds",),
        "a file in `seeds/` whose name starts with `.` (but `.gitkeep`): it is not read as a seed",
    ),
    Code(
        "cache-ignored",
        WARNING,
        ("seeds",),
        "the seed cache (`.faceledger-cache/`) was not used: git tracks it, it is not a plain folder, or it "
        "cannot be opened; the build reads every seed instead, with the same result",
    ),
    Code(
        "empty-file",
        ERROR,
        ("seeds",),
        "a seed that is empty or holds only whitespace (no-break spaces, U+2028, separators included)",
    ),
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
        "front matter that is not valid YAML or not a mapping, or has duplicate or non-text keys, or uses aliases, "
        "explicit tags (`!!int`, `!custom`), nesting deeper than 20 levels or integers over 20 digits",
    ),
    Code("missing-title", ERROR, ("seeds",), "a document without a title"),
    Code(
        "bad-date",
        ERROR,
        ("seeds", "facts"),
        "a date or time that cannot be read or does not exist: a seed's or related entry's "
        "`publishedDateTime` (one whose offset moves it outside the years 1 to 9999 included), "
        "or a curated partial date such as `2021-02-30`",
    ),
    Code(
        "bad-url",
        BOTH,
        ("seeds",),
        "a seed's `originalUrl`, `webUrl` or AMP URL that is not http(s) or that urllib refuses "
        "(a warning in a `related` entry, which is kept without it)",
    ),
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
        "two seeds of one article (docs/identity.md) that give it different titles or publication times; "
        "the finding names both files",
    ),
    Code(
        "document-merged",
        INFO,
        ("seeds",),
        "several sources of one article (a seed, related entries, copies) made one document; the finding "
        "names the sources and any value not kept (docs/identity.md)",
    ),
    Code(
        "metadata-missing",
        WARNING,
        ("seeds", "sidecars"),
        "a plain-text seed whose publisher, publication time or URL neither the text nor a sidecar supplies",
    ),
    Code(
        "hidden-character",
        BOTH,
        ("seeds", "facts"),
        "a control, bidi or zero-width character: in a seed's title, excerpt, publisher or topic a warning "
        "naming each one removed (a line separator becomes a space); in a curated cell an error",
    ),
    Code(
        "formula-like-text",
        BOTH,
        ("seeds", "facts"),
        "text starting with = + - @, a tab or a carriage return, which a spreadsheet runs as a formula: in a "
        "seed a warning (the release CSV writes it with a leading `'`), in a curated cell an error",
    ),
    Code("blank-value", WARNING, ("seeds", "sidecars"), "a blank topic label; it is not published"),
    Code("old-date", WARNING, ("seeds",), "a seed's or related entry's publication time before 1900"),
    # Sidecars
    Code(
        "sidecar-ignored",
        ERROR,
        ("sidecars",),
        "a sidecar beside a seed with front matter, whose values would be ignored",
    ),
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
        "wrong-separator",
        ERROR,
        ("tables",),
        "a CSV file separated by semicolons or tabs, as some spreadsheets save it; FaceLedger CSVs use commas",
    ),
    Code(
        "not-canonical",
        BOTH,
        ("tables",),
        "a curated CSV not in the form `faceledger fmt` writes (a byte order mark, CRLF line ends, needless "
        "quotes, blank lines, rows out of key order): `validate` warns, `fmt --check` refuses it",
    ),
    Code(
        "bad-value",
        ERROR,
        ("tables", "seeds", "sidecars", "facts", "release"),
        "a value that breaks its field's type, pattern or enum (identifiers included): a CSV cell, a "
        "front-matter or sidecar value, an entry of `dataset/private-names.txt`, a compared version's cell; "
        "the message shows what a valid value looks like (the schema's `example`, the allowed values)",
    ),
    Code(
        "duplicate-key",
        BOTH,
        ("tables", "release"),
        "a primary key value used twice; in a compared version `diff` and `release` refuse it and `build` "
        "warns",
    ),
    Code(
        "foreign-key",
        ERROR,
        ("tables",),
        "a reference to a row that does not exist, with the nearest id when one is close (a typo)",
    ),
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
        BOTH,
        ("schemas",),
        "a generated file (derived CSV, `datapackage.json`, the data dictionary, these tables) is out of "
        "date: `build --check` refuses it, `validate` warns; `faceledger build` refreshes it",
    ),
    Code(
        "descriptor-checksums",
        WARNING,
        ("schemas",),
        "the committed `datapackage.json` records `bytes` or `hash` of its resources; only a release's "
        "descriptors carry them, and `faceledger build` removes them",
    ),
    # Curated facts
    Code(
        "quote-not-found",
        ERROR,
        ("facts",),
        "a quote that is not in the cited document's title, excerpt or body; whitespace and straight "
        "versus typographic quote marks may differ, nothing else, not even case; the message shows the "
        "closest passage and how the quote differs from it, or that the quote is in another document or "
        "has mojibake",
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
        "year-mismatch",
        ERROR,
        ("facts",),
        "a year field (`award_year`) that is not the year of the date it goes with: empty when the date "
        "gives no year",
    ),
    Code(
        "future-date",
        ERROR,
        ("facts", "seeds"),
        "an award date later than the publication of a document that reports it, or a seed's, related "
        "entry's or sidecar's publication time later than the build's reference time (SOURCE_DATE_EPOCH, "
        "else the last commit)",
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
    Code(
        "person-like-name",
        WARNING,
        ("facts",),
        "an organization whose name reads like a person's (two or three capitalised words, no word such as "
        "Inc, Police or Agency) and whose id is not in `dataset/reviewed-organizations.txt`",
    ),
)
