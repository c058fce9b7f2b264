"""The Python API over the bundled data: load, resources, schema, path, package, join, __version__."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import faceledger
from faceledger import loader
from faceledger.build import BuildResult, StaleSource, build, build_bundle
from faceledger.core.findings import BuildFailed
from faceledger.core.schema import arrow_schema

from .support import REPO, copy_repo

HEAVY = ("pyarrow", "numpy", "pandas", "polars", "frictionless", "typer", "yaml", "duckdb")


def repo_descriptor() -> dict:
    return json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def tables(build_result: BuildResult) -> dict[str, pa.Table]:
    """The tables as the build of `bundle` assembled them, to compare loaded data with."""
    return {name: table.data for name, table in build_result.package.tables.items()}


def test_import_imports_nothing_heavy():
    code = (
        "import sys, faceledger; faceledger.__version__; faceledger.resources; "
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version_is_the_dataset_version(bundled: Path):
    assert faceledger.__version__ == repo_descriptor()["version"]


def test_resources_are_those_of_the_descriptor(bundled: Path):
    assert faceledger.resources() == [r["name"] for r in repo_descriptor()["resources"]]


def test_bundle_is_the_parquet_release_with_true_hashes_and_row_counts(bundled: Path, tables: dict):
    descriptor = json.loads((bundled / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["version"] == repo_descriptor()["version"]
    for resource in descriptor["resources"]:
        data = (bundled / resource["path"]).read_bytes()
        assert resource["format"] == "parquet"
        assert resource["x-faceledger-bytes"] == len(data)  # frictionless cannot measure Parquet
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["rows"] == tables[resource["name"]].num_rows


def test_every_resource_loads_as_arrow_equal_to_the_build(bundled: Path, tables: dict):
    assert set(tables) == set(faceledger.resources())
    for name in faceledger.resources():
        table = faceledger.load(name)
        assert isinstance(table, pa.Table)
        assert table.equals(tables[name]), name
        # The Arrow types the Table Schema defines, descriptions included.
        assert table.schema.equals(arrow_schema(faceledger.schema(name)), check_metadata=False)
        for field in table.schema:
            assert field.metadata[b"description"]


def test_load_as_pandas(bundled: Path, tables: dict):
    pandas = pytest.importorskip("pandas")
    for name in faceledger.resources():
        frame = faceledger.load(name, as_="pandas")
        assert isinstance(frame, pandas.DataFrame)
        assert list(frame.columns) == tables[name].column_names
        assert len(frame) == tables[name].num_rows


def test_load_as_polars(bundled: Path, tables: dict):
    polars = pytest.importorskip("polars", reason="polars is optional: pip install 'faceledger[polars]'")
    for name in faceledger.resources():
        frame = faceledger.load(name, as_="polars")
        assert isinstance(frame, polars.DataFrame)
        assert frame.columns == tables[name].column_names
        assert frame.height == tables[name].num_rows


@pytest.mark.parametrize("flavour", ["pandas", "polars"])
def test_a_missing_extra_names_the_extra_to_install(bundled: Path, monkeypatch, flavour: str):
    monkeypatch.setitem(sys.modules, flavour, None)  # makes `import <flavour>` fail as if not installed
    name = faceledger.resources()[0]
    with pytest.raises(faceledger.MissingExtra, match=rf"pip install 'faceledger\[{flavour}\]'"):
        faceledger.load(name, as_=flavour)
    with pytest.raises(ImportError):  # MissingExtra is an ImportError
        faceledger.load(name, as_=flavour)


def test_an_unknown_flavour_lists_the_valid_ones(bundled: Path):
    with pytest.raises(ValueError, match="'arrow', 'pandas', 'polars'"):
        faceledger.load(faceledger.resources()[0], as_="excel")


@pytest.mark.parametrize("function", [faceledger.load, faceledger.schema, faceledger.path])
def test_an_unknown_name_lists_the_valid_ones(bundled: Path, function):
    with pytest.raises(faceledger.UnknownResource) as caught:
        function("contract")
    message = str(caught.value)
    assert message.startswith("no resource named 'contract'; the resources are: ")
    for name in faceledger.resources():
        assert name in message
    assert isinstance(caught.value, KeyError)
    assert caught.value.valid == faceledger.resources()


def test_schema_is_the_table_schema(bundled: Path):
    for resource in repo_descriptor()["resources"]:
        expected = json.loads((REPO / resource["schema"]).read_text(encoding="utf-8"))
        schema = faceledger.schema(resource["name"])
        assert schema == expected
        assert schema["primaryKey"]
        assert all(field["description"] and field["type"] for field in schema["fields"])


def test_path_is_the_bundled_parquet_file(bundled: Path):
    for name in faceledger.resources():
        assert faceledger.path(name).parent == bundled
        assert faceledger.path(name).suffix == ".parquet"


def test_package_is_a_frictionless_package_over_the_bundle(bundled: Path, tables: dict):
    package = faceledger.package()
    assert package.resource_names == faceledger.resources()
    for name in package.resource_names:
        assert len(package.get_resource(name).read_rows()) == tables[name].num_rows
    report = package.validate(limit_errors=10_000)
    # As for the Parquet release: frictionless-py 5 cannot count a Parquet file's bytes.
    problems = report.flatten(["type", "note"])
    assert all(kind == "byte-count" and note.endswith('actual is "None"') for kind, note in problems), (
        problems
    )


def test_without_bundled_data_the_error_says_to_build(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(loader, "DATA", tmp_path / "data")
    with pytest.raises(faceledger.DataNotBuilt, match="run `faceledger build`"):
        faceledger.load("documents")
    with pytest.raises(FileNotFoundError):
        faceledger.resources()
    # The version then comes from the installed distribution's metadata.
    from importlib.metadata import version

    assert faceledger.__version__ == version("faceledger")


def test_package_is_the_function_after_the_build_modules_are_imported():
    # No submodule may share a name with the public API: importing it would replace the function.
    code = (
        "import importlib, pkgutil, faceledger\n"
        "for module in pkgutil.walk_packages(faceledger.__path__, 'faceledger.'):\n"
        "    if module.name != 'faceledger.__main__':\n"
        "        importlib.import_module(module.name)\n"
        "print(callable(faceledger.package), faceledger.package.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "faceledger.loader"]


def test_other_attributes_are_missing():
    with pytest.raises(AttributeError, match="no attribute 'lod'"):
        faceledger.lod  # noqa: B018


def test_build_writes_the_bundle_in_a_source_checkout(tmp_path: Path, bundle: Path):
    root = copy_repo(tmp_path / "checkout")
    (root / "faceledger").mkdir()
    (root / "faceledger" / "__init__.py").write_text("")
    result = build(root)
    assert result.bundle == root / "faceledger" / "data"
    assert same_files(result.bundle, result.release / "parquet", but=("schema",))
    assert same_files(result.bundle, bundle)


def test_build_elsewhere_writes_no_bundle(tmp_path: Path):
    result = build(copy_repo(tmp_path / "plain"))
    assert result.bundle is None
    assert not (tmp_path / "plain" / "faceledger").exists()


def test_build_bundle_refuses_a_stale_checkout_and_writes_nothing(tmp_path: Path):
    root = copy_repo(tmp_path / "stale")
    part = repo_descriptor()["resources"][0]["path"][0]  # documents: a part of a multipart resource
    with (root / part).open("ab") as handle:
        handle.write(b"\r\n")
    with pytest.raises(StaleSource, match=part):
        build_bundle(root, tmp_path / "data")
    assert not (tmp_path / "data").exists()
    assert (root / part).read_bytes().endswith(b"\r\n\r\n")  # the checkout is left alone


def test_build_bundle_fails_on_bad_input_and_writes_nothing(tmp_path: Path):
    root = copy_repo(tmp_path / "broken")
    (root / "datapackage.json").write_text("{", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_bundle(root, tmp_path / "data")
    assert not (tmp_path / "data").exists()


def same_files(a: Path, b: Path, but: tuple[str, ...] = ()) -> bool:
    def listing(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).parts[0] not in but
        }

    return listing(a) == listing(b)
