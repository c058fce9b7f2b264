"""The release formats as other tools read them: frictionless, pandas, polars, DuckDB, and the types.

Each test reads a release built by the test session (or a tree it changes) with
the real tool, as a user of the data would.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest

from faceledger.build import build
from faceledger.core.schema import format_datetime

from .support import REPO, cli, replace

FORMATS = ("csv", "parquet", "json")
FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def descriptor(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def same(value: Any) -> Any:
    """One form for a value, whichever reader gave it: datetimes as written, NaN as null, whole floats as ints."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, float):
        return None if math.isnan(value) else int(value) if value.is_integer() else value
    if isinstance(value, list | tuple):
        return [same(v) for v in value]
    if hasattr(value, "tolist"):  # a NumPy array from pandas
        return same(value.tolist())
    return value


def records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: same(v) for k, v in row.items()} for row in rows]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_frictionless_cli_validates_each_release_descriptor(built: Path, fmt: str):
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", str(built / fmt / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def resources(built: Path) -> list[tuple[str, Path, list[dict[str, Any]], dict[str, Any]]]:
    """Each resource: name, its JSON Lines file, its Parquet rows, its Table Schema."""
    found = []
    for resource in descriptor(built / "json")["resources"]:
        rows = pq.read_table(built / "parquet" / f"{resource['name']}.parquet").to_pylist()
        found.append((resource["name"], built / "json" / resource["path"], records(rows), resource["schema"]))
    return found


POLARS_TYPES = {"string": pl.String, "integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean}


def polars_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """What a reader passes polars for a file with no rows to infer from."""
    types = {**POLARS_TYPES, "datetime": pl.String, "date": pl.String, "list": pl.List(pl.String)}
    return {spec["name"]: types[spec.get("type", "string")] for spec in schema["fields"]}


def test_every_json_lines_resource_reads_in_pandas_polars_and_duckdb(built: Path):
    checked = 0
    for name, path, expected, schema in resources(built):
        columns = [spec["name"] for spec in schema["fields"]]
        if not expected:
            # A table without rows is an empty file: a reader is told the columns it would have.
            assert path.read_bytes() == b""
            assert pd.read_json(path, lines=True).empty
            assert pl.read_ndjson(path, schema=polars_schema(schema)).columns == columns
            continue
        by_pandas = pd.read_json(path, lines=True, dtype=False)
        assert list(by_pandas.columns) == columns, name
        assert records(by_pandas.to_dict("records")) == expected, name
        assert records(pl.read_ndjson(path).to_dicts()) == expected, name
        by_duckdb = duckdb.connect().sql(f"SELECT * FROM read_json_auto('{path}')")
        assert by_duckdb.columns == columns, name
        assert records([dict(zip(columns, row, strict=True)) for row in by_duckdb.fetchall()]) == expected
        checked += 1
    assert checked >= 6


def test_jq_streams_json_lines(built: Path):
    jq = shutil.which("jq")
    if jq is None:
        pytest.skip("jq is not installed")
    out = subprocess.run(
        [jq, "-c", "select(.amount != null) | .amount"],
        stdin=(built / "json" / "contracts.jsonl").open("rb"),
        capture_output=True,
        check=True,
    ).stdout
    assert out.split() == [b"3750000", b"3900000", b"4200000"]


def test_amounts_and_award_year_are_integers_in_every_format(built: Path):
    table = pq.read_table(built / "parquet" / "contracts.parquet")
    for column in ("amount", "total_value", "award_year"):
        assert str(table.schema.field(column).type) == "int64", column
    line = next(
        line
        for line in (built / "json" / "contracts.jsonl").read_text(encoding="utf-8").splitlines()
        if '"con-ice-clearview-ai-hsi"' in line
    )
    assert '"amount":3750000,' in line and '"total_value":9225000,' in line and '"award_year":null' in line
    trust_stamp = next(r for r in table.to_pylist() if r["contract_id"] == "con-ice-trust-stamp")
    assert (trust_stamp["award_date"], trust_stamp["award_year"]) == ("2021", 2021)
    csv_text = (built / "csv" / "contracts.csv").read_text(encoding="utf-8")
    assert ",3750000,9225000,USD,--09-05,,day," in csv_text and "3750000.0" not in csv_text


def test_a_non_whole_amount_is_a_finding(repo: Path):
    line = replace(repo, "dataset/contracts.csv", ",3750000,9225000,", ",3750000.5,9225000,")
    result = cli("validate", "--root", str(repo))
    assert result.exit_code == 1
    assert f"dataset/contracts.csv:{line}: error bad-value [amount]: '3750000.5'" in result.output


def test_an_award_year_that_is_not_the_date_s_year_is_a_finding(repo: Path):
    wrong = replace(
        repo,
        "dataset/contracts.csv",
        ",USD,2021,2021,year,publication,AI",
        ",USD,2021,2020,year,publication,AI",
    )
    guessed = replace(repo, "dataset/contracts.csv", ",--09-05,,day,", ",--09-05,2021,day,")
    result = cli("validate", "--root", str(repo))
    assert result.exit_code == 1
    assert (
        f"dataset/contracts.csv:{wrong}: error year-mismatch [award_year]: award_year is 2020 but "
        "award_date '2021' gives the year 2021: write 2021"
    ) in result.output
    assert f"dataset/contracts.csv:{guessed}: error year-mismatch [award_year]" in result.output
    assert "gives no year: leave it empty" in result.output


def test_diff_classes_the_type_changes(repo: Path, tmp_path: Path):
    """The release before: amounts as numbers and no award_year. Against it, today's schemas."""
    new = build(repo).release
    assert new is not None
    old = tmp_path / "old"
    old.mkdir()
    (old / "datapackage.json").write_text((repo / "datapackage.json").read_text(encoding="utf-8"))
    schema = json.loads((repo / "schema" / "contracts.json").read_text(encoding="utf-8"))
    for spec in schema["fields"]:
        if spec["name"] in ("amount", "total_value"):
            spec["type"] = "number"
    schema["fields"] = [spec for spec in schema["fields"] if spec["name"] != "award_year"]
    (repo / "schema" / "contracts.json").write_text(json.dumps(schema, indent=2), encoding="utf-8")
    csv_path = repo / "dataset" / "contracts.csv"
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    at = lines[0].split(",").index("award_year")
    csv_path.write_text(
        "".join(",".join(c for i, c in enumerate(line.split(",")) if i != at) + "\n" for line in lines),
        encoding="utf-8",
    )
    result = cli("diff", str(repo), str(new / "csv"), "--root", str(repo))
    assert "major  contracts.amount: type changed from 'number' to 'integer'" in result.output
    assert "major  contracts.total_value: type changed from 'number' to 'integer'" in result.output
    assert "minor  contracts.award_year: new optional field" in result.output
    assert "Required bump: major" in result.output


def readme_block(heading: str) -> str:
    """The first Python block after `heading` in the README."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```python\n(.*?)```", text[text.index(heading) :], re.DOTALL)
    assert found
    return found.group(1)


def test_the_readme_read_csv_recipe_keeps_namibia(repo: Path, monkeypatch: pytest.MonkeyPatch):
    replace(
        repo,
        "dataset/organizations.csv",
        "org-clearview-ai,Clearview AI,vendor,US,",
        "org-clearview-ai,Clearview AI,vendor,NA,",
    )
    release = build(repo).release
    assert release is not None
    monkeypatch.chdir(release.parent)
    recipe = readme_block("#### CSV in pandas").replace("faceledger-1.0.0", release.name)
    scope: dict[str, Any] = {}
    exec(compile(recipe, "README.md", "exec"), scope)
    organizations = scope["organizations"].set_index("organization_id")
    assert organizations.loc["org-clearview-ai", "country"] == "NA"
    assert pd.isna(organizations.loc["org-fbi", "parent_organization_id"])  # empty cells stay missing
    # Without the recipe pandas reads Namibia as a missing value.
    naive = pd.read_csv(release / "csv" / "organizations.csv").set_index("organization_id")
    assert pd.isna(naive.loc["org-clearview-ai", "country"])


def test_verify_checks_the_parquet_size_under_its_own_name(built: Path, tmp_path: Path):
    copy = Path(shutil.copytree(built, tmp_path / built.name))
    path = copy / "parquet" / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    assert "bytes" not in package["resources"][0]
    package["resources"][0]["x-faceledger-bytes"] += 1
    del package["resources"][1]["x-faceledger-bytes"]
    path.write_text(json.dumps(package), encoding="utf-8")
    result = cli("verify", str(copy), "--ignore-missing")
    assert result.exit_code == 1
    first, second = (r["path"] for r in package["resources"][:2])
    assert f"parquet/{first}: error bytes-mismatch" in result.output
    assert f"parquet/{second}: error bytes-mismatch" in result.output


def test_the_readme_json_lines_readers_run(built: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(built)
    scope: dict[str, Any] = {}
    code = readme_block("#### JSON Lines")
    assert "read_json(" in code and "read_ndjson(" in code and "read_json_auto(" in code
    exec(compile(code, "README.md", "exec"), scope)
    rows = {r["name"]: r["rows"] for r in descriptor(built / "json")["resources"]}
    assert len(scope["contracts"].fetchall()) == rows["contracts"]
