"""The faceledger package's import graph, by stage: which module imports which, cycles, and imports that run back up.

Run it as `python tests/import_graph.py` to print the graph; tests/test_package_layout.py asserts its rules.
Every import counts, whether at module level, inside a function or under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "faceledger"
# Stages in data-flow order. A module may import from its own stage or an earlier one, never a later one.
STAGES = ("core", "ingest", "checks", "compare", "publish", "commands", "cli")
COMMANDS = ("build", "validate", "fmt", "release", "diff", "verify", "export", "show", "remote")
# The runtime API (what `import faceledger` exposes) stands beside the pipeline: it reads only core.
API = ("loader", "joins")
# The one call from the API into a command's module: a load with a version fetches that release
# (faceledger/remote/), whose checks are verify's. It is imported in the function that needs it.
API_CALLS = {("faceledger.loader", "faceledger.remote")}


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if "data" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def stage(module: str) -> str:
    """The stage a module belongs to: a subpackage, a command, the API, the CLI or the package itself."""
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    top = parts[1]
    if top in STAGES:
        return top
    if top in COMMANDS:
        return "commands"
    if top in API:
        return "api"
    if top in ("cli", "__main__"):
        return "cli"
    raise ValueError(f"{module} belongs to no stage: put it in a stage folder or name it here")


def allowed(importer: str, imported: str) -> bool:
    """Whether a module of stage `importer` may import one of stage `imported`."""
    if importer == imported or imported == "core":
        return True
    if imported == "api":
        return importer in ("package", "commands", "cli")
    if importer in ("api", "package"):
        return imported in ("api", "core")
    return imported in STAGES and importer in STAGES and STAGES.index(imported) < STAGES.index(importer)


def _targets(
    module: str, path: Path, node: ast.Import | ast.ImportFrom, known: dict[str, Path]
) -> Iterator[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        if node.level:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        names = [
            f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target for alias in node.names
        ]
    for name in names:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name != module and name != "faceledger":
            yield name


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    known = modules(package)
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges[name].update(_targets(name, path, node, known))
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(edges[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def backward(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports that run against the data flow."""
    return sorted(
        (importer, imported)
        for importer, targets in edges.items()
        for imported in targets
        if not allowed(stage(importer), stage(imported)) and (importer, imported) not in API_CALLS
    )


def main() -> int:
    edges = graph()
    for importer in sorted(edges):
        print(f"{importer} [{stage(importer)}] -> {', '.join(sorted(edges[importer])) or '-'}")
    loops, wrong = cycles(edges), backward(edges)
    for group in loops:
        print("cycle:", " <-> ".join(group))
    for importer, imported in wrong:
        print(f"backward: {importer} ({stage(importer)}) imports {imported} ({stage(imported)})")
    print(f"{len(edges)} modules, {len(loops)} cycles, {len(wrong)} backward imports")
    return 1 if loops or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
