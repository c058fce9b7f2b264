"""Shared test support: where the repository and the corpus are, and how to copy the repo."""

from __future__ import annotations

import os
from pathlib import Path

from faceledger.core.package import copy_repository

REPO = Path(__file__).resolve().parent.parent
# The real news-feed corpus lives beside the repository (it is not ours to republish).
# FACELEDGER_CORPUS points elsewhere; FACELEDGER_REQUIRE_CORPUS=1 turns its absence
# from a skip into a failure, which is how .ci/run runs.
CORPUS = Path(os.environ.get("FACELEDGER_CORPUS", REPO.parent / "shared" / "corpus" / "everyday-ai"))
CORPUS_REQUIRED = os.environ.get("FACELEDGER_REQUIRE_CORPUS") == "1"


def copy_repo(target: Path) -> Path:
    return copy_repository(REPO, target)
