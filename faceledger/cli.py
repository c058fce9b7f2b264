"""The `faceledger` command: a thin shell over the functions of the same names.

Exit codes: 0 ok, 1 findings (errors in the input), 2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .findings import BuildFailed, Finding, errors, ordered

app = typer.Typer(
    help="Build, check and release the FaceLedger dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Below this many seeds a progress bar only flickers.
PROGRESS_THRESHOLD = 200


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


RootOption = Annotated[
    Path,
    typer.Option("--root", help="The FaceLedger repository to work on.", file_okay=False, exists=True),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="How to print findings.")]


def _track(items: Iterable[Any], total: int) -> Iterable[Any]:
    if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        return items
    from rich.progress import track

    return track(items, total=total, description="Reading seeds", transient=True, console=_stderr())


def _stderr():
    from rich.console import Console

    return Console(stderr=True)


def report(findings: list[Finding], output: OutputFormat) -> int:
    """Print findings; return the exit code they call for."""
    findings = ordered(findings)
    if output is OutputFormat.json:
        typer.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            typer.echo(str(finding))
    bad = len(errors(findings))
    warnings = len(findings) - bad
    if bad or warnings:
        typer.echo(f"{bad} error(s), {warnings} warning(s)", err=True)
    return 1 if bad else 0


@app.command("build")
def build_command(
    root: RootOption = Path("."),
    dist: Annotated[Path | None, typer.Option(help="Where releases go (default: ROOT/dist).")] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; fail if dataset/ or datapackage.json is stale.")
    ] = False,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Regenerate dataset/ from seeds/ and write the CSV, Parquet and JSON release."""
    from .build import build

    try:
        result = build(root.resolve(), dist=dist, check=check, track=_track)
    except BuildFailed as failed:
        code = report(failed.findings, output)
        typer.echo("build failed: nothing was written", err=True)
        raise typer.Exit(code or 1) from None
    except OSError as exc:
        typer.echo(f"build failed: {exc}; the previous release, if any, is unchanged", err=True)
        raise typer.Exit(1) from None
    code = report(result.findings, output)
    if check:
        if code == 0:
            typer.echo("dataset/ and datapackage.json are up to date", err=True)
        raise typer.Exit(code)
    for rel in result.changed:
        typer.echo(f"updated {rel}", err=True)
    typer.echo(f"release written to {result.release}", err=True)
    if result.bundle is not None:
        typer.echo(f"package data written to {result.bundle}", err=True)
    raise typer.Exit(code)


@app.command("validate")
def validate_command(root: RootOption = Path("."), output: FormatOption = OutputFormat.text) -> None:
    """Check seeds, schemas, keys, curated facts and the descriptor; print findings."""
    from .validate import validate

    code = report(validate(root.resolve(), track=_track), output)
    if code == 0:
        typer.echo("valid", err=True)
    raise typer.Exit(code)


def _loader_failure(exc: Exception) -> typer.Exit:
    """A loader error as a message and exit code: 2 for a name the user got wrong, 1 otherwise."""
    from .loader import UnknownResource

    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(2 if isinstance(exc, UnknownResource) else 1)


@app.command("info")
def info_command(output: FormatOption = OutputFormat.text) -> None:
    """Show the installed dataset: version, where its files are, and each resource's row count."""
    from .loader import DataNotBuilt, info

    try:
        summary = info()
    except DataNotBuilt as exc:
        raise _loader_failure(exc) from None
    if output is OutputFormat.json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    typer.echo(f"faceledger {summary['version']}")
    typer.echo(f"data: {summary['data']}")
    width = max((len(r["name"]) for r in summary["resources"]), default=0)
    for resource in summary["resources"]:
        rows = "?" if resource["rows"] is None else resource["rows"]
        typer.echo(f"  {resource['name']:<{width}}  {rows:>8} rows  {resource['title']}")


@app.command("export")
def export_command(
    name: Annotated[str, typer.Argument(help="A resource name; `faceledger info` lists them.")],
    data_format: Annotated[
        str, typer.Option("--format", help="A release format: csv, parquet or json.")
    ] = "csv",
    output: Annotated[
        str, typer.Option("--output", "-o", help="A file to write, or - for standard output.")
    ] = "-",
) -> None:
    """Write one resource of the installed dataset as CSV, Parquet or JSON, as in the release."""
    from .export import export

    try:
        export(name, data_format, output)
    except (LookupError, ImportError, OSError) as exc:
        raise _loader_failure(exc) from None
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def main() -> None:  # pragma: no cover - console entry point
    app()
