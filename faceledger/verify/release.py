"""A release folder (or its downloaded assets) against SHA256SUMS, its descriptors and its zips.

What a release holds is fixed by publish/release_folder.py: a folder per format
(csv/, parquet/, json/, sqlite/), each with its datapackage.json; the files beside them;
one zip per format; and SHA256SUMS over everything. A release without
SHA256SUMS, or with a format folder without its descriptor, does not verify.
A download of the release's assets has the zips and no format folders: a file
SHA256SUMS lists under a format folder is then checked inside that format's zip.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..core.findings import Finding
from ..core.layout import DESCRIPTOR
from ..publish.checksums import SUMS
from ..website import FOLDER as SITE
from .archive import verify_zip, zip_format
from .descriptor import check_resource, read_resources
from .measure import MAX_TEXT, TooLarge, measure_file, prefixed
from .sums import Sums, load_sums

# The release's format folders (publish/release_folder FOLDERS; a test keeps the two the same:
# importing the exporters would import pyarrow, which verify does not need).
# The wheel and sdist that release.yml attaches beside the data (no path separators: top level only).
_PYTHON_PACKAGE = re.compile(r"faceledger-[0-9][0-9A-Za-z.+]*(-py3-none-any\.whl|\.tar\.gz)")

FORMATS = ("csv", "parquet", "json", "sqlite")


def is_release(folder: Path) -> bool:
    """Whether `folder` is laid out as a release or its downloaded assets."""
    return (
        (folder / SUMS).exists()
        or any(path.is_file() for path in folder.glob("*.zip"))
        or any((folder / fmt).is_dir() for fmt in FORMATS)
    )


def verify_release(folder: Path, ignore_missing: bool) -> list[Finding]:
    sums, findings = load_sums(folder / SUMS)
    if sums is None and not findings:
        findings.append(
            Finding(
                SUMS,
                None,
                "missing-file",
                f"a release holds {SUMS}, the list of every file in it: without it nothing here is vouched for",
            )
        )
    archives = sorted(path for path in folder.glob("*.zip") if path.is_file())
    formats = sorted(
        path.name
        for path in folder.iterdir()
        if path.is_dir() and (path.name in FORMATS or (path / DESCRIPTOR).is_file())
    )
    reported: set[str] = set()
    for fmt in formats:
        findings += _verify_format(folder / fmt, fmt, reported)
    if sums is not None:
        zipped = {zip_format(archive) for archive in archives}
        findings += _verify_sums(folder, sums, zipped, reported, ignore_missing)
    for archive in archives:
        copies = _copies(folder, zip_format(archive)) if sums is None else None
        findings += verify_zip(archive, archive.name, sums, copies)
    return findings + verify_site(folder)


def verify_site(folder: Path) -> list[Finding]:
    """The release's site/, when it is there, against its own SHA256SUMS (the release's does not list it)."""
    site = folder / SITE
    if not site.is_dir():
        return []
    sums, findings = load_sums(site / SUMS)
    if sums is None and not findings:
        findings.append(Finding(SUMS, None, "missing-file", f"a release's {SITE}/ holds its own {SUMS}"))
    elif sums is not None:
        findings += _verify_sums(site, sums, set(), set(), ignore_missing=False)
    return [replace(finding, path=f"{SITE}/{finding.path}") for finding in findings]


def _copies(folder: Path, fmt: str) -> dict[str, tuple[str, str]]:
    """The release folder's copy of each member of the format's zip, by member name: its path and SHA-256."""
    found = {path.name: path for path in folder.iterdir() if path.suffix != ".zip" and path.name != SUMS}
    if (folder / fmt).is_dir():
        found |= {path.relative_to(folder / fmt).as_posix(): path for path in (folder / fmt).rglob("*")}
    copies = {}
    for rest, path in found.items():
        measured = measure_file(path)
        if measured is not None and measured.digest is not None:
            copies[rest] = (path.relative_to(folder).as_posix(), measured.digest)
    return copies


def _verify_format(folder: Path, base: str, reported: set[str]) -> list[Finding]:
    """A format folder against its datapackage.json; adds each missing file it names to `reported`."""
    where = prefixed(base, DESCRIPTOR)
    data, findings = read_descriptor(folder / DESCRIPTOR, where)
    if data is None:
        if not findings:
            reported.add(where)
            findings.append(
                Finding(where, None, "missing-file", "a format folder holds its datapackage.json")
            )
        return findings
    resources, findings = read_resources(data, where)
    for resource in resources:
        name = prefixed(base, resource.path)
        measured = measure_file(folder / resource.path)
        if measured is None:
            reported.add(name)
        findings += check_resource(resource, measured, name, where)
    return findings


def _verify_sums(
    folder: Path, sums: Sums, zipped: set[str], reported: set[str], ignore_missing: bool
) -> list[Finding]:
    findings = []
    for name, listed in sums.items():
        top = name.split("/", 1)[0] if "/" in name else ""
        if name in reported or (top in zipped and not (folder / top).is_dir()):
            continue  # named already, or the assets' zip holds it and its check names it
        measured = measure_file(folder / name)
        if measured is None:
            if not ignore_missing:
                findings.append(Finding(name, None, "missing-file", f"listed in {SUMS} but not here"))
        elif measured.digest != listed.digest:
            findings.append(Finding(name, None, "checksum-mismatch", f"its SHA-256 is not the one in {SUMS}"))
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        # The site is checked against its own SHA256SUMS (verify_site).
        if rel != SUMS and rel not in sums and path.is_file() and not rel.startswith(f"{SITE}/"):
            if _PYTHON_PACKAGE.fullmatch(rel):
                # The release attaches the wheel and sdist beside the data; PyPI records their hashes.
                message = f"the Python package, attached beside the data: {SUMS} does not cover it"
                findings.append(Finding(rel, None, "unchecked-file", message, severity="warning"))
            else:
                findings.append(
                    Finding(rel, None, "unlisted-file", f"not in {SUMS}: not part of the release")
                )
    return findings


def verify_descriptors(folder: Path) -> list[Finding]:
    """A folder that is not a release, such as an unpacked zip: each datapackage.json in it, and nothing else."""
    findings: list[Finding] = []
    covered = set()
    for descriptor in sorted(path for path in folder.rglob(DESCRIPTOR) if path.is_file()):
        base = descriptor.parent.relative_to(folder).as_posix()
        where = prefixed(base, DESCRIPTOR)
        covered.add(where)
        data, problems = read_descriptor(descriptor, where)
        findings += problems
        if data is None:
            continue
        resources, problems = read_resources(data, where)
        findings += problems
        for resource in resources:
            name = prefixed(base, resource.path)
            covered.add(name)
            findings += check_resource(resource, measure_file(descriptor.parent / resource.path), name, where)
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel not in covered and path.is_file():
            findings.append(
                Finding(
                    rel,
                    None,
                    "unchecked-file",
                    f"no {SUMS} here and no {DESCRIPTOR} lists it: nothing vouches for it",
                    severity="warning",
                )
            )
    return findings


def read_descriptor(path: Path, where: str) -> tuple[bytes | None, list[Finding]]:
    """A descriptor's bytes, up to MAX_TEXT; None when it is not there (and a finding when it is too large)."""
    try:
        measured = measure_file(path, MAX_TEXT, keep=True)
    except TooLarge as exc:
        return None, [Finding(where, None, "too-large", f"{exc}: not a release's {DESCRIPTOR}")]
    return (measured.data if measured is not None else None), []
