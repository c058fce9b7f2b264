"""`faceledger site`: render the static site of a built release into its site/ folder.

`faceledger build` renders the site as part of the release it writes; this
command renders it again for a release already built (after editing the
templates, say), replacing the old site/ whole or not at all.
"""

from __future__ import annotations

from pathlib import Path

from .build import package_version, plan
from .core.files import staged_folder
from .core.findings import BuildFailed, errors
from .core.transaction import check_writable
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
    texts: dict[str, str] = {}
    if release is None:
        # The folder `faceledger build` writes is named by the build's version, a development
        # version for data that are not a release: the repository's, read once, gives it and the texts.
        try:
            planned = plan(root)
        except BuildFailed as failed:
            message = f"{root} has errors ({len(errors(failed.findings))}), so no release of it is built: see `faceledger validate`"
            raise ReleaseUnreadable(message) from None
        dist = root / "dist"
        try:
            check_writable(root, [dist], dist)
        except BuildFailed as failed:
            raise ReleaseUnreadable(str(failed.findings[0])) from None
        release = dist / f"faceledger-{package_version(root, planned)}"
        texts = planned.package.texts
    elif (root / "seeds").is_dir():
        texts = build_documents(root).texts
    if not release.is_dir():
        raise ReleaseUnreadable(f"no release at {release}: run `faceledger build` first")
    target = release / FOLDER
    with staged_folder(target) as staging:
        render(release, staging, texts)
    return target
