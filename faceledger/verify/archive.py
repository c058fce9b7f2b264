"""A release zip, member by member: against the datapackage.json inside it and against SHA256SUMS.

`<release>-<fmt>.zip` holds `<release>-<fmt>/` and in it the files of the
format folder and the files beside the format folders (publish/zips.py). Each
member is named in findings as `<zip>:<member>`. The zip is read in place and
in memory: nothing is extracted, a member whose name climbs out of its folder
is reported and never read, and no member is inflated past the size its
descriptor records (or MAX_TEXT when nothing records it), so a zip bomb costs
nothing. A zip that zipfile cannot read, or a member it cannot inflate, is
`corrupt-zip`, whatever zipfile raised.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from ..core.findings import Finding
from ..core.layout import DESCRIPTOR
from .descriptor import Resource, check_resource, read_resources
from .measure import MAX_MEMBER, MAX_TEXT, Measured, TooLarge, digest_stream, shown, unsafe
from .sums import Sums, zip_members

# What zipfile can raise on a damaged or hostile zip (read from its source, and seen flipping every
# byte of real zips: zlib.error and EOFError from deflate data, NotImplementedError from flags).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    zlib.error,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    OverflowError,
)
# How a release's zips are compressed (publish/zips.py); zipfile would try others (bzip2, lzma).
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
ENCRYPTED = 0x1
# What a release puts beside its format folders, and so in every zip (publish/release_folder.py).
# No descriptor records them: without SHA256SUMS only the release folder's copies can vouch for them.
EXTRAS = ("CHANGELOG.md", "LICENSE-DATA", "data-dictionary.md", "changes.csv")


def zip_format(archive: Path) -> str:
    """The format a zip's name gives: `faceledger-1.5.0-csv.zip` holds the csv folder."""
    return archive.name.removesuffix(".zip").rsplit("-", 1)[-1]


def verify_zip(
    archive: Path, label: str, sums: Sums | None, copies: dict[str, tuple[str, str]] | None = None
) -> list[Finding]:
    """Every member of `archive` (named `label`) against its datapackage.json and, when given, SHA256SUMS.

    Without SHA256SUMS, `copies` gives the path and SHA-256 of the release folder's copy of each
    member (changes.csv beside the zip, csv/vendors.csv in the format folder), which must match.
    """
    try:
        opened = zipfile.ZipFile(archive)
    except ZIP_ERRORS as exc:
        return [Finding(label, None, "corrupt-zip", f"cannot be read as a zip: {shown(str(exc))}")]
    with opened:
        return _Members(opened, archive, label).check(sums, copies or {})


class _Members:
    def __init__(self, opened: zipfile.ZipFile, archive: Path, label: str):
        self.opened = opened
        self.label = label
        self.folder = archive.name.removesuffix(".zip")
        self.fmt = zip_format(archive)
        self.findings: list[Finding] = []
        # Member names under the zip's folder, without it; `rejected` were reported and are not read.
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.rejected: set[str] = set()
        # Members that could not be read (too large, corrupt): reported once, as that.
        self.unread: set[str] = set()
        for info in opened.infolist():
            self._admit(info)

    def name(self, rest: str) -> str:
        return f"{self.label}:{self.folder}/{rest}"

    def _admit(self, info: zipfile.ZipInfo) -> None:
        member = info.filename
        rest = member.removeprefix(f"{self.folder}/")
        where = f"{self.label}:{member}"
        if unsafe(member):
            self.findings.append(
                Finding(
                    f"{self.label}:{shown(member)}",
                    None,
                    "unsafe-path",
                    "a member name that is absolute or climbs out of its folder; it is not read",
                )
            )
        elif rest == member or not rest:
            self.findings.append(
                Finding(where, None, "unlisted-file", f"not a file in the zip's folder {self.folder}/")
            )
        elif rest in self.members or rest in self.rejected:
            self.findings.append(
                Finding(where, None, "corrupt-zip", "the zip holds two members of this name")
            )
        elif info.flag_bits & ENCRYPTED or info.compress_type not in METHODS:
            self.findings.append(
                Finding(where, None, "corrupt-zip", "encrypted or compressed in a way a release never is")
            )
            self.rejected.add(rest)
        else:
            self.members[rest] = info

    def check(self, sums: Sums | None, copies: dict[str, tuple[str, str]]) -> list[Finding]:
        where = self.name(DESCRIPTOR)
        resources: dict[str, Resource] = {}
        descriptor = self._measure(DESCRIPTOR, MAX_TEXT, keep=True)
        if descriptor is not None and descriptor.data is not None:
            found, problems = read_resources(descriptor.data, where)
            resources = {resource.path: resource for resource in found}
            self.findings += problems
        elif DESCRIPTOR not in self.members and DESCRIPTOR not in self.rejected:
            self.findings.append(
                Finding(where, None, "missing-file", "a release's zip holds its format's datapackage.json")
            )
        listed = zip_members(sums, self.fmt) if sums is not None else {}
        expected = set(resources) | set(listed) | {DESCRIPTOR}
        known = expected | (set(EXTRAS) if sums is None else set())
        for rest in sorted(self.members.keys() - known):
            why = "in SHA256SUMS" if sums is not None else f"a resource of {where} or a file a release zips"
            self.findings.append(Finding(self.name(rest), None, "unlisted-file", f"not {why}"))
        for rest in sorted(expected - self.members.keys() - self.rejected - {DESCRIPTOR} - set(resources)):
            self.findings.append(
                Finding(
                    self.name(rest),
                    None,
                    "missing-file",
                    f"listed in SHA256SUMS as {listed[rest][0]}, not in the zip",
                )
            )
        for rest in sorted(known - self.rejected):
            resource = resources.get(rest)
            measured = descriptor if rest == DESCRIPTOR else self._sized(rest, resource)
            if resource is not None and rest not in self.unread:
                self.findings += check_resource(resource, measured, self.name(rest), where)
            digest = measured.digest if measured is not None else None
            if digest is None:
                continue
            if rest in listed and digest != listed[rest][1].digest:
                self.findings.append(
                    Finding(
                        self.name(rest),
                        None,
                        "checksum-mismatch",
                        f"its SHA-256 is not the one in SHA256SUMS for {listed[rest][0]}",
                    )
                )
            elif sums is None and rest in copies and digest != copies[rest][1]:
                self.findings.append(
                    Finding(
                        self.name(rest),
                        None,
                        "checksum-mismatch",
                        f"not the same as {copies[rest][0]} in the release folder",
                    )
                )
        return self.findings

    def _sized(self, rest: str, resource: Resource | None) -> Measured | None:
        """A member measured up to the size its descriptor records; not inflated at all when it declares another."""
        info = self.members.get(rest)
        size = resource.size if resource is not None else None
        if info is not None and size is not None and info.file_size != size:
            return Measured(info.file_size, None)
        return self._measure(rest, MAX_TEXT if size is None else min(size, MAX_MEMBER))

    def _measure(self, rest: str, limit: int, keep: bool = False) -> Measured | None:
        """The member's size and SHA-256, inflating at most `limit` bytes; None (and a finding) when it cannot be."""
        info = self.members.get(rest)
        if info is None:
            return None
        name = self.name(rest)
        if info.file_size > limit:
            self.findings.append(
                Finding(
                    name, None, "too-large", f"its zip entry gives {info.file_size} bytes, more than {limit}"
                )
            )
            self.unread.add(rest)
            return None
        try:
            with self.opened.open(info) as handle:
                return digest_stream(handle.read, limit, keep)
        except TooLarge as exc:
            self.findings.append(Finding(name, None, "too-large", f"inflates to {exc}"))
        except ZIP_ERRORS as exc:
            crc = isinstance(exc, zipfile.BadZipFile) and "CRC" in str(exc)
            message = "its CRC does not match its contents"
            if not crc:
                message += f", or its entry is damaged: {shown(str(exc))}"
            self.findings.append(Finding(name, None, "corrupt-zip", message))
        self.unread.add(rest)
        return None
