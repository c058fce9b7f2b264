"""schema.org `Dataset` JSON-LD for the home page, from the release's descriptor and SHA256SUMS.

Search engines (Google Dataset Search) read it. Its distributions are the
release's zips, one per format, at the project's GitHub releases page, where the
release workflow attaches them.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from .data import Release

MEDIA = {".zip": "application/zip", ".csv": "text/csv", ".md": "text/markdown"}


def asset_base(release: Release) -> str:
    homepage = str(release.descriptor.get("homepage") or "").rstrip("/")
    return f"{homepage}/releases/download/v{release.version}/" if homepage else ""


def dataset(release: Release) -> dict[str, Any]:
    descriptor = release.descriptor
    licences = descriptor.get("licenses") or []
    creators = [c.get("title") for c in descriptor.get("contributors", []) if "creator" in c.get("roles", [])]
    base = asset_base(release)
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": descriptor.get("title") or descriptor.get("name"),
        "description": descriptor.get("description"),
        "version": release.version,
        "url": descriptor.get("homepage"),
        "license": licences[0].get("path") if licences else None,
        "keywords": descriptor.get("keywords", []),
        "creator": [{"@type": "Organization", "name": name} for name in creators],
        "isAccessibleForFree": True,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": d.path,
                "contentUrl": base + d.path,
                "encodingFormat": next(
                    (m for s, m in MEDIA.items() if d.path.endswith(s)), "application/octet-stream"
                ),
                "contentSize": f"{d.size} B",
                "sha256": d.sha256,
            }
            for d in release.downloads
            if d.path.endswith(".zip")
        ],
    }


def script(release: Release) -> Markup:
    """The JSON-LD as the body of a <script> element: no `<` in it can close the element."""
    text = json.dumps(dataset(release), ensure_ascii=False, indent=1, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
