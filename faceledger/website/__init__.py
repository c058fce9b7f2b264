"""The dataset's static site, rendered from a built release into the release's site/ folder.

The site is a view of the release, not part of it: it is rendered after
SHA256SUMS is written (its home page lists the downloads with their checksums),
so SHA256SUMS does not list it and a download of the release's assets verifies
without it. It carries its own SHA256SUMS, which `faceledger verify` checks
when the folder is there (verify/site.py).

This module stays free of imports so that verify can read FOLDER without
loading pyarrow, Jinja2 or vl-convert.
"""

from __future__ import annotations

# The site's folder inside a release.
FOLDER = "site"
