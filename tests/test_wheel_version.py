"""The sdist and the wheel of data that differ from the last release carry its development version.

Built without build isolation (this environment has the build tools), so it costs seconds, not a
fresh install; tests/test_wheel.py covers the isolated build and the install.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from .support import REPO, cli, commit, git

pytestmark = pytest.mark.slow


def source_checkout(target: Path) -> Path:
    """This repository's tracked files, as a fresh clone has them, in a repository of their own."""
    for rel in git(REPO, "ls-files", "-z").split("\0"):
        if rel and (REPO / rel).is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, target / rel)
    git(target, "init", "-q", "-b", "main")
    commit(target, "As released", tag=f"v{json.loads((target / 'datapackage.json').read_text())['version']}")
    return target


def test_a_wheel_of_changed_data_is_a_development_version(tmp_path: Path):
    root = source_checkout(tmp_path / "repo")
    released = json.loads((root / "datapackage.json").read_text())["version"]
    schema = json.loads((root / "schema" / "systems.json").read_text())
    schema["fields"][1]["description"] += " As the vendor names it."
    (root / "schema" / "systems.json").write_text(json.dumps(schema, indent=2) + "\n")
    result = cli("build", "--root", str(root), "--dist", str(tmp_path / "scratch"))
    assert result.exit_code == 0, result.output
    commit(root, "A clearer description")
    head = git(root, "rev-parse", "--short=7", "HEAD").strip()
    major, minor, patch = (int(part) for part in released.split("."))
    expected = f"{major}.{minor}.{patch + 1}.dev1+g{head}"

    out = tmp_path / "out"
    build = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out)]
    done = subprocess.run([*build, "--sdist", str(root)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    [sdist] = out.glob("*.tar.gz")
    assert sdist.name == f"faceledger-{expected}.tar.gz"
    # The wheel from the sdist, where there is no git history: the sdist's recorded version.
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    [unpacked] = (tmp_path / "unpacked").iterdir()
    done = subprocess.run([*build, "--wheel", str(unpacked)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    [wheel] = out.glob("*.whl")
    assert wheel.name == f"faceledger-{expected}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        bundled = json.loads(archive.read("faceledger/data/datapackage.json"))
    assert bundled["version"] == expected
