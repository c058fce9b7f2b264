"""`faceledger release`: cut a release in one step, or refuse with the reason.

Checks everything before writing anything: the requested version is a valid
step up from both the current one and the last release, it is at least the
bump the diff requires, and no published id went missing. Then it moves the
CHANGELOG's Unreleased entries under the new version, builds the release with
the new version in datapackage.json (its only home), all put in place together
or not at all (see build.write). Committing and tagging stay with the maintainer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .build import BuildResult, assemble, plan, tidy, write
from .compare import snapshots
from .compare.changes import Diff
from .compare.report import summary, version_problems
from .compare.rows import compare
from .core import changelog, git
from .core.findings import BuildFailed, Finding, errors
from .core.layout import DESCRIPTOR
from .core.package import Track
from .core.timestamps import CHANGELOG, source_date_epoch
from .core.versions import Level, Version, VersionError, parse, step, target
from .publish.cache import opened as render_cache


@dataclass
class Released:
    version: Version
    previous: str | None
    changes: Diff
    result: BuildResult


def _refuse(code: str, message: str, path: str = DESCRIPTOR, field: str | None = "version") -> BuildFailed:
    return BuildFailed([Finding(path, None, code, message, field=field)])


def release(
    root: Path,
    request: str,
    dist: Path | None = None,
    previous: str | None = None,
    day: date | None = None,
    track: Track | None = None,
) -> Released:
    """Release `root` as the version `request` names: major, minor, patch or MAJOR.MINOR.PATCH."""
    tidy(root, dist)
    package, _ = assemble(root, track=track)
    if errors(package.findings):
        raise BuildFailed(package.findings)
    try:
        current = parse(package.version)
        new = target(current, request)
        step(current, new)
    except VersionError as exc:
        raise _refuse("invalid-version", str(exc)) from None
    if git.is_repository(root) and new in git.release_tags(root):
        raise _refuse("already-released", f"{new} is already released (tag {git.release_tags(root)[new]})")
    source = previous or (git.last_release(root, new) if git.is_repository(root) else None)
    old = snapshots.read(source, root) if source else snapshots.nothing()
    if old.version is not None:
        try:
            if step(parse(old.version), new) is Level.NONE:
                raise _refuse("already-released", f"{new} is the version of {source}: ask for a higher one")
        except VersionError as exc:
            raise _refuse("invalid-version", f"against {source}: {exc}") from None

    package.descriptor = {**package.descriptor, "version": str(new)}
    changes = compare(old, snapshots.from_package(package))
    problems = errors(changes.problems) + version_problems(changes)
    if problems:
        raise BuildFailed(problems)
    text = (root / CHANGELOG).read_text(encoding="utf-8") if (root / CHANGELOG).is_file() else "# Changelog\n"
    if old.version is not None and changes.required is Level.NONE and not changelog.unreleased(text):
        raise _refuse(
            "nothing-to-release",
            f"nothing changed since {source} and {CHANGELOG} lists no unreleased entries",
        )
    try:
        entry = changelog.cut(text, str(new), day or release_day(root), summary(changes))
    except ValueError as exc:
        raise _refuse("already-released", str(exc), CHANGELOG, None) from None

    # CHANGELOG.md is committed with datapackage.json, the generated files and the release, or not at all.
    with render_cache(root) as cache:
        planned = plan(root, package=package, cache=cache)
        result = write(planned, dist, previous=old, also={CHANGELOG: entry.encode("utf-8")}, cache=cache)
    return Released(new, source, result.changes or changes, result)


def release_day(root: Path) -> date:
    """The date a release is given: SOURCE_DATE_EPOCH's, else the last commit's; never the clock's."""
    stamp = source_date_epoch()
    if stamp is not None:
        return stamp.date()
    if git.is_repository(root):
        try:
            return git.commit_date(root)
        except git.GitError:
            pass
    raise _refuse(
        "no-release-date",
        "cannot date the release without the clock: commit first, set SOURCE_DATE_EPOCH, or pass --date",
        CHANGELOG,
        None,
    )
