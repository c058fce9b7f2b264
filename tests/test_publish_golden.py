"""The release's data bytes, pinned: a refactoring that changes one byte of a published file fails here.

tests/golden/release-0.1.0.SHA256SUMS is the SHA256SUMS of the release built from
the data in this repository before the code was re-laid by stage. CHANGELOG.md
and the zips (which carry it) are left out of the comparison, because the
changelog is edited with every change; every data file, descriptor,
changes.csv and the data dictionary must match to the byte. A deliberate change
to the data or its formats updates the golden file in the same commit.
"""

from __future__ import annotations

from pathlib import Path

from .support import REPO

GOLDEN = REPO / "tests" / "golden" / "release-0.1.0.SHA256SUMS"
# Files whose bytes follow CHANGELOG.md.
FOLLOW_THE_CHANGELOG = ("CHANGELOG.md",)


def sums(path: Path) -> dict[str, str]:
    listed = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        if name not in FOLLOW_THE_CHANGELOG and not name.endswith(".zip"):
            listed[name] = digest
    return listed


def test_the_release_is_byte_identical_to_the_golden_one(built: Path):
    assert sums(built / "SHA256SUMS") == sums(GOLDEN)


def test_the_golden_file_covers_every_format():
    names = sums(GOLDEN)
    for fmt in ("csv", "parquet", "json"):
        assert f"{fmt}/datapackage.json" in names
        assert sum(name.startswith(f"{fmt}/") for name in names) == 9
    # The JSON release is JSON Lines: every data file in json/ is a .jsonl.
    assert {n.rsplit(".", 1)[1] for n in names if n.startswith("json/") and n != "json/datapackage.json"} == {
        "jsonl"
    }
