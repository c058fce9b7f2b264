"""SHA256SUMS as verify reads it: exactly the lines write_checksums writes, or a finding per line that is not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.findings import Finding
from ..publish.checksums import LINE, SUMS
from ..publish.croissant import NAME as CROISSANT
from .measure import MAX_TEXT, TooLarge, digest_stream, release_path, shown


@dataclass(frozen=True)
class Listed:
    digest: str
    line: int


# Each path SHA256SUMS lists, with its digest and the line it is on.
Sums = dict[str, Listed]


def load_sums(path: Path) -> tuple[Sums | None, list[Finding]]:
    """Read the SHA256SUMS at `path`: None when there is none (the caller says why it matters)."""
    try:
        with path.open("rb") as handle:
            data = digest_stream(handle.read, MAX_TEXT, keep=True).data
    except TooLarge as exc:
        return None, [Finding(SUMS, None, "too-large", f"{exc}: not a release's {SUMS}")]
    except OSError:
        return None, []
    return parse_sums(data or b"")


def parse_sums(data: bytes) -> tuple[Sums, list[Finding]]:
    """The entries of SHA256SUMS; a line in any other form than `<sha256>  <path>\\n` is a finding."""
    listed: Sums = {}
    findings = []
    lines = data.split(b"\n")
    if lines[-1]:
        findings.append(
            Finding(SUMS, len(lines), "malformed-line", "the last line does not end with a newline")
        )
    else:
        lines.pop()
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            findings.append(Finding(SUMS, number, "malformed-line", f"not UTF-8: {shown(raw)}"))
            continue
        match = LINE.fullmatch(line)
        if not match or not release_path(match["path"]):
            findings.append(
                Finding(
                    SUMS, number, "malformed-line", f"expected '<sha256>  <relative path>': {shown(line)}"
                )
            )
        elif match["path"] in listed:
            first = listed[match["path"]].line
            findings.append(
                Finding(
                    SUMS,
                    number,
                    "malformed-line",
                    f"lists {shown(match['path'])} again (first on line {first})",
                )
            )
        else:
            listed[match["path"]] = Listed(match["digest"], number)
    return listed, findings


def zip_members(sums: Sums, fmt: str) -> dict[str, tuple[str, Listed]]:
    """What SHA256SUMS says `<release>-<fmt>.zip` holds: its folder's files and those beside it, by member name.

    As publish/zips.py writes it: `<fmt>/<path>` is the member `<path>`, and every file listed
    beside the format folders except the zips (and SHA256SUMS and croissant.json, written after them)
    is one too.
    """
    members: dict[str, tuple[str, Listed]] = {}
    for path, listed in sums.items():
        if "/" not in path and not path.endswith(".zip") and path not in (SUMS, CROISSANT):
            members.setdefault(path, (path, listed))
    for path, listed in sums.items():
        if path.startswith(f"{fmt}/"):
            members[path.removeprefix(f"{fmt}/")] = (path, listed)
    return members
