"""`faceledger diff` of a malformed release: a finding naming the file, never a traceback."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from .support import History, cli


def _descriptor(edit: Callable[[dict], None]) -> Callable[[Path], None]:
    def apply(release: Path) -> None:
        for fmt in ("csv", "parquet"):
            path = release / fmt / "datapackage.json"
            descriptor = json.loads(path.read_text(encoding="utf-8"))
            edit(descriptor)
            path.write_text(json.dumps(descriptor), encoding="utf-8")

    return apply


def _first_schema(edit: Callable[[dict], None]) -> Callable[[dict], None]:
    return lambda d: edit(d["resources"][0]["schema"])


def _parquet_metadata(value: bytes) -> Callable[[Path], None]:
    def apply(release: Path) -> None:
        path = release / "parquet" / "vendors.parquet"
        table = pq.read_table(path)
        metadata = {**(table.schema.metadata or {}), b"frictionless:schema": value}
        pq.write_table(table.replace_schema_metadata(metadata), path)

    return apply


def _not_parquet(release: Path) -> None:
    (release / "parquet" / "vendors.parquet").write_bytes(b"PAR1 this is not Parquet\n")


BROKEN = {
    # case: (edit of the second release, code, file the finding names)
    "resources-a-number": (
        _descriptor(lambda d: d.update(resources=5)),
        "invalid-descriptor",
        "datapackage.json",
    ),
    "resource-a-number": (
        _descriptor(lambda d: d["resources"].insert(0, 7)),
        "invalid-descriptor",
        "datapackage.json",
    ),
    "schema-a-list": (
        _descriptor(lambda d: d["resources"][0].update(schema=["fields"])),
        "invalid-schema",
        "datapackage.json",
    ),
    "fields-not-a-list": (
        _descriptor(_first_schema(lambda s: s.update(fields={"name": "x"}))),
        "invalid-schema",
        "datapackage.json",
    ),
    "field-a-number": (
        _descriptor(_first_schema(lambda s: s["fields"].append(3))),
        "invalid-schema",
        "datapackage.json",
    ),
    "foreign-keys-a-string": (
        _descriptor(_first_schema(lambda s: s.update(foreignKeys="documents"))),
        "invalid-schema",
        "datapackage.json",
    ),
    "missing-values-a-number": (
        _descriptor(_first_schema(lambda s: s.update(missingValues=0))),
        "invalid-schema",
        "datapackage.json",
    ),
    "parquet-schema-not-json": (_parquet_metadata(b"{not json"), "unreadable", "vendors.parquet"),
    "parquet-schema-not-a-table-schema": (_parquet_metadata(b"[1, 2]"), "invalid-schema", "vendors.parquet"),
    "parquet-schema-fields-of-numbers": (
        _parquet_metadata(b'{"fields": [1]}'),
        "invalid-schema",
        "vendors.parquet",
    ),
    "not-parquet": (_not_parquet, "unreadable", "vendors.parquet"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_malformed_release_is_a_finding(two: History, tmp_path: Path, case: str):
    edit, code, named = BROKEN[case]
    broken = tmp_path / "release"
    shutil.copytree(two.second, broken)
    edit(broken)
    result = cli("diff", str(two.first), str(broken))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert any(named in line and f"error {code}" in line for line in result.output.splitlines()), (
        result.output
    )
