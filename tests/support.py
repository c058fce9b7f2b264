"""Shared test support: where the repository and the corpus are, and how to copy the repo."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "everyday-ai"
# The files a FaceLedger repository needs to build, copied for tests that change them.
REPO_PARTS = ("seeds", "schema", "dataset", "docs", "datapackage.json", "CHANGELOG.md", "LICENSE-DATA")


def copy_repo(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for part in REPO_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.exists():
            shutil.copyfile(source, target / part)
    return target
