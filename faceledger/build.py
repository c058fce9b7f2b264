"""`faceledger build`: refresh dataset/ and the descriptor, then write the release.

A build is a plan and a write. The plan reads and checks the repository and
renders what its generated files should hold; `faceledger build --check`,
`faceledger validate` and `faceledger release` start from it. The write puts
those files in place, compares the package with the previous release and hands
the release writer its changes and its timestamp.
"""

from __future__ import annotations

import json
import tempfile
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from .checks import check
from .compare import snapshots
from .compare.build_version import build_version
from .compare.changes import Diff
from .compare.report import changes_csv
from .compare.rows import compare
from .compare.successors import lost
from .core import git
from .core.files import dump_json
from .core.findings import BuildFailed, Finding, errors
from .core.layout import DESCRIPTOR
from .core.package import Package, Track
from .core.timestamps import CHANGELOG, release_time
from .core.transaction import Transaction, check_writable, recover
from .ingest import settings
from .ingest.repository import read_repository
from .publish.cache import RenderCache
from .publish.cache import opened as render_cache
from .publish.database_process import DatabaseProcess
from .publish.repository import repository_files, stale_files

STALE = "out of date with seeds/, schema/ and the finding-code catalogue: run `faceledger build` and commit the result"
# What `faceledger validate` says of a stale generated file: a contributor need not build (CONTRIBUTING.md).
STALE_WARNING = (
    "out of date with seeds/, schema/ and the finding-code catalogue: `faceledger build` refreshes it"
)


class StaleSource(Exception):
    """The repository's dataset/ or datapackage.json is out of date with its seeds and schemas."""


@dataclass
class Plan:
    """What a build of `package` would write to the repository, and which of those files are stale."""

    package: Package
    files: dict[str, bytes]
    changed: list[str]
    # The release the package was checked against, when the plan read it (see assemble).
    previous: snapshots.Snapshot | None = None

    @property
    def findings(self) -> list[Finding]:
        return self.package.findings

    def stale(self, strict: bool = True) -> list[Finding]:
        """One `stale` finding per generated file that is out of date: an error, or with strict=False a warning.

        `faceledger build --check` is strict, for maintainers and releases; `faceledger
        validate` only warns, since generated files are not what a contribution edits.
        Not strict, a descriptor stale only for the bytes and hashes it records is left
        to the `descriptor-checksums` warning that already says so.
        """
        if strict:
            return [Finding(rel, None, "stale", STALE) for rel in self.changed]
        return [
            Finding(rel, None, "stale", STALE_WARNING, severity="warning")
            for rel in self.changed
            if not (rel == DESCRIPTOR and self._only_checksums())
        ]

    def _only_checksums(self) -> bool:
        reported = any(f.code == "descriptor-checksums" for f in self.findings)
        return (
            reported and dump_json(self.package.descriptor) == (self.package.root / DESCRIPTOR).read_bytes()
        )


@dataclass
class BuildResult:
    package: Package
    release: Path | None = None
    bundle: Path | None = None
    changed: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    changes: Diff | None = None


def assemble(
    root: Path, track: Track | None = None, package: Package | None = None
) -> tuple[Package, snapshots.Snapshot | None]:
    """The repository read (or `package`, read from it but not checked) and checked against the
    release it builds on, which is returned too.

    An id that release published and this version lost without a tombstone is
    followed to the row that evidently carries it on, so that a reference to the
    old id is told which id to cite (compare/successors.py). A release that cannot
    be read is left to the comparison after the build, which names what is wrong.
    """
    if package is None:
        package = read_repository(root, track=track)
    try:
        previous: snapshots.Snapshot | None = snapshots.last_release(root, package.version)
    except (BuildFailed, git.GitError):
        previous = None
    if previous is not None:
        package.successors = lost(previous, package)
    package.findings += check(package)
    return package, previous


def plan(
    root: Path,
    track: Track | None = None,
    package: Package | None = None,
    cache: RenderCache | None = None,
    previous: snapshots.Snapshot | None = None,
) -> Plan:
    """Read and check `root` (or take `package`, already assembled from it); raise BuildFailed on errors.

    The repository's parts come from the render cache where they were rendered before:
    `cache` when the caller has it open, else one opened for this plan alone. `previous`
    is the release that assemble found `package` builds on, if the caller assembled it.
    """
    if package is None:
        package, previous = assemble(root, track=track)
    if errors(package.findings):
        raise BuildFailed(package.findings)
    if cache is None:
        with render_cache(root, trim=False) as opened:
            files = repository_files(package, opened)
    else:
        files = repository_files(package, cache)
    return Plan(package, files, stale_files(package, files), previous)


def build(
    root: Path,
    dist: Path | None = None,
    track: Track | None = None,
    previous: str | snapshots.Snapshot | None = None,
    package: Package | None = None,
) -> BuildResult:
    """Build from the repository at `root`: its generated files, the release in `dist` (default ROOT/dist).

    Raises BuildFailed when the input has errors; nothing is written then.
    `previous` is the release that changes.csv is written against: a folder, a
    git ref or a snapshot; by default the latest release tag (see snapshots.last_release).
    `package` is the package already assembled from `root`, if the caller has it.
    First it finishes or tidies away what a killed build left (see tidy).
    """
    last = None
    if package is None:
        tidy(root, dist)
    # Before any work: a committed `dist` link out of the repository would be written through.
    check_writable(root, [_dist(root, dist)], _dist(root, dist))
    # The database process is started before the plan, so that its imports are done by
    # the time the database is written, and given the tables as soon as they are read: while
    # they are checked, and the rest planned. Checks that fail stop it (publish/database_process.py).
    # One render cache serves the plan and the write, so that neither forgets what the other used.
    with _database_process() as database, render_cache(root) as cache:
        checked = package is not None
        if package is None:
            package = read_repository(root, track=track)
        if database is not None and not errors(package.findings):
            database.begin(package, _dist(root, dist))
        if not checked:
            package, last = assemble(root, track=track, package=package)
        planned = plan(root, track=track, package=package, cache=cache, previous=last)
        return write(planned, dist, previous, cache=cache, database=database)


def _dist(root: Path, dist: Path | None) -> Path:
    return dist if dist is not None else root / "dist"


def _database_process() -> AbstractContextManager[DatabaseProcess | None]:
    # On one core (--jobs 1) everything stays in this process, as the seeds do (ingest/parallel.py).
    return DatabaseProcess() if settings.jobs() > 1 else nullcontext()


def tidy(root: Path, dist: Path | None = None) -> None:
    """Finish the commit of a build that was killed, and remove killed builds' staging leftovers."""
    recover(root, [dist if dist is not None else root / "dist"])


def write(
    planned: Plan,
    dist: Path | None = None,
    previous: str | snapshots.Snapshot | None = None,
    also: dict[str, bytes] | None = None,
    cache: RenderCache | None = None,
    database: DatabaseProcess | None = None,
) -> BuildResult:
    """Carry out a plan: the repository's generated files (and `also`), the release and the package data.

    Every output is staged beside its destination first and put in place only when
    all are ready, in one commit (core/transaction.py): a failure at any point, or
    a kill, changes none of them. `database` is the process that writes the SQLite
    database, if the caller started one (publish/database_process.py).
    """
    # Here, not at the top: `faceledger validate` plans without writing, and the writers
    # import SQLite, pandas, Jinja2 and the charts (a third of a second it need not spend).
    from .publish.bundle import fill_bundle, source_bundle
    from .publish.release_folder import fill_release, release_name
    from .website import FOLDER as SITE
    from .website.render import SiteRender
    from .website.render import render as render_site

    package = planned.package
    root = package.root
    # A stale file the plan does not generate is one to remove (publish/repository.py stale_files).
    pending = {rel: planned.files[rel] for rel in planned.changed if rel in planned.files} | (also or {})
    package.descriptor = json.loads(planned.files[DESCRIPTOR])
    if previous is None and planned.previous is not None:
        previous = planned.previous
    if not isinstance(previous, snapshots.Snapshot):
        previous = (
            snapshots.read(previous, root) if previous else snapshots.last_release(root, package.version)
        )
    changes = compare(previous, snapshots.from_package(package))
    result = BuildResult(package, changed=planned.changed, findings=list(package.findings), changes=changes)
    # `faceledger release` and `diff --check-version` refuse these; a build only reports them.
    result.findings += [replace(problem, severity="warning") for problem in changes.problems]
    text = pending[CHANGELOG].decode("utf-8") if CHANGELOG in pending else None
    # The repository keeps the version as written; the release and the package data carry the build's.
    package.descriptor = {**package.descriptor, "version": build_version(root, changes, text)}
    stamp = release_time(root, package.version, text)
    target = _dist(root, dist)
    bundle = source_bundle(root)
    with Transaction(root, (target,)) as outputs, _cache(root, cache) as cache:
        for rel, data in pending.items():
            outputs.file(root / rel, data)
        for rel in sorted(set(planned.changed) - set(planned.files)):
            outputs.remove(root / rel)
        release = outputs.folder(target / release_name(package))
        # The site is a view of the finished release, outside its SHA256SUMS (website/__init__.py).
        # Its pages need only the Parquet tables: they are drawn while the zips are made.
        site = SiteRender(release, package.texts, cache)
        fill_release(
            package,
            release,
            release_name(package),
            partial(changes_csv, changes),
            stamp,
            pending,
            cache,
            site.pages,
            database,
        )
        render_site(release, release / SITE, rendered=site)
        if bundle is not None:
            # A source checkout: refresh the data `import faceledger` loads (editable installs).
            fill_bundle(package, release, outputs.folder(bundle))
        outputs.commit()
    result.release = target / release_name(package)
    result.bundle = bundle
    return result


def _cache(root: Path, cache: RenderCache | None) -> AbstractContextManager[RenderCache]:
    return nullcontext(cache) if cache is not None else render_cache(root)


def package_version(root: Path, planned: Plan | None = None) -> str:
    """The version a build of `root` (planned as `planned`) carries now: its release folder's, the wheel's.

    See compare/build_version.py. Raises BuildFailed when the repository has errors.
    """
    if planned is None:
        planned = plan(root)
    package = planned.package
    previous = planned.previous or snapshots.last_release(root, package.version)
    return build_version(root, compare(previous, snapshots.from_package(package)))


def build_bundle(root: Path, target: Path, version: str | None = None) -> Path:
    """Build the package data for the repository at `root` into `target`, writing nothing else.

    Unlike `faceledger build` this never rewrites the repository: a wheel must
    carry what the repository says, so a stale dataset/ is an error here.
    The data carry `version`, by default the one `faceledger build` would give them.
    Raises BuildFailed for input errors and StaleSource for a stale checkout.
    """
    from .publish.bundle import write_bundle
    from .publish.release_folder import write_release

    planned = plan(root)
    if planned.changed:
        raise StaleSource(
            f"{', '.join(planned.changed)} out of date with seeds/ and schema/ in {root}: "
            "run `faceledger build` and commit the result before building a wheel"
        )
    package = planned.package
    if version is None:
        version = package_version(root, planned)
    package.descriptor = {**package.descriptor, "version": version}
    everything_new = compare(snapshots.nothing(), snapshots.from_package(package))
    stamp = release_time(root, package.version)
    with tempfile.TemporaryDirectory(prefix="faceledger-release-") as dist:
        release = write_release(package, Path(dist), changes_csv(everything_new), stamp)
        return write_bundle(package, release, target)
