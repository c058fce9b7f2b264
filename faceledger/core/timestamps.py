"""The times a release is stamped with: never the clock, so that rebuilds give the same bytes.

SOURCE_DATE_EPOCH when it is set (the reproducible-builds convention), else the
version's date in CHANGELOG.md, else 1980-01-01, the earliest date a zip holds.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from . import changelog, git
from .findings import BuildFailed, Finding

ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
CHANGELOG = "CHANGELOG.md"


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH as a time, when set."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError):
        message = f"{value!r} is not a time in whole seconds since 1970-01-01 UTC"
        raise BuildFailed([Finding("SOURCE_DATE_EPOCH", None, "invalid-epoch", message)]) from None


def release_time(root: Path, version: str, text: str | None = None) -> datetime:
    """The time stamped on a release's zip entries; `text` is the CHANGELOG when not yet on disk."""
    stamp = source_date_epoch()
    if text is None and (root / CHANGELOG).is_file():
        text = (root / CHANGELOG).read_text(encoding="utf-8")
    if stamp is None and text is not None:
        day = changelog.release_date(text, version)
        stamp = datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
    return max(stamp or ZIP_EPOCH, ZIP_EPOCH)


def reference_time(root: Path) -> datetime | None:
    """The latest time a published date may have: SOURCE_DATE_EPOCH, else HEAD's commit time; never the clock.

    None outside a git repository without SOURCE_DATE_EPOCH: then no date is too late.
    """
    stamp = source_date_epoch()
    if stamp is not None or not git.is_repository(root):
        return stamp
    try:
        return git.commit_time(root)
    except git.GitError:  # a repository without commits
        return None
