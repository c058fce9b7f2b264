"""The wheel as a user gets it: built, installed into a fresh virtual environment, used there.

Slow by nature (isolated sdist and wheel builds and an install: 20-30 s with a warm
pip cache on 2 cores), so marked `slow`; and the only test that proves `pip install faceledger` works.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .support import REPO

pytestmark = pytest.mark.slow


def run(*command: str | Path, cwd: Path) -> str:
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Build the sdist and from it the wheel, as a release does, and install it away from the source tree."""
    work = tmp_path_factory.mktemp("wheel")
    # Through the sdist: its wheel builds the data from what the sdist carries, so a part of the
    # repository that the build reads but the sdist leaves out fails here.
    run(sys.executable, "-m", "build", "--outdir", work / "dist", REPO, cwd=work)
    [wheel] = (work / "dist").glob("faceledger-*.whl")
    venv = work / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    python = venv / "bin" / "python"
    # With the pandas extra and without polars, both sides of an optional extra are exercised.
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-compile",
        f"{wheel}[pandas]",
        cwd=work,
    )
    elsewhere = work / "cwd"
    elsewhere.mkdir()
    script = shutil.copy(Path(__file__).with_name("installed_check.py"), elsewhere)
    # -I: no PYTHONPATH, no user site, no script folder on sys.path; only the venv's packages.
    report = json.loads(run(python, "-I", script, cwd=elsewhere))
    return {"wheel": wheel, "venv": venv, "cwd": elsewhere, "report": report}


def repo_descriptor() -> dict:
    return json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))


def test_the_installed_package_is_the_wheel_not_the_source_tree(installed: dict):
    file = Path(installed["report"]["file"])
    assert file.is_relative_to(installed["venv"])
    assert not file.is_relative_to(REPO)


def test_one_version_everywhere(installed: dict):
    report = installed["report"]
    expected = repo_descriptor()["version"]
    assert installed["wheel"].name == f"faceledger-{expected}-py3-none-any.whl"
    assert report["version"] == report["metadata_version"] == report["descriptor_version"] == expected


def test_import_loads_nothing_heavy(installed: dict):
    assert installed["report"]["heavy_after_import"] == []


def test_every_resource_loads_with_the_row_count_and_hash_of_the_datapackage(installed: dict):
    report = installed["report"]
    names = [r["name"] for r in repo_descriptor()["resources"]]
    assert report["names"] == report["package_resources"] == names
    for name in names:
        entry = report["resources"][name]
        assert entry["bytes_match"] and entry["hash_match"], name
        assert entry["arrow_rows"] == entry["rows"], name
        schema = json.loads((REPO / "schema" / f"{name}.json").read_text(encoding="utf-8"))
        assert entry["fields"] == [field["name"] for field in schema["fields"]]
        assert entry["pandas_rows"] == entry["rows"], name
        assert "pip install 'faceledger[polars]'" in entry["polars_missing"]


def test_the_wheel_carries_the_current_data(installed: dict, bundle: Path):
    expected = {p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        carried = {
            name.removeprefix("faceledger/data/"): wheel.read(name)
            for name in wheel.namelist()
            if name.startswith("faceledger/data/")
        }
    assert carried == expected


def test_the_cli_works_in_the_installed_environment(installed: dict):
    faceledger = installed["venv"] / "bin" / "faceledger"
    info = json.loads(run(faceledger, "info", "--format", "json", cwd=installed["cwd"]))
    assert info["version"] == repo_descriptor()["version"]
    assert Path(info["data"]).is_relative_to(installed["venv"])
    for resource in info["resources"]:
        text = run(faceledger, "export", resource["name"], "--format", "csv", cwd=installed["cwd"])
        header, *rows = csv.reader(io.StringIO(text))
        assert header == installed["report"]["resources"][resource["name"]]["fields"]
        assert len(rows) == resource["rows"]
