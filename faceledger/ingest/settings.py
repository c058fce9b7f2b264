"""How seeds are read: on how many processes, and whether through the seed cache.

Neither changes what a build writes, only how fast it gets there. The defaults come
from the environment (FACELEDGER_JOBS, FACELEDGER_CACHE); a command's `--jobs` and
`--no-cache` options set them for one call with `configured`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path

# FACELEDGER_CACHE values that turn the cache off.
OFF = ("0", "off", "no", "false")
# Where the seed cache lives by default, in the repository (git-ignored).
CACHE_FOLDER = ".faceledger-cache"


@dataclass(frozen=True)
class Settings:
    jobs: int | None = None  # None: FACELEDGER_JOBS, else every core
    cache: bool = True


# Settings is frozen, so one default instance is safe to share.
_CURRENT: ContextVar[Settings] = ContextVar("faceledger_ingest_settings", default=Settings())  # noqa: B039


def current() -> Settings:
    return _CURRENT.get()


@contextmanager
def configured(jobs: int | None = None, cache: bool | None = None) -> Iterator[Settings]:
    """Settings for the calls made inside the block; None leaves a setting as it was."""
    settings = current()
    if jobs is not None:
        settings = replace(settings, jobs=jobs)
    if cache is not None:
        settings = replace(settings, cache=cache)
    token = _CURRENT.set(settings)
    try:
        yield settings
    finally:
        _CURRENT.reset(token)


def jobs() -> int:
    """Worker processes to use: the setting, else FACELEDGER_JOBS, else every core this process may use."""
    if current().jobs is not None:
        return max(1, current().jobs or 1)
    setting = os.environ.get("FACELEDGER_JOBS", "")
    if setting.isdigit() and int(setting) > 0:
        return int(setting)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def cache_folder(root: Path) -> Path | None:
    """Where the seed cache of the repository at `root` lives, or None when it is off."""
    setting = os.environ.get("FACELEDGER_CACHE", "")
    if not current().cache or setting.lower() in OFF:
        return None
    return Path(setting) if setting else root / CACHE_FOLDER
