"""The wheel as a data user gets it: built, installed without extras into a fresh virtual environment, used there.

Slow by nature (isolated sdist and wheel builds and an install: 20-30 s with a warm
pip cache on 2 cores), so marked `slow`; and the only test that proves `pip install faceledger`
works with pyarrow alone: the loader, `faceledger info` and `faceledger export`, and a clear
line naming the extra for the commands that need the build tools.
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


def attempt(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False)


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
    # No extra: what `pip install faceledger` gives a data user (pyarrow comes from the index).
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-compile",
        wheel,
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
    assert report["names"] == names
    for name in names:
        entry = report["resources"][name]
        assert entry["bytes_match"] and entry["hash_match"], name
        assert entry["arrow_rows"] == entry["rows"], name
        schema = json.loads((REPO / "schema" / f"{name}.json").read_text(encoding="utf-8"))
        assert entry["fields"] == [field["name"] for field in schema["fields"]]
        assert "pip install 'faceledger[pandas]'" in entry["pandas_missing"]
        assert "pip install 'faceledger[polars]'" in entry["polars_missing"]
    assert "pip install 'faceledger[build]'" in report["package_missing"]


def test_the_install_has_pyarrow_and_none_of_the_build_tools(installed: dict):
    assert installed["report"]["build_tools_importable"] == []
    python = installed["venv"] / "bin" / "python"
    names = json.loads(
        run(
            python,
            "-I",
            "-c",
            "import json, importlib.metadata as m; print(json.dumps(sorted(d.metadata['Name'].lower() for d in m.distributions())))",
            cwd=installed["cwd"],
        )
    )
    # pyarrow (numpy is optional for it), and pooch with platformdirs for versioned downloads,
    # pooch bringing requests and packaging.
    light = {"faceledger", "pyarrow", "numpy", "pooch", "platformdirs", "packaging", "requests"}
    requests = {"urllib3", "idna", "certifi", "charset-normalizer", "charset_normalizer"}
    assert set(names) <= light | requests, names


def test_the_wheel_is_typed_and_links_its_documentation(installed: dict):
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        assert "faceledger/py.typed" in wheel.namelist()
    urls = dict(url.split(", ", 1) for url in installed["report"]["urls"])
    assert set(urls) == {"Documentation", "Changelog", "Issues", "Source"}
    assert all(url.startswith("https://github.com/faceledger/faceledger") for url in urls.values())


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


def test_version_and_help_work_without_the_build_tools(installed: dict):
    faceledger = installed["venv"] / "bin" / "faceledger"
    assert (
        run(faceledger, "--version", cwd=installed["cwd"]).strip()
        == f"faceledger {repo_descriptor()['version']}"
    )
    shown = run(faceledger, "--help", cwd=installed["cwd"])
    assert "info" in shown and "export" in shown and "pip install 'faceledger[build]'" in shown
    assert "usage: faceledger export" in run(faceledger, "export", "--help", cwd=installed["cwd"])
    python = installed["venv"] / "bin" / "python"
    assert json.loads(run(python, "-I", "-m", "faceledger", "info", "--format", "json", cwd=installed["cwd"]))


@pytest.mark.parametrize("command", ["build", "validate", "verify", "show"])
def test_a_build_command_names_the_extra_in_one_line(installed: dict, command: str):
    result = attempt(installed["venv"] / "bin" / "faceledger", command, cwd=installed["cwd"])
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"faceledger {command} needs the build tools")
    assert line.endswith("pip install 'faceledger[build]'")


def test_an_unknown_command_is_a_usage_error_not_a_missing_extra(installed: dict):
    result = attempt(installed["venv"] / "bin" / "faceledger", "biuld", cwd=installed["cwd"])
    assert result.returncode == 2
    assert "invalid choice" in result.stderr and "Traceback" not in result.stderr
