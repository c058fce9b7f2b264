"""`faceledger verify`: does a release on disk hold exactly what was published?

Three records vouch for a release and each is checked: SHA256SUMS (every file
in the release, by path), each datapackage.json (`bytes` and `hash` of each
resource) and each zip (its CRCs, the datapackage.json inside it, and each
member against SHA256SUMS). A release is recognised by its layout
(release.py); one without SHA256SUMS, or a format folder without its
datapackage.json, does not verify. A zip on its own is checked against the
SHA256SUMS beside it (archive.py). Every problem names the file it concerns,
and hostile input (a flipped byte, a zip that is not one, a descriptor that is
not one, a zip bomb, a member named `../x`) gives findings, never a traceback.

What it cannot catch: SHA256SUMS and the descriptors are written by whoever
writes the files, so a consistent rewrite of data, descriptors and SHA256SUMS
verifies. Only a signature over SHA256SUMS, or an attestation of where it was
built, closes that gap (README, "Checking a download").
"""

from __future__ import annotations

from pathlib import Path

from ..core.findings import Finding
from ..core.layout import DESCRIPTOR
from ..publish.checksums import SUMS
from .archive import verify_zip
from .measure import measure_file
from .release import is_release, verify_descriptors, verify_release
from .sums import load_sums


def verify(path: Path, ignore_missing: bool = False) -> list[Finding]:
    """Findings for every file under `path` (a release folder, a format folder or a zip) that does not match."""
    if path.is_file() and path.suffix == ".zip":
        return verify_lone_zip(path)
    if not path.is_dir():
        return [Finding(str(path), None, "not-found", "no such folder or zip file")]
    if is_release(path):
        return verify_release(path, ignore_missing)
    if any(descriptor.is_file() for descriptor in path.rglob(DESCRIPTOR)):
        return verify_descriptors(path)
    return [Finding(str(path), None, "nothing-to-verify", f"no {SUMS}, {DESCRIPTOR} or zip file here")]


def verify_lone_zip(archive: Path) -> list[Finding]:
    """One zip, with the SHA256SUMS beside it: the zip itself, then each of its members."""
    label = archive.name
    sums, findings = load_sums(archive.parent / SUMS)
    if sums is None and not findings:
        findings.append(
            Finding(
                SUMS,
                None,
                "missing-file",
                f"not beside {label}: nothing vouches for the zip, nor for the files its datapackage.json "
                "does not list (changes.csv, CHANGELOG.md…); download it from the same release",
            )
        )
    elif sums is not None:
        listed = sums.get(label)
        measured = measure_file(archive)
        if listed is None:
            findings.append(Finding(label, None, "unlisted-file", f"not in {SUMS}: not part of the release"))
        elif measured is None or measured.digest != listed.digest:
            findings.append(
                Finding(label, None, "checksum-mismatch", f"its SHA-256 is not the one in {SUMS}")
            )
    return findings + verify_zip(archive, label, sums)
