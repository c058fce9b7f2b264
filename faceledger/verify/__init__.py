"""`faceledger verify`: does a release on disk hold exactly what was published?

Three records vouch for a release and each is checked: SHA256SUMS (every file
in the release, by path), each datapackage.json (`bytes` and `hash` of each
resource) and each zip (its CRCs, and the datapackage.json inside it). A file
listed in SHA256SUMS under a format folder may instead be found inside that
format's zip, so a download of just the release's assets verifies in full.
Every problem names the file it concerns.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from ..core.files import safe_path
from ..core.findings import Finding
from ..core.layout import DESCRIPTOR
from ..publish.checksums import LINE as _SUM_LINE
from ..publish.checksums import SUMS

# Gives the bytes of a file named in a descriptor, or None when it is not there.
Reader = Callable[[str], bytes | None]


def verify(path: Path, ignore_missing: bool = False) -> list[Finding]:
    """Findings for every file under `path` (a release folder, a format folder or a zip) that does not match."""
    if path.is_file() and path.suffix == ".zip":
        return verify_zip(path, path.name)
    if not path.is_dir():
        return [Finding(str(path), None, "not-found", "no such folder or zip file")]
    findings = []
    descriptors = sorted(path.rglob(DESCRIPTOR))
    archives = sorted(path.glob("*.zip"))
    if (path / SUMS).is_file():
        findings += verify_sums(path, archives, ignore_missing)
    elif not descriptors and not archives:
        return [Finding(str(path), None, "nothing-to-verify", f"no {SUMS}, {DESCRIPTOR} or zip file here")]
    for descriptor in descriptors:
        rel = descriptor.parent.relative_to(path).as_posix()
        findings += verify_resources(
            descriptor.read_bytes(),
            _prefixed(rel, DESCRIPTOR),
            partial(_read_in, descriptor.parent),
            rel,
        )
    for archive in archives:
        findings += verify_zip(archive, archive.name)
    return findings


def verify_sums(folder: Path, archives: list[Path], ignore_missing: bool) -> list[Finding]:
    findings = []
    listed = set()
    for number, line in enumerate((folder / SUMS).read_text(encoding="utf-8").splitlines(), start=1):
        match = _SUM_LINE.fullmatch(line)
        if not match or not safe_path(match["path"]):
            findings.append(
                Finding(SUMS, number, "malformed-line", f"expected '<sha256>  <relative path>': {line!r}")
            )
            continue
        name = match["path"]
        listed.add(name)
        data = _read(folder / name) if (folder / name).is_file() else _from_zip(archives, name)
        if data is None:
            if not ignore_missing:
                findings.append(Finding(name, None, "missing-file", f"listed in {SUMS} but not here"))
        elif hashlib.sha256(data).hexdigest() != match["digest"]:
            findings.append(Finding(name, None, "checksum-mismatch", f"its SHA-256 is not the one in {SUMS}"))
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel != SUMS and rel not in listed:
            findings.append(Finding(rel, None, "unlisted-file", f"not in {SUMS}: not part of the release"))
    return findings


def verify_resources(descriptor: bytes, where: str, read: Reader, base: str) -> list[Finding]:
    """Each resource of a descriptor against its recorded `bytes` and `hash`; `read(path)` gives a file's bytes."""
    try:
        resources = json.loads(descriptor)["resources"]
    except (ValueError, KeyError, TypeError) as exc:
        return [Finding(where, None, "invalid-descriptor", f"cannot read its resources: {exc}")]
    findings = []
    for resource in resources:
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str) or not safe_path(path):
            findings.append(
                Finding(where, None, "invalid-descriptor", f"resource path {path!r} is not a relative path")
            )
            continue
        name = _prefixed(base, path)
        data = read(path)
        if data is None:
            findings.append(Finding(name, None, "missing-file", f"listed in {where} but not here"))
            continue
        if resource.get("bytes") != len(data):
            findings.append(
                Finding(
                    name, None, "bytes-mismatch", f"{len(data)} bytes; {where} says {resource.get('bytes')}"
                )
            )
        expected = str(resource.get("hash", ""))
        if not expected.startswith("sha256:"):
            findings.append(Finding(name, None, "no-hash", f"{where} records no sha256 hash for it"))
        elif hashlib.sha256(data).hexdigest() != expected.removeprefix("sha256:"):
            findings.append(Finding(name, None, "hash-mismatch", f"its SHA-256 is not the hash in {where}"))
    return findings


def verify_zip(archive: Path, label: str) -> list[Finding]:
    try:
        with zipfile.ZipFile(archive) as opened:
            broken = opened.testzip()
            if broken is not None:
                return [
                    Finding(f"{label}:{broken}", None, "corrupt-zip", "its CRC does not match its contents")
                ]
            names = set(opened.namelist())
            findings = []
            for member in sorted(n for n in names if n.rsplit("/", 1)[-1] == DESCRIPTOR):
                base = member.rsplit("/", 1)[0] if "/" in member else ""

                def read(path: str, opened: zipfile.ZipFile = opened, base: str = base) -> bytes | None:
                    inner = _prefixed(base, path)
                    return opened.read(inner) if inner in names else None

                findings += verify_resources(
                    opened.read(member), f"{label}:{member}", read, f"{label}:{base}"
                )
            return findings
    except (zipfile.BadZipFile, OSError) as exc:
        return [Finding(label, None, "corrupt-zip", str(exc))]


def _from_zip(archives: Iterable[Path], name: str) -> bytes | None:
    """A file listed as `<format>/<path>` read from `<release>-<format>.zip` instead."""
    if "/" not in name:
        return None
    top, rest = name.split("/", 1)
    for archive in archives:
        if archive.stem.endswith(f"-{top}"):
            try:
                with zipfile.ZipFile(archive) as opened:
                    return opened.read(f"{archive.stem}/{rest}")
            except (KeyError, zipfile.BadZipFile, OSError):
                return None
    return None


def _read_in(folder: Path, name: str) -> bytes | None:
    return _read(folder / name)


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _prefixed(base: str, name: str) -> str:
    return name if base in ("", ".") else f"{base}/{name}"
