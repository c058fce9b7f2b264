"""The `faceledger` command: `main` is its entry point.

The data commands (info, export) and --version run on the standard library and pyarrow
(cli/light.py), so `pip install faceledger` gets a working command. Everything else is the typer
app of the build extra (cli/tools.py), which lists the data commands too and hands them back.
Without the extra, a build command says which extra to install, in one line.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

from . import light

# The commands of cli/tools.py (a test keeps the two lists equal): named here so that, without
# the extra, they get the missing-extra line while a mistyped command gets a usage error.
TOOL_COMMANDS = ("build", "validate", "fmt", "diff", "release", "verify", "site", "show")
_BUILD_MARKER = re.compile(r"""extra\s*==\s*["']build["']""")


def missing_build_tools() -> list[str]:
    """The build extra's distributions that are not installed, read from faceledger's own metadata.

    Empty when the metadata cannot be read (a source tree on sys.path): the import then decides.
    """
    from importlib.metadata import PackageNotFoundError, requires, version

    try:
        wanted = requires("faceledger") or []
    except PackageNotFoundError:
        return []
    missing = []
    for requirement in wanted:
        spec, _, marker = requirement.partition(";")
        name = re.match(r"[A-Za-z0-9._-]+", spec.strip())
        if not _BUILD_MARKER.search(marker) or name is None:
            continue
        try:
            version(name[0])
        except PackageNotFoundError:
            missing.append(name[0])
    return missing


def _needs_build_tools(command: str, missing: Sequence[str]) -> int:
    print(
        f"faceledger {command} needs the build tools ({', '.join(missing)} missing): {light.BUILD_EXTRA}",
        file=sys.stderr,
    )
    return 1


def _tools_app() -> Any:
    """The typer app, or None when its libraries are missing."""
    try:
        from .tools import app
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("faceledger"):
            raise
        return None
    return app


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and (args[0] in light.SUMMARIES or args[0] == "--version"):
        return light.run(args)
    missing = missing_build_tools()
    app = None if missing else _tools_app()
    if app is not None:
        # Here and not in the library: it sets how pyarrow behaves for the rest of the process.
        from .memory_pool import use_returning_pool
        from .pandas_probe import skip_pandas_probe

        skip_pandas_probe()
        use_returning_pool()
        app(args=args, prog_name="faceledger")
        return 0
    epilog = f"The commands {', '.join(TOOL_COMMANDS)} build and check the data: {light.BUILD_EXTRA}"
    if args and args[0] in TOOL_COMMANDS:
        return _needs_build_tools(args[0], missing or ["typer"])
    return light.run(args or ["--help"], epilog=epilog)


def __getattr__(name: str) -> Any:
    # `from faceledger.cli import app`: the typer app, imported only when asked for.
    if name == "app":
        from .tools import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
