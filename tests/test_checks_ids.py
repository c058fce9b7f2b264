"""Stable ids: tombstones checked by the build, followed by resolve() and by the diff."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from faceledger.core import tombstones as ids

from .support import TOMBSTONES_HEADER, VENDORS, History, cli, write_csv

STONES = pa.Table.from_pylist(
    [
        {
            "resource": "vendors",
            "id": "a",
            "status": "renamed",
            "replaced_by": "b",
            "last_version": "1.0.0",
            "reason": "r",
        },
        {
            "resource": "vendors",
            "id": "b",
            "status": "renamed",
            "replaced_by": "c",
            "last_version": "1.1.0",
            "reason": "r",
        },
        {
            "resource": "vendors",
            "id": "x",
            "status": "removed",
            "replaced_by": None,
            "last_version": "1.0.0",
            "reason": "r",
        },
        {
            "resource": "vendors",
            "id": "y",
            "status": "renamed",
            "replaced_by": "x",
            "last_version": "0.9.0",
            "reason": "r",
        },
    ]
)


@pytest.mark.parametrize(
    ("resource", "id", "current"),
    [
        ("vendors", "a", "c"),  # a chain of renames is followed to its end
        ("vendors", "c", "c"),  # a current id is itself
        ("vendors", "x", None),  # removed
        ("vendors", "y", None),  # renamed, then the new id removed
        ("systems", "a", "a"),  # tombstones belong to one resource
    ],
)
def test_resolve_follows_renames(resource, id, current):
    assert ids.resolve(resource, id, STONES) == current
    assert ids.resolve(resource, id, STONES.to_pylist()) == current


def test_resolve_refuses_a_loop():
    loop = [
        {"resource": "v", "id": "a", "status": "renamed", "replaced_by": "b"},
        {"resource": "v", "id": "b", "status": "renamed", "replaced_by": "a"},
    ]
    with pytest.raises(ids.RedirectCycle, match="a -> b -> a"):
        ids.resolve("v", "a", loop)


def with_tombstones(two: History, tmp_path: Path, *rows: str, vendors: list[str] | None = None) -> Path:
    root = two.copy(tmp_path / "repo")
    write_csv(root, "dataset/tombstones.csv", [TOMBSTONES_HEADER, *rows])
    if vendors is not None:
        write_csv(root, "dataset/vendors.csv", vendors)
    return root


def test_reusing_a_retired_id_fails_validation_at_its_line(two: History, tmp_path: Path):
    root = with_tombstones(
        two,
        tmp_path,
        "vendors,ven-old,removed,,0.1.0,Entered by mistake.",
        vendors=[*VENDORS[:2], "ven-nec,NEC,JP,1899,neoface", "ven-old,Another Old Vendor,US,2001,"],
    )
    for command in ("validate", "build"):
        result = cli(command, "--root", str(root))
        assert result.exit_code == 1, result.output
        assert (
            "dataset/vendors.csv:4: error reused-id [vendor_id]: ven-old was removed after 0.1.0 "
            "(Entered by mistake.); a published id is never used again: give this row a new id"
            in result.output
        )
    assert not (root / "dist").exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "vendors,ven-q,renamed,,0.1.0,Why.",
            "3: error missing-replacement [replaced_by]: a renamed id needs",
        ),
        ("vendors,ven-q,removed,ven-nec,0.1.0,Why.", "3: error unexpected-replacement [replaced_by]"),
        (
            "vendors,ven-q,renamed,ven-nowhere,0.1.0,Why.",
            "3: error unknown-replacement [replaced_by]: ven-q is renamed to ven-nowhere, which is not an id in vendors",
        ),
        (
            "document_links,x,removed,,0.1.0,Why.",
            "3: error unknown-resource [resource]: 'document_links' is not a resource whose primary key is a single field",
        ),
        (
            "vendors,ven-q,deleted,,0.1.0,Why.",
            "3: error bad-value [status]: 'deleted' is not one of: removed, renamed",
        ),
        ("vendors,ven-q,removed,,1.0,Why.", "3: error bad-value [last_version]"),
        ("vendors,ven-q,removed,,0.1.0,", "3: error bad-value [reason]: a value is required"),
    ],
)
def test_tombstones_that_make_no_sense_are_findings(two: History, tmp_path: Path, row: str, message: str):
    root = with_tombstones(two, tmp_path, "vendors,ven-idemia,renamed,ven-idemia-ps,0.1.0,Split.", row)
    result = cli("validate", "--root", str(root))
    assert result.exit_code == 1
    assert f"dataset/tombstones.csv:{message}" in result.output


def test_renames_that_loop_are_findings(two: History, tmp_path: Path):
    root = with_tombstones(
        two,
        tmp_path,
        "vendors,ven-p,renamed,ven-q,0.1.0,Why.",
        "vendors,ven-q,renamed,ven-p,0.1.0,Why.",
    )
    result = cli("validate", "--root", str(root))
    assert result.exit_code == 1
    assert (
        "dataset/tombstones.csv:2: error redirect-cycle [replaced_by]: vendors: the renames of ven-p loop"
        in result.output
    )


def test_the_repository_tombstones_are_valid_and_shipped(two: History):
    assert cli("validate", "--root", str(two.root)).exit_code == 0
    shipped = (two.second / "csv" / "tombstones.csv").read_text(encoding="utf-8").splitlines()
    assert shipped[0] == TOMBSTONES_HEADER
    assert "vendors,ven-old,removed,,0.1.0,Entered by mistake: not a facial-recognition vendor." in shipped
