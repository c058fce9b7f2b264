from __future__ import annotations

from pathlib import Path

import pytest

from .support import copy_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A private copy of this repository's data, safe to break."""
    return copy_repo(tmp_path / "repo")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One release built from a copy of the repository, shared by read-only tests."""
    from faceledger.build import build

    root = copy_repo(tmp_path_factory.mktemp("built") / "repo")
    result = build(root)
    assert result.release is not None
    return result.release


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory):
    """A git repository with two releases and every kind of change between them (release_support)."""
    from .release_support import history

    return history(tmp_path_factory)
