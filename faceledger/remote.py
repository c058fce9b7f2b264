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

SHA256SUMS is kept in the cached folder and is not fetched again. A published
version never changes, so a cached version loads with no network call at all,
offline too; fetching SHA256SUMS anew from the same place as the zip would cost
a round trip per load and add no trust. As for `faceledger verify`, the checks
prove a download whole and self-consistent, not that it is what the
maintainers published (README, "Checking a download").
"""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .core.downloads import DownloadMismatch, NetworkNeeded, UnknownVersion
from .core.files import staged_folder
from .core.findings import Finding, errors
from .core.layout import FORMAT
from .core.versions import parse
from .publish.checksums import SUMS
from .verify import verify
from .verify.archive import verify_zip
from .verify.sums import Sums, load_sums

RELEASES_URL = "https://github.com/faceledger/faceledger/releases/download/v{version}/"
# A template with {version}: a mirror, a fork's releases, or a test's server.
URL_ENV = "FACELEDGER_RELEASES_URL"
# The cache's root folder instead of the user's cache folder (platformdirs).
CACHE_ENV = "FACELEDGER_CACHE_DIR"
BLOCK = 1 << 20


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
    if cached(final):
        return final / FORMAT
    base = releases_url(number)
    with _quiet(), staged_folder(final) as staging:
        sums = _sums(number, base, staging)
        archive = _archive(number, base, sums, staging)
        _unpack(number, archive, sums, staging)
        archive.unlink()
        problems = errors(verify(staging, ignore_missing=True))
        if problems:
            raise DownloadMismatch(number, archive.name, problems)
    return final / FORMAT


def cached(folder: Path) -> bool:
    """Whether `folder` holds a fetched release: its SHA256SUMS and every Parquet file it lists.

    Only a folder that passed every check is renamed into the cache, so this looks at names, not bytes.
    """
    sums, problems = load_sums(folder / SUMS)
    if sums is None or problems:
        return False
    wanted = [path for path in sums if path.startswith(f"{FORMAT}/")]
    return bool(wanted) and all((folder / path).is_file() for path in wanted)


def _sums(version: str, base: str, staging: Path) -> Sums:
    path = _download(version, base, SUMS, staging, None)
    sums, problems = load_sums(path)
    if sums is None or problems:
        raise DownloadMismatch(version, SUMS, problems)
    return sums


def _archive(version: str, base: str, sums: Sums, staging: Path) -> Path:
    name = f"faceledger-{version}-{FORMAT}.zip"
    listed = sums.get(name)
    if listed is None:
        finding = Finding(SUMS, None, "missing-file", f"lists no {name}: the release has no Parquet zip")
        raise DownloadMismatch(version, SUMS, [finding])
    return _download(version, base, name, staging, listed.digest)


def _download(version: str, base: str, name: str, staging: Path, digest: str | None) -> Path:
    """`name` from the release at `base` into `staging`; pooch refuses it unless its SHA-256 is `digest`."""
    import pooch

    url = base + name
    try:
        known = None if digest is None else f"sha256:{digest}"
        return Path(pooch.retrieve(url, known_hash=known, fname=name, path=staging, progressbar=False))
    except OSError as exc:  # requests' errors are OSErrors; an HTTP error carries its response
        status = getattr(getattr(exc, "response", None), "status_code", None)
        if status == 404 and name == SUMS:
            raise UnknownVersion(version, url) from None
        raise NetworkNeeded(version, url, exc, release_dir(version)) from None
    except ValueError:  # pooch: the SHA-256 is not the known one
        finding = Finding(
            name,
            None,
            "checksum-mismatch",
            f"downloaded from {url}, its SHA-256 is not {digest}, as {SUMS} lists",
        )
        raise DownloadMismatch(version, name, [finding]) from None


def _unpack(version: str, archive: Path, sums: Sums, staging: Path) -> None:
    """The zip's Parquet folder into `staging`, once verify has passed every member of the zip.

    verify_zip has refused any member name that climbs or repeats, any member SHA256SUMS does
    not list, and any size other than the recorded one, so each name lands inside `staging` and
    each member is copied up to the size its entry gives, no further.
    """
    problems = errors(verify_zip(archive, archive.name, sums))
    if problems:
        raise DownloadMismatch(version, archive.name, problems)
    folder = archive.name.removesuffix(".zip") + "/"
    with zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            rel = f"{FORMAT}/{info.filename.removeprefix(folder)}"
            if rel not in sums:
                continue  # the files beside the format folders: SHA256SUMS vouches for them, the loader needs none
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with opened.open(info) as source, target.open("xb") as out:
                left = info.file_size
                while left > 0 and (block := source.read(min(BLOCK, left))):
                    out.write(block)
                    left -= len(block)


@contextmanager
def _quiet() -> Iterator[None]:
    """pooch logs every download and, for SHA256SUMS, advice to pin its hash: not for a data user's screen."""
    import pooch

    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
