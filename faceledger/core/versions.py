"""Semantic versions of the dataset: parsing, comparing and bumping.

The version in datapackage.json is also the Python package's version (hatch
reads it from there) and the name of the release tag, so it must be valid for
all three: a semantic version's MAJOR.MINOR.PATCH core. Pre-release and build
suffixes are refused because most of them are not valid PEP 440 versions
(`1.0.0-x.7` is not), and a version PyPI refuses would break `pip install`.
A regular expression states the grammar exactly; `packaging.version` would
accept PEP 440 forms that are not semantic versions (`1.0`, `1.0.0.post1`).
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import Any, NamedTuple

# No leading zeros, ASCII digits only (`\d` would also match other scripts' digits).
_NUMBER = r"(0|[1-9][0-9]*)"
CORE = re.compile(rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}")
# The full grammar from semver.org, loosely, only to explain why such a version is refused.
_SUFFIXED = re.compile(rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")


class Level(IntEnum):
    """How big a change is, and so which part of the version it needs to bump."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    def __str__(self) -> str:
        return self.name.lower()


class Version(NamedTuple):
    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def bumped(self, level: Level) -> Version:
        if level is Level.MAJOR:
            return Version(self.major + 1, 0, 0)
        if level is Level.MINOR:
            return Version(self.major, self.minor + 1, 0)
        if level is Level.PATCH:
            return Version(self.major, self.minor, self.patch + 1)
        return self


class VersionError(ValueError):
    """A version string or a version step that breaks the rules; the message says which and why."""


def parse(text: Any) -> Version:
    if not isinstance(text, str):
        raise VersionError(f"{text!r} is not a semantic version: write MAJOR.MINOR.PATCH, e.g. 1.4.0")
    if CORE.fullmatch(text):
        return Version(*(int(part) for part in text.split(".")))
    if text[:1] in "vV" and CORE.fullmatch(text[1:]):
        raise VersionError(f"{text!r}: write the version without the leading {text[0]!r} ({text[1:]})")
    if _SUFFIXED.fullmatch(text):
        raise VersionError(
            f"{text!r}: pre-release and build suffixes are not used for FaceLedger versions, "
            "because the version is also the Python package's version and most suffixes are not valid there; "
            "write MAJOR.MINOR.PATCH"
        )
    raise VersionError(f"{text!r} is not a semantic version: write MAJOR.MINOR.PATCH, e.g. 1.4.0")


def development(base: Version, distance: int, commit: str | None, dirty: bool = False) -> str:
    """The PEP 440 development version of data that no release holds, e.g. `0.2.0.dev3+g1a2b3c4`.

    `base` is the lowest release these data can become, so the version sorts
    after the release they build on and before the next one; `distance` counts
    the commits since that release. The local part names the commit (and
    `.dirty` for edits not committed), so a contributor's build and a published
    release never share a version. PyPI refuses local versions: only a release
    cut with `faceledger release` is published.
    """
    local = f"+g{commit}{'.dirty' if dirty else ''}" if commit else ""
    return f"{base}.dev{distance}{local}"


def step(old: Version, new: Version) -> Level:
    """The part of the version that `old` -> `new` bumps; raises VersionError for an invalid step."""
    if new < old:
        raise VersionError(f"{new} is lower than {old}: a version never goes down")
    if new == old:
        return Level.NONE
    if new.major != old.major:
        level = Level.MAJOR
    elif new.minor != old.minor:
        level = Level.MINOR
    else:
        return Level.PATCH
    # After bumping a part, the parts below it start again at 0 (semver rules 7 and 8).
    if any(new[4 - level.value :]):
        raise VersionError(
            f"{old} -> {new}: after a {level} bump the lower parts start at 0 "
            f"({Version(*new[: 4 - level.value], *([0] * (level.value - 1)))})"
        )
    return level


def target(current: Version, request: str) -> Version:
    """The version `faceledger release REQUEST` asks for: a bump kind or an explicit version."""
    kinds = {str(level): level for level in (Level.MAJOR, Level.MINOR, Level.PATCH)}
    if request in kinds:
        return current.bumped(kinds[request])
    return parse(request)
