"""The commands of the build extra: a thin typer shell over the functions of the same names.

Exit codes: 0 ok, 1 findings (errors in the input), 2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..core.findings import BuildFailed, Finding, errors, ordered
from . import light

app = typer.Typer(
    help="Build, check and release the FaceLedger dataset. `faceledger --version` prints its version.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Below this many seeds a progress bar only flickers.
PROGRESS_THRESHOLD = 200


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    # GitHub Actions workflow commands: each finding an annotation on the pull request's diff.
    github = "github"


RootOption = Annotated[
    Path,
    typer.Option("--root", help="The FaceLedger repository to work on.", file_okay=False, exists=True),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="How to print findings.")]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        min=1,
        help="Processes to work in: seeds are read, and the private-name scan runs beside the other checks, on this many (default: FACELEDGER_JOBS, else every core).",
    ),
]
CacheOption = Annotated[
    bool,
    typer.Option(
        "--cache/--no-cache",
        help="Reuse each unchanged seed's result from .faceledger-cache/ (FACELEDGER_CACHE=off turns it off).",
    ),
]
PreviousOption = Annotated[
    str | None,
    typer.Option(
        "--previous",
        help="The release to compare with (a release folder or a git ref; default: the latest vX.Y.Z tag).",
    ),
]


def _track(items: Iterable[Any], total: int) -> Iterable[Any]:
    if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        return items
    from rich.progress import track

    return track(items, total=total, description="Reading seeds", transient=True, console=_stderr())


def _stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def report(findings: list[Finding], output: OutputFormat) -> int:
    """Print findings; return the exit code they call for."""
    findings = ordered(findings)
    if output is OutputFormat.json:
        typer.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    elif output is OutputFormat.github:
        for finding in findings:
            typer.echo(finding.as_github())
    else:
        for finding in findings:
            typer.echo(str(finding))
    bad = len(errors(findings))
    warnings = sum(f.severity == "warning" for f in findings)
    notes = len(findings) - bad - warnings
    if findings:
        typer.echo(f"{bad} error(s), {warnings} warning(s)" + (f", {notes} info" if notes else ""), err=True)
    return 1 if bad else 0


@contextmanager
def failing_cleanly(output: OutputFormat, refused: str, failed: str) -> Iterator[None]:
    """Turn a refused or failed write into findings or a message and exit 1, never a traceback.

    `failed` is a format string; {exc} stands for the operating system's error.
    """
    try:
        yield
    except BuildFailed as problem:
        code = report(problem.findings, output)
        typer.echo(refused, err=True)
        raise typer.Exit(code or 1) from None
    except OSError as exc:
        typer.echo(failed.format(exc=exc), err=True)
        raise typer.Exit(1) from None


@app.command("build")
def build_command(
    root: RootOption = Path("."),
    dist: Annotated[Path | None, typer.Option(help="Where releases go (default: ROOT/dist).")] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; fail if a generated file is stale.")
    ] = False,
    output: FormatOption = OutputFormat.text,
    previous: PreviousOption = None,
    jobs: JobsOption = None,
    cache: CacheOption = True,
) -> None:
    """Regenerate dataset/ from seeds/ and write the CSV, Parquet and JSON release."""
    from ..build import build, plan
    from ..ingest.settings import configured

    failure = failing_cleanly(
        output,
        "build failed: nothing was written",
        "build failed: {exc}; nothing was changed: the repository, dist/ and the package data are as they were",
    )
    if check:
        with failure, configured(jobs, cache):
            planned = plan(root.resolve(), track=_track)
        code = report([*planned.findings, *planned.stale()], output)
        if code == 0:
            typer.echo("dataset/, datapackage.json and the generated docs are up to date", err=True)
        raise typer.Exit(code)
    with failure, configured(jobs, cache):
        result = build(root.resolve(), dist=dist, track=_track, previous=previous)
    code = report(result.findings, output)
    for rel in result.changed:
        # A generated file the build no longer writes (a part left without rows) is removed.
        typer.echo(f"{'updated' if (result.package.root / rel).exists() else 'removed'} {rel}", err=True)
    typer.echo(f"release written to {result.release}", err=True)
    if result.bundle is not None:
        typer.echo(f"package data written to {result.bundle}", err=True)
    raise typer.Exit(code)


@app.command("validate")
def validate_command(
    root: RootOption = Path("."),
    output: FormatOption = OutputFormat.text,
    jobs: JobsOption = None,
    cache: CacheOption = True,
    frictionless: Annotated[
        bool,
        typer.Option(
            "--frictionless",
            help="Also run frictionless, the standard's reference validator, over the package (slower; CI does).",
        ),
    ] = False,
) -> None:
    """Check seeds, schemas, keys, curated facts and the descriptor; print findings."""
    from ..ingest.settings import configured
    from ..validate import validate

    with configured(jobs, cache):
        findings = validate(root.resolve(), track=_track, frictionless=frictionless)
    code = report(findings, output)
    if code == 0:
        typer.echo("valid", err=True)
    raise typer.Exit(code)


@app.command("fmt")
def fmt_command(
    root: RootOption = Path("."),
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; fail if a curated CSV is not in canonical form.")
    ] = False,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Write the curated CSVs in canonical form: UTF-8, LF line ends, minimal quoting, rows sorted by key."""
    from ..fmt import fmt

    with failing_cleanly(output, "fmt failed: nothing was written", "fmt failed: {exc}; no file was changed"):
        result = fmt(root.resolve(), check=check)
    code = report(result.findings, output)
    if not check:
        for rel, differences in sorted(result.formatted.items()):
            typer.echo(f"formatted {rel}: {'; '.join(differences)}", err=True)
    if code == 0 and not result.formatted:
        typer.echo("the curated CSVs are in canonical form", err=True)
    raise typer.Exit(code)


@app.command("diff")
def diff_command(
    old: Annotated[
        str | None,
        typer.Argument(help="Folder or git ref of the earlier version (default: the last release tag)."),
    ] = None,
    new: Annotated[
        str | None, typer.Argument(help="Folder or git ref of the later version (default: ROOT).")
    ] = None,
    root: RootOption = Path("."),
    check_version: Annotated[
        bool,
        typer.Option(
            "--check-version", help="Also fail if NEW's version is not a big enough step from OLD's."
        ),
    ] = False,
    output: FormatOption = OutputFormat.text,
    limit: Annotated[int, typer.Option(help="Keys listed per resource in text output.", min=0)] = 20,
) -> None:
    """Show schema and data changes from OLD to NEW, and the version bump they require.

    Exit 0 when NEW keeps the rules (no published id gone without a tombstone or
    reused; with --check-version, a version step at least as big as required),
    1 when it breaks one or a version cannot be read, 2 on a usage error.
    """
    from ..compare import report as diff_report
    from ..diff import diff

    root = root.resolve()
    try:
        result = diff(old, new, root, check_version=check_version)
    except BuildFailed as failed:
        raise typer.Exit(report(failed.findings, output) or 1) from None
    if result.changes is None:
        typer.echo(
            f"no earlier release to compare {result.new.label} with (no vX.Y.Z tag in {root})", err=True
        )
        raise typer.Exit(0)
    if output is OutputFormat.json:
        problems = [p.as_dict() for p in ordered(result.problems)]
        typer.echo(json.dumps({**diff_report.as_dict(result.changes), "problems": problems}, indent=2))
        raise typer.Exit(1 if errors(result.problems) else 0)
    typer.echo(diff_report.text(result.changes, limit=limit))
    raise typer.Exit(report(result.problems, output))


@app.command("release")
def release_command(
    version: Annotated[str, typer.Argument(help="major, minor, patch, or an explicit MAJOR.MINOR.PATCH.")],
    root: RootOption = Path("."),
    dist: Annotated[Path | None, typer.Option(help="Where releases go (default: ROOT/dist).")] = None,
    previous: PreviousOption = None,
    date: Annotated[
        str | None,
        typer.Option(help="The release date, YYYY-MM-DD (default: SOURCE_DATE_EPOCH or the last commit's)."),
    ] = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Bump the version, write the CHANGELOG entry and build the release, after checking the bump fits the diff."""
    from datetime import date as Date

    from ..core.versions import Level
    from ..release import release

    try:
        day = Date.fromisoformat(date) if date else None
    except ValueError:
        typer.echo(f"--date {date!r} is not a date in YYYY-MM-DD form", err=True)
        raise typer.Exit(2) from None
    with failing_cleanly(
        output,
        "release refused: nothing was changed or written",
        "release failed: {exc}; datapackage.json and CHANGELOG.md are as they were",
    ):
        done = release(root.resolve(), version, dist=dist, previous=previous, day=day, track=_track)
    report(done.result.findings, output)
    since = f"since {done.previous}" if done.previous else "(first release)"
    need = (
        "no changes"
        if done.changes.required is Level.NONE
        else f"changes need a {done.changes.required} bump"
    )
    typer.echo(f"released {done.version} {since}: {need}", err=True)
    typer.echo(f"release written to {done.result.release}", err=True)
    typer.echo(
        f"next: git commit -am 'Release {done.version}' && git tag v{done.version} && git push --follow-tags",
        err=True,
    )


@app.command("verify")
def verify_command(
    path: Annotated[Path, typer.Argument(help="A release folder (or a format folder, or a zip) to check.")],
    ignore_missing: Annotated[
        bool,
        typer.Option("--ignore-missing", help="Do not count files listed in SHA256SUMS but not downloaded."),
    ] = False,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Check every file of a release against SHA256SUMS and each datapackage.json's bytes and hash.

    Every file and zip member that is missing, changed, extra or unreadable is named, and the exit code is 1; so is a release without SHA256SUMS, and a zip with no SHA256SUMS beside it.

    What verify cannot catch: SHA256SUMS and the descriptors travel with the files, so someone who rewrites the data, the descriptors and SHA256SUMS consistently passes. To rule that out, check SHA256SUMS itself against the publisher's signature or build attestation (README, "Checking a download").
    """
    from ..verify import verify

    findings = verify(path, ignore_missing=ignore_missing)
    code = report(findings, output)
    if code == 0:
        checked = "every file matches" if not findings else "every file it could check matches"
        typer.echo(f"{path}: {checked}", err=True)
    raise typer.Exit(code)


@app.command("site")
def site_command(
    root: RootOption = Path("."), release: Annotated[Path | None, typer.Option()] = None
) -> None:
    """Render the static site of a built release (default: ROOT/dist/faceledger-<version>) into its site/."""
    from ..site import ReleaseUnreadable, site

    try:
        typer.echo(f"site written to {site(root.resolve(), release)}", err=True)
    except (ReleaseUnreadable, OSError) as exc:
        typer.echo(f"site failed: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command("show")
def show_command(
    what: Annotated[str, typer.Argument(help="A document_id, or a seed's path (seeds/NAME) or file name.")],
    root: RootOption = Path("."),
) -> None:
    """Print a document's id and sources, then the text its quotes must occur in (copy quotes from it)."""
    from ..show import UnknownDocument, show

    try:
        shown = show(root.resolve(), what)
    except UnknownDocument as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(shown.heading())
    typer.echo("")
    typer.echo(shown.text)


# The data commands are cli/light.py's (argparse, so they run without this extra): listed here
# with their one-line help, and handed their arguments unparsed, --help included.
_HANDED_ON = {"allow_extra_args": True, "ignore_unknown_options": True}


def _data_command(name: str) -> None:
    def command(ctx: typer.Context) -> None:
        raise typer.Exit(light.run([name, *ctx.args]))

    app.command(name, help=light.SUMMARIES[name], context_settings=_HANDED_ON, add_help_option=False)(command)


for _name in light.SUMMARIES:
    _data_command(_name)
