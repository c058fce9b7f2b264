"""`faceledger info` and `faceledger export` over the bundled data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import faceledger
from faceledger import loader

from .support import REPO, cli

FORMATS = ("csv", "parquet", "json")


def names() -> list[str]:
    return [
        r["name"] for r in json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    ]


def test_info_lists_version_location_and_row_counts(bundled: Path, built: Path):
    result = cli("info")
    assert result.exit_code == 0, result.output
    descriptor = json.loads((built / "parquet" / "datapackage.json").read_text(encoding="utf-8"))
    lines = result.stdout.splitlines()
    assert lines[0] == f"faceledger {descriptor['version']}"
    assert lines[1] == f"data: {loader.data_dir()}"
    for line, resource in zip(lines[2:], descriptor["resources"], strict=True):
        assert line.split()[:3] == [resource["name"], str(resource["rows"]), "rows"]


def test_info_as_json(bundled: Path, built: Path):
    result = cli("info", "--format", "json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    descriptor = json.loads((built / "parquet" / "datapackage.json").read_text(encoding="utf-8"))
    assert info["version"] == descriptor["version"]
    assert [(r["name"], r["rows"]) for r in info["resources"]] == [
        (r["name"], r["rows"]) for r in descriptor["resources"]
    ]
    assert all(Path(r["path"]).is_file() for r in info["resources"])
    assert info == faceledger.info()  # the command prints the function's result


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_to_a_file_gives_the_release_bytes(bundled: Path, built: Path, tmp_path: Path, fmt: str):
    for name in names():
        target = tmp_path / f"{name}.{fmt}"
        result = cli("export", name, "--format", fmt, "--output", str(target))
        assert result.exit_code == 0, result.output
        release_file = (
            built
            / fmt
            / json.loads((built / fmt / "datapackage.json").read_text())["resources"][names().index(name)][
                "path"
            ]
        )
        assert target.read_bytes() == release_file.read_bytes(), (name, fmt)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{n}.{fmt}" for n in names()
    )  # no temp files


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_to_standard_output(bundled: Path, built: Path, fmt: str):
    name = names()[0]
    result = cli("export", name, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    suffix = {"csv": ".csv", "parquet": ".parquet", "json": ".jsonl"}[fmt]
    assert result.stdout_bytes == (built / fmt / f"{name}{suffix}").read_bytes()


def test_export_defaults_to_csv(bundled: Path, built: Path):
    name = names()[0]
    assert cli("export", name).stdout_bytes == (built / "csv" / f"{name}.csv").read_bytes()


def test_export_of_an_unknown_name_is_a_usage_error(bundled: Path):
    result = cli("export", "contract")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: no resource named 'contract'; the resources are: ")
    assert "Traceback" not in result.output


def test_export_in_an_unknown_format_is_a_usage_error(bundled: Path):
    result = cli("export", names()[0], "--format", "xlsx")
    assert result.exit_code == 2
    assert result.stderr == "error: unknown format 'xlsx'; the formats are: csv, parquet, json\n"


def test_export_to_a_missing_folder_fails_cleanly(bundled: Path, tmp_path: Path):
    result = cli("export", names()[0], "--output", str(tmp_path / "no" / "such.csv"))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output


def test_without_bundled_data_info_and_export_say_to_build(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(loader, "DATA", tmp_path / "data")
    for args in (["info"], ["export", "documents"]):
        result = cli(*args)
        assert result.exit_code == 1
        assert "run `faceledger build`" in result.stderr
        assert "Traceback" not in result.output
