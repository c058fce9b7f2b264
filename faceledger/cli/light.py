"""The commands a data user has with pyarrow alone: `faceledger info` and `faceledger export`.

Parsed with the standard library's argparse, so they run without the build extra. The typer
app (cli/tools.py) lists them in its help and hands their arguments here unparsed, so each
command and its options are defined once, in this module.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

# One line of help per command, shown by this parser and by the typer app alike.
SUMMARIES = {
    "info": "Show the installed dataset: version, where its files are, and each resource's row count.",
    "export": "Write one resource of the installed dataset as CSV, Parquet or JSON, as in the release.",
}
BUILD_EXTRA = "pip install 'faceledger[build]'"


def _info(options: argparse.Namespace) -> int:
    from ..loader import info

    summary = info()
    if options.format == "json":
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    print(f"faceledger {summary['version']}")
    print(f"data: {summary['data']}")
    width = max((len(r["name"]) for r in summary["resources"]), default=0)
    for resource in summary["resources"]:
        rows = "?" if resource["rows"] is None else resource["rows"]
        print(f"  {resource['name']:<{width}}  {rows:>8} rows  {resource['title']}")
    return 0


def _export(options: argparse.Namespace) -> int:
    from ..export import export

    try:
        export(options.name, options.format, options.output, options.data_version)
    except ValueError as exc:  # a format that does not exist, or binary bytes bound for a terminal
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def parser(prog: str = "faceledger", epilog: str | None = None) -> argparse.ArgumentParser:
    """The parser of the data commands; `epilog` names the commands that need the build extra."""
    top = argparse.ArgumentParser(
        prog=prog,
        description="Read the FaceLedger dataset installed with this package.",
        epilog=epilog,
    )
    top.add_argument("--version", action="store_true", help="Print the dataset (and package) version.")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    info = commands.add_parser("info", help=SUMMARIES["info"], description=SUMMARIES["info"])
    info.add_argument("--format", choices=["text", "json"], default="text", help="How to print.")
    info.set_defaults(run=_info)
    export = commands.add_parser("export", help=SUMMARIES["export"], description=SUMMARIES["export"])
    export.add_argument("name", help="A resource name; `faceledger info` lists them.")
    export.add_argument("--format", default="csv", help="A release format: csv, parquet or json.")
    export.add_argument("--output", "-o", default="-", help="A file to write, or - for standard output.")
    export.add_argument(
        "--version",
        dest="data_version",
        metavar="VERSION",
        help="A published version to export (downloaded, checked and cached); default: the installed data.",
    )
    export.set_defaults(run=_export)
    return top


def run(args: Sequence[str], epilog: str | None = None) -> int:
    """Run a data command (or --version, --help); return its exit code.

    Exit codes: 0 ok, 1 the data cannot be read or written, 2 a usage error or an unknown resource.
    """
    from ..core.downloads import ReleaseError, UnknownVersion
    from ..loader import UnknownResource, version

    try:
        options = parser(epilog=epilog).parse_args(list(args))
    except SystemExit as exit:  # argparse exits for --help and usage errors; the caller decides
        return int(exit.code or 0)
    if options.version:
        print(f"faceledger {version()}")
        return 0
    command: Callable[[argparse.Namespace], int] | None = getattr(options, "run", None)
    if command is None:
        parser(epilog=epilog).print_help()
        return 0
    try:
        return command(options)
    except (UnknownResource, UnknownVersion) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (LookupError, ImportError, OSError, ReleaseError) as exc:  # DataNotBuilt is an OSError
        print(f"error: {exc}", file=sys.stderr)
        return 1
