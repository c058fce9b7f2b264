"""What can go wrong loading a published version (faceledger/remote/), as the exceptions `faceledger` exports.

They live here, not beside the code that raises them, so that `import faceledger`
can export them without importing the downloader and its checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .findings import Finding


class ReleaseError(Exception):
    """A published version that cannot be loaded; the message names the file or URL and why."""


class UnknownVersion(ReleaseError, LookupError):
    """No release of that version is published: the server answers 404."""

    def __init__(self, version: str, url: str):
        super().__init__(f"no published release {version}: {url} was not found (HTTP 404)")
        self.version = version
        self.url = url

    def __str__(self) -> str:  # LookupError would show the message in quotes
        return str(self.args[0])


class NetworkNeeded(ReleaseError, ConnectionError):
    """The version is not in the cache, and its release cannot be downloaded."""

    def __init__(self, version: str, url: str, reason: object, cache: Path):
        super().__init__(
            f"faceledger {version} is not in the cache ({cache}), and loading it needs the network: "
            f"{url} could not be downloaded ({reason})"
        )
        self.version = version
        self.url = url


class DownloadMismatch(ReleaseError):
    """A download that does not match its SHA256SUMS or descriptor: tampered with, or cut short.

    `file` is the file downloaded (the zip, or SHA256SUMS); `findings` name each file in it
    that did not match, and how. Nothing of the download is left in the cache.
    """

    def __init__(self, version: str, file: str, findings: list[Finding]):
        lines = "".join(f"\n  {finding}" for finding in findings)
        super().__init__(
            f"the download of faceledger {version} does not match its SHA256SUMS: {file} is damaged "
            f"or was changed, and nothing of it was cached{':' if lines else ''}{lines}"
        )
        self.version = version
        self.file = file
        self.findings = findings
