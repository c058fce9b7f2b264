"""The version a build carries: the release it is, or a development version of the one it leads to.

datapackage.json holds the version of the last release (or of the release
`faceledger release` just cut). A build whose data or schemas differ from that
release is not that release, so its folder, descriptors, wheel and
`faceledger.__version__` carry a PEP 440 development version instead
(core/versions.py development): a contributor's build with twelve more rows
can never pass for the published data.
"""

from __future__ import annotations

from pathlib import Path

from ..core import changelog, git
from ..core.timestamps import CHANGELOG
from ..core.versions import Level, VersionError, development, parse
from .changes import Diff


def differs(changes: Diff) -> bool:
    """Whether the new side holds anything the old one does not: a row, a value or a schema change."""
    return bool(changes.schema) or changes.required is not Level.NONE


def build_version(root: Path, changes: Diff, changelog_text: str | None = None) -> str:
    """The version of a build of `root` whose differences from the last release are `changes`.

    The version as written when nothing is released yet (the first release is
    being prepared: there is no published data to be confused with), when the
    data are the release's own, or when `faceledger release` dated the version
    in CHANGELOG.md and its tag is yet to be made. Otherwise a development version.
    """
    written = str(changes.new.version)
    if changes.old.version is None:
        return written
    try:
        version, old = parse(written), parse(changes.old.version)
    except VersionError:  # reported by the package checks and the version rules
        return written
    if version == old and not differs(changes):
        return written
    if version > old:
        text = changelog_text
        if text is None and (root / CHANGELOG).is_file():
            text = (root / CHANGELOG).read_text(encoding="utf-8")
        if text is not None and changelog.release_date(text, written) is not None:
            return written
    base = max(version, old.bumped(max(changes.required, Level.PATCH)))
    tag = f"{git.TAG_PREFIX}{old}"
    try:
        distance, commit, dirty = git.describe(root, tag)
    except git.GitError:  # the earlier release is a folder, not a tag of this repository
        return development(base, 0, None)
    return development(base, distance, commit, dirty)
