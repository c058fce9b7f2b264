"""Catalogue entries for ids and versions, releasing and comparing, `faceledger verify` and frictionless."""

from __future__ import annotations

from .code_kinds import BOTH, ERROR, WARNING, Code

RELEASE_CODES: tuple[Code, ...] = (
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
        "it, `build` warns); for an id with an evident successor, the tombstone line to add",
    ),
    Code(
        "renamed-id",
        ERROR,
        ("ids", "tables"),
        "a foreign key (such as evidence's `document_id`) citing a renamed id; it names the id to cite",
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
        "a file in a folder without `SHA256SUMS` that no descriptor lists, or the Python package (wheel, sdist) downloaded with a release's assets, which `SHA256SUMS` does not cover",
    ),
    Code("bytes-mismatch", ERROR, ("verify",), "a resource whose size is not the `bytes` in its descriptor"),
    Code("no-hash", ERROR, ("verify",), "a resource whose descriptor records no sha256 `hash`"),
    Code("hash-mismatch", ERROR, ("verify",), "a resource whose SHA-256 is not the `hash` in its descriptor"),
    Code("corrupt-zip", ERROR, ("verify",), "a zip or zip member that cannot be read or fails its CRC"),
    Code(
        "unsafe-path",
        ERROR,
        ("verify", "schemas", "release"),
        "a zip member named out of its folder (`../x`, `/x`), or a descriptor's resource `path` or `schema` "
        "that could lead outside the repository or release folder (absolute, `..`, a backslash, a URL); "
        "never read or written",
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
