"""The few git questions releases ask: which versions were tagged, and what a ref held."""

from __future__ import annotations

import io
import subprocess
import tarfile
from datetime import UTC, date, datetime
from pathlib import Path

from .versions import CORE, Version, parse

TAG_PREFIX = "v"


class GitError(RuntimeError):
    """git is missing, the folder is not a repository, or a ref does not exist."""


def run(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return done.stdout


def is_repository(root: Path) -> bool:
    try:
        return run(root, "rev-parse", "--is-inside-work-tree").strip() == b"true"
    except GitError:
        return False


def is_commit(root: Path, ref: str) -> bool:
    try:
        run(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        return False
    return True


def release_tags(root: Path) -> dict[Version, str]:
    """Tags named v<MAJOR.MINOR.PATCH>, by version; other tags are not releases."""
    tags = {}
    for line in run(root, "tag", "--list", f"{TAG_PREFIX}*").decode().split():
        if CORE.fullmatch(line[len(TAG_PREFIX) :]):
            tags[parse(line[len(TAG_PREFIX) :])] = line
    return tags


def last_release(root: Path, version: Version) -> str | None:
    """The tag of the latest release not above `version`: the release `version` builds on.

    A tag of `version` itself counts (a contribution that leaves the version
    alone builds on that release), except on a clean checkout of that tag: there
    the release is being rebuilt or checked, and it is compared with the one before.
    """
    if not is_repository(root):
        return None
    tags = {v: tag for v, tag in release_tags(root).items() if v <= version}
    if version in tags:
        try:
            clean = not run(root, "status", "--porcelain").strip()
            if clean and tags[version] in run(root, "tag", "--points-at", "HEAD").decode().split():
                del tags[version]
        except GitError:  # a repository without commits
            pass
    return tags[max(tags)] if tags else None


def describe(root: Path, tag: str) -> tuple[int, str, bool]:
    """How far HEAD is from `tag`: the commits since it, HEAD's short hash, and whether the tree has edits."""
    distance = int(run(root, "rev-list", "--count", f"{tag}..HEAD").strip() or 0)
    commit = run(root, "rev-parse", "--short=7", "HEAD").decode().strip()
    dirty = bool(run(root, "status", "--porcelain").strip())
    return distance, commit, dirty


def commit_date(root: Path) -> date:
    """The committer date of HEAD, in UTC."""
    return commit_time(root).date()


def commit_time(root: Path) -> datetime:
    """The committer time of HEAD, in UTC."""
    stamp = int(run(root, "log", "-1", "--format=%ct").strip())
    return datetime.fromtimestamp(stamp, UTC)


def show(root: Path, ref: str, path: str) -> bytes:
    return run(root, "show", f"{ref}:{path}")


def export(root: Path, ref: str, paths: list[str], dest: Path) -> None:
    """Write the files `paths` as they are at `ref` under `dest`."""
    archive = run(root, "archive", "--format=tar", ref, "--", *paths)
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(dest, filter="data")
    except tarfile.TarError as exc:  # a link out of the tree, an absolute name: the "data" filter refuses it
        raise GitError(f"{ref}: {exc}") from None
