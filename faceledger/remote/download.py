"""The download behind remote.fetch(): a release's SHA256SUMS and Parquet zip, checked, then unpacked.

pooch fetches SHA256SUMS, then the zip with its SHA-256 from SHA256SUMS as the
known hash. verify_zip checks every member against SHA256SUMS and the descriptor
inside (names that climb, sizes other than the recorded one, zip bombs) before
anything is unpacked; the unpacked folder is checked again as `faceledger verify
--ignore-missing` checks a download. It all happens in a staging folder beside
the cache entry, renamed into place only when every check has passed.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pooch

from ..core.downloads import DownloadMismatch, NetworkNeeded, UnknownVersion
from ..core.files import staged_folder
from ..core.findings import Finding, errors
from ..core.layout import FORMAT
from ..publish.checksums import SUMS
from ..verify import verify
from ..verify.archive import verify_zip
from ..verify.sums import Sums, load_sums

BLOCK = 1 << 20


def download(version: str, base: str, final: Path) -> None:
    """Release `version`'s SHA256SUMS and Parquet folder from `base` into `final`, all checked first."""
    with _quiet(), staged_folder(final) as staging:
        release = _Release(version, base, final, staging)
        sums = release.sums()
        archive = release.archive(sums)
        release.unpack(archive, sums)
        archive.unlink()
        problems = errors(verify(staging, ignore_missing=True))
        if problems:
            raise DownloadMismatch(version, archive.name, problems)


@dataclass(frozen=True)
class _Release:
    version: str
    base: str  # the URL of its assets
    final: Path  # its folder in the cache
    staging: Path  # the folder it is downloaded to and checked in

    def sums(self) -> Sums:
        sums, problems = load_sums(self.fetch(SUMS, None))
        if sums is None or problems:
            raise DownloadMismatch(self.version, SUMS, problems)
        return sums

    def archive(self, sums: Sums) -> Path:
        name = f"faceledger-{self.version}-{FORMAT}.zip"
        listed = sums.get(name)
        if listed is None:
            finding = Finding(SUMS, None, "missing-file", f"lists no {name}: the release has no Parquet zip")
            raise DownloadMismatch(self.version, SUMS, [finding])
        return self.fetch(name, listed.digest)

    def fetch(self, name: str, digest: str | None) -> Path:
        """`name` into the staging folder; pooch refuses it unless its SHA-256 is `digest`."""
        url = self.base + name
        known = None if digest is None else f"sha256:{digest}"
        try:
            return Path(pooch.retrieve(url, known_hash=known, fname=name, path=self.staging))
        except OSError as exc:  # requests' errors are OSErrors; an HTTP error carries its response
            status = getattr(getattr(exc, "response", None), "status_code", None)
            if status == 404 and name == SUMS:
                raise UnknownVersion(self.version, url) from None
            raise NetworkNeeded(self.version, url, exc, self.final) from None
        except ValueError:  # pooch: the SHA-256 is not the known one
            message = f"downloaded from {url}, its SHA-256 is not {digest}, as {SUMS} lists"
            raise DownloadMismatch(
                self.version, name, [Finding(name, None, "checksum-mismatch", message)]
            ) from None

    def unpack(self, archive: Path, sums: Sums) -> None:
        """The zip's Parquet folder into the staging folder, once verify has passed every member of the zip.

        verify_zip has refused any member name that climbs or repeats, any member SHA256SUMS does
        not list, and any size other than the recorded one, so each name lands inside the staging
        folder and each member is copied up to the size its entry gives, no further.
        """
        problems = errors(verify_zip(archive, archive.name, sums))
        if problems:
            raise DownloadMismatch(self.version, archive.name, problems)
        folder = archive.name.removesuffix(".zip") + "/"
        with zipfile.ZipFile(archive) as opened:
            for info in opened.infolist():
                rel = f"{FORMAT}/{info.filename.removeprefix(folder)}"
                if rel not in sums:
                    continue  # the files beside the format folders: the loader needs none of them
                target = self.staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with opened.open(info) as source, target.open("xb") as out:
                    left = info.file_size
                    while left > 0 and (block := source.read(min(BLOCK, left))):
                        out.write(block)
                        left -= len(block)


@contextmanager
def _quiet() -> Iterator[None]:
    """pooch logs every download and, for SHA256SUMS, advice to pin its hash: not for a data user's screen."""
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
