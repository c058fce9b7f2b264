"""SHA256SUMS: one line per file of a release, in the form `sha256sum -c` reads."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..core.files import sha256_file

SUMS = "SHA256SUMS"
# A line exactly as write_checksums writes it (what `sha256sum` writes, in text mode): a release's
# SHA256SUMS in any other form was not written by a release build.
LINE = re.compile(r"(?P<digest>[0-9a-f]{64})  (?P<path>[^\x00-\x1f\x7f]+)")


def write_checksums(folder: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != SUMS)
    # hashlib lets go of the interpreter while it hashes: the files are read on every core
    # (a 20,000-document release is 150 MB, the last thing a build waits for).
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        digests = list(pool.map(sha256_file, files))
    lines = [
        f"{digest}  {p.relative_to(folder).as_posix()}\n" for digest, p in zip(digests, files, strict=True)
    ]
    (folder / SUMS).write_text("".join(lines), encoding="utf-8")
