"""Package data for loader tests: built for real from a copy of the repository."""

from __future__ import annotations

from pathlib import Path

from faceledger.build import build
from faceledger.publish.bundle import write_bundle

from .support import copy_repo


def release_with_data(folder: Path) -> Path:
    """Build a release in `folder`; its package data goes beside it, in data/."""
    result = build(copy_repo(folder / "repo"))
    write_bundle(result.package, result.release, data_of(result.release))
    return result.release


def data_of(release: Path) -> Path:
    return release.parent / "data"
