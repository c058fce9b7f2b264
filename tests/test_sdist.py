"""The sdist carries what its own tests read: built, unpacked, and a few of those tests run from it.

Slow (an isolated sdist build and a pytest run in the unpacked tree, about half a minute).
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from .support import REPO

pytestmark = pytest.mark.slow

# In git, not in the project: a link to one machine's virtual environment.
NOT_SHIPPED = {".venv-main"}


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("sdist")
    built = run(sys.executable, "-m", "build", "--sdist", "--outdir", work, REPO, cwd=work)
    assert built.returncode == 0, built.stderr
    [sdist] = work.glob("faceledger-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(work, filter="data")
    [root] = (path for path in work.iterdir() if path.is_dir())
    return root


def tracked() -> set[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True)
    return set(listed.stdout.splitlines()) - NOT_SHIPPED


def test_the_sdist_carries_every_file_git_tracks(unpacked: Path):
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout (this is an sdist): nothing to compare with")
    shipped = {path.relative_to(unpacked).as_posix() for path in unpacked.rglob("*") if path.is_file()}
    assert tracked() - shipped == set()
    assert not NOT_SHIPPED & shipped


def test_tests_that_read_the_workflows_the_makefile_and_the_constraints_pass_from_the_sdist(unpacked: Path):
    # `python -m pytest` puts the unpacked tree first on sys.path: its faceledger is the one tested.
    result = run(
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "not slow",
        "tests/test_workflows.py",
        "tests/test_constraints.py",
        "-k",
        "actionlint or pinned or make or pypi or install_with",
        cwd=unpacked,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
