"""constraints.txt pins what shapes the release's bytes, and the pins are what builds here.

The golden checksums (tests/golden/) pin the release's bytes, and Parquet files name the pyarrow
that wrote them: with pyarrow unpinned, a machine with another version writes other bytes.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pyarrow.parquet as pq

from .support import REPO

CONSTRAINTS = REPO / "constraints.txt"


def pins() -> dict[str, str]:
    found = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            assert pinned, f"constraints.txt: {line!r} is not an exact pin (NAME==VERSION)"
            found[name.strip().lower()] = pinned.strip()
    return found


def requirement_names(requirements: list[str]) -> set[str]:
    return {re.match(r"[A-Za-z0-9._-]+", r)[0].lower() for r in requirements}


def test_pyarrow_is_pinned_to_the_version_installed_here():
    assert pins()["pyarrow"] == version("pyarrow")


def test_every_pin_is_the_installed_version():
    assert {name: version(name) for name in pins()} == pins()


def test_the_built_parquet_files_name_the_pinned_pyarrow(built: Path):
    files = sorted((built / "parquet").glob("*.parquet"))
    assert files
    for file in files:
        assert pq.ParquetFile(file).metadata.created_by == f"parquet-cpp-arrow version {pins()['pyarrow']}"


def test_every_pin_is_a_dependency_of_the_package_or_its_build_extra():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = requirement_names(project["dependencies"] + project["optional-dependencies"]["build"])
    assert set(pins()) <= declared


def test_make_and_the_workflows_install_with_the_constraints():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet -c constraints.txt -e '.[test]'" in makefile
    for name in ("validate.yml", "release.yml"):
        text = (REPO / ".github" / "workflows" / name).read_text(encoding="utf-8")
        assert "python -m pip install -c constraints.txt -e '.[test]'" in text, name
    release = (REPO / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert "PIP_CONSTRAINT: ${{ github.workspace }}/constraints.txt" in release  # the wheel's own build
