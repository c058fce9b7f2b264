"""Shared test support: where the repository and the corpus are, and how to copy the repo."""

from __future__ import annotations

from pathlib import Path

from faceledger.package import copy_repository

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "everyday-ai"


def copy_repo(target: Path) -> Path:
    return copy_repository(REPO, target)
