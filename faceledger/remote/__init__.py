"""Any published version of the data: its Parquet release, downloaded once, checked, then cached.

`faceledger.load(name, version="0.2.0")` reads release 0.2.0 from here. A
release's assets are its top-level files (publish/release_folder.py): one zip
per format, changes.csv, CHANGELOG.md, ... and SHA256SUMS, which lists every
file of the release folder, the members of the zips too (verify/release.py).
fetch() downloads SHA256SUMS and faceledger-<version>-parquet.zip with pooch,
which checks the zip's SHA-256 against SHA256SUMS as it lands. Then verify's own
code checks every member of the zip (against SHA256SUMS and the descriptor
inside, with its limits on names and sizes) before anything is unpacked, and
checks the unpacked folder again as `faceledger verify --ignore-missing` would.
All of this happens in a temporary folder inside the cache, renamed into place
only when every check has passed: the cache never holds a file that failed one.
The download and its checks are in download.py, imported only on a cache miss,
so a cached load costs a few file lookups.

SHA256SUMS is kept in the cached folder and is not fetched again. A published
version never changes, so a cached version loads with no network call at all,
offline too; fetching SHA256SUMS anew from the same place as the zip would cost
a round trip per load and add no trust. As for `faceledger verify`, the checks
prove a download whole and self-consistent, not that it is what the
maintainers published (README, "Checking a download").
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.layout import DESCRIPTOR, FORMAT
from ..core.versions import parse

RELEASES_URL = "https://github.com/faceledger/faceledger/releases/download/v{version}/"
# A template with {version}: a mirror, a fork's releases, or a test's server.
URL_ENV = "FACELEDGER_RELEASES_URL"
# The cache's root folder instead of the user's cache folder (platformdirs).
CACHE_ENV = "FACELEDGER_CACHE_DIR"


def releases_url(version: str) -> str:
    """Where the assets of release `version` are: the GitHub release, or FACELEDGER_RELEASES_URL."""
    template = os.environ.get(URL_ENV) or RELEASES_URL
    if "{version}" not in template:
        raise ValueError(f"{URL_ENV}={template!r} must hold {{version}}, e.g. {RELEASES_URL}")
    url = template.replace("{version}", version)
    return url if url.endswith("/") else url + "/"


def cache_dir() -> Path:
    """The root of the cache: FACELEDGER_CACHE_DIR, else the user's cache folder for faceledger."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("faceledger"))


def release_dir(version: str) -> Path:
    """The cached release of `version`: SHA256SUMS and the Parquet folder, once fetched."""
    return cache_dir() / "releases" / version


def fetch(version: str) -> Path:
    """The Parquet folder of release `version`: from the cache, else downloaded, checked and cached.

    Raises VersionError for a version that is not one, UnknownVersion when none is published,
    NetworkNeeded when it is not cached and cannot be downloaded, DownloadMismatch when what
    arrives does not match SHA256SUMS.
    """
    number = str(parse(version))  # before the version gets into a URL or a path
    final = release_dir(number)
    if not cached(final):
        from .download import download

        download(number, releases_url(number), final)
    return final / FORMAT


def cached(folder: Path) -> bool:
    """Whether `folder` holds a fetched release: its Parquet descriptor and every file that names.

    Only a folder that passed every check is renamed into the cache, so names are enough here:
    a folder someone has emptied since is fetched again. `faceledger verify --ignore-missing`
    checks the bytes of a cached release at any time.
    """
    import json

    try:
        descriptor = json.loads((folder / FORMAT / DESCRIPTOR).read_text(encoding="utf-8"))
        return all((folder / FORMAT / entry["path"]).is_file() for entry in descriptor["resources"])
    except (OSError, ValueError, LookupError, TypeError):
        return False
