"""`faceledger site`: render the static site of a built release into its site/ folder.

`faceledger build` renders the site as part of the release it writes; this
command renders it again for a release already built (after editing the
templates, say), replacing the old site/ whole or not at all.
"""

from __future__ import annotations

import json
from pathlib import Path

from .core.files import staged_folder
from .core.layout import DESCRIPTOR
from .ingest.documents import build_documents
from .website import FOLDER
from .website.data import ReleaseUnreadable
from .website.render import render

__all__ = ["ReleaseUnreadable", "site"]


def site(root: Path, release: Path | None = None) -> Path:
    """Render the site of `release` (default: ROOT/dist/faceledger-<version>); return the site folder.

    The seeds under `root` give each quote its surrounding text. Raises
    ReleaseUnreadable when the release is not built.
    """
    if release is None:
        version = json.loads((root / DESCRIPTOR).read_bytes()).get("version", "")
        release = root / "dist" / f"faceledger-{version}"
    if not release.is_dir():
        raise ReleaseUnreadable(f"no release at {release}: run `faceledger build` first")
    texts = build_documents(root).texts if (root / "seeds").is_dir() else {}
    target = release / FOLDER
    with staged_folder(target) as staging:
        render(release, staging, texts)
    return target
