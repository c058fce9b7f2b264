"""The shared fixtures. Each builds what it needs from this repository's files in a temporary
folder: no test depends on `make build` having run, and none writes into the checkout.

- repo      a private copy of the repository, safe to break (one per test)
- build_result  the one build of a copy of the repository (one per session): its package and release
- built     that build's release folder (read-only)
- bundle    the package data (faceledger/data/) of the same copy, as the wheel builds it (read-only)
- bundled   `faceledger.load()` and friends read `bundle` during the test
- two       a git repository with two releases and every kind of change between them
            (support.History; read-only, one per session: copy it with two.copy() to change it)

Tests marked `slow` (pyproject.toml) are left out by `make test-fast`; `make test` and CI run all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faceledger import loader
from faceledger.build import BuildResult, build, build_bundle

from .support import History, copy_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A private copy of this repository's data, safe to break."""
    return copy_repo(tmp_path / "repo")


@pytest.fixture(scope="session")
def build_result(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The one build of a copy of this repository: `built` is its release, `bundle` reads the same copy."""
    root = copy_repo(tmp_path_factory.mktemp("built") / "repo")
    result = build(root)
    assert result.release is not None
    return result


@pytest.fixture(scope="session")
def built(build_result: BuildResult) -> Path:
    """The release folder (dist/faceledger-<version>/ of the copy), shared by read-only tests."""
    return build_result.release


@pytest.fixture(scope="session")
def bundle(build_result: BuildResult) -> Path:
    """The package data the wheel carries, built from the same copy the way the wheel builds it."""
    root = build_result.package.root
    return build_bundle(root, root.parent / "data")


@pytest.fixture
def bundled(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The Python API reads `bundle` for the length of the test."""
    monkeypatch.setattr(loader, "DATA", bundle)
    return bundle


@pytest.fixture(scope="session")
def two(tmp_path_factory: pytest.TempPathFactory) -> History:
    """A git repository with two real releases, 0.1.0 and 0.1.1 (built once: it runs two releases)."""
    return History(tmp_path_factory.mktemp("history"))
