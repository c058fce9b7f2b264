"""SHA256SUMS: one line per file of a release, in the form `sha256sum -c` reads."""

from __future__ import annotations

import re
from pathlib import Path

from ..core.files import sha256_file

SUMS = "SHA256SUMS"
# A line exactly as write_checksums writes it (what `sha256sum` writes, in text mode): a release's
# SHA256SUMS in any other form was not written by a release build.
LINE = re.compile(r"(?P<digest>[0-9a-f]{64})  (?P<path>[^\x00-\x1f\x7f]+)")


def write_checksums(folder: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != SUMS)
    lines = [f"{sha256_file(p)}  {p.relative_to(folder).as_posix()}\n" for p in files]
    (folder / SUMS).write_text("".join(lines), encoding="utf-8")
