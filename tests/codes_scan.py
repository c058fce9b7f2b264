"""Every finding code the package's source can emit, read from its syntax trees, never from a list.

The scan finds each `Finding(...)` call and follows its code and severity back
to string literals: directly; through a helper's parameter to every call of
the helper (`bad(key, message, "bad-url")`, `_refuse("already-released", ...)`),
including a helper handed to another function as an argument; through local
assignments and conditional expressions (`"dropped" if ... else "changed"`);
and through the tuples a function returns (`for code, message, field in
_tombstone_problems(...)`). In an f-string, an attribute of another object
(`error.type`) stands for a family: `frictionless-*`. Anything else raises
Unresolved, so a new way of making findings fails the tests until the scan
learns it, instead of slipping past the catalogue.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from faceledger.core.findings import Finding

PACKAGE = Path(__file__).resolve().parent.parent / "faceledger"
FIELDS = tuple(f.name for f in dataclasses.fields(Finding))
DEFAULT_SEVERITY = next(f.default for f in dataclasses.fields(Finding) if f.name == "severity")
WILDCARD = "*"
# Finding's methods that read back a finding made earlier by a scanned call (the seed cache's
# entries): they emit no code of their own.
RESTORERS = ("restored",)

Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


class Unresolved(AssertionError):
    """A Finding whose code or severity the scan cannot follow to literals."""


@dataclass
class Module:
    rel: str
    tree: ast.Module
    parents: dict[ast.AST, ast.AST]

    def where(self, node: ast.AST) -> str:
        return f"{self.rel}:{getattr(node, 'lineno', '?')}"


@dataclass
class Frame:
    """Where an expression is evaluated: its module, its function, and its parameters' arguments if known."""

    module: Module
    scope: ast.AST
    env: Mapping[str, tuple[ast.expr, Frame]] | None = None


@dataclass
class Emitted:
    code: str
    severity: str
    at: str


@dataclass
class Scan:
    modules: list[Module]
    emitted: list[Emitted] = field(default_factory=list)

    def functions(self, name: str, module: Module | None = None) -> list[tuple[Module, ast.AST]]:
        """Every def of `name`: in `module` only for a private name, else anywhere in the package."""
        places = [module] if module is not None and name.startswith("_") else self.modules
        return [
            (m, node)
            for m in places
            for node in ast.walk(m.tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name
        ]

    def scope_of(self, module: Module, node: ast.AST) -> ast.AST:
        node = module.parents.get(node, module.tree)
        while not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.Module):
            node = module.parents[node]
        return node

    # Findings ------------------------------------------------------------------------------------

    def run(self) -> list[Emitted]:
        for module in self.modules:
            for node in ast.walk(module.tree):
                if (isinstance(node, ast.Name) and node.id == Finding.__name__) or (
                    isinstance(node, ast.Attribute) and node.attr == Finding.__name__
                ):
                    self._check_use(module, node)
                if isinstance(node, ast.Call) and _callee(node) == Finding.__name__:
                    self._finding(module, node)
        return self.emitted

    def _check_use(self, module: Module, use: ast.expr) -> None:
        """`Finding` may be called or named in an annotation; an alias would hide calls from the scan."""
        node, parent = use, module.parents[use]
        if isinstance(parent, ast.Call) and parent.func is node:
            return
        if isinstance(parent, ast.Attribute) and parent.attr in RESTORERS:
            return
        while parent is not None:
            if _in_annotation(parent, node):
                return
            node, parent = parent, module.parents.get(parent)
        raise Unresolved(f"{module.where(use)}: Finding used other than called or in an annotation")

    def _finding(self, module: Module, call: ast.Call) -> None:
        frame = Frame(module, self.scope_of(module, call))
        given = self._arguments(call, frame)
        if "code" not in given:
            raise Unresolved(f"{module.where(call)}: a Finding without a code")
        severity = given.get("severity", ast.Constant(DEFAULT_SEVERITY))
        for code, level in self.combinations((given["code"], severity), frame):
            self.emitted.append(Emitted(code, level, module.where(call)))

    def _arguments(self, call: ast.Call, frame: Frame) -> dict[str, ast.expr]:
        given: dict[str, ast.expr] = {}
        position = 0
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                width = self.width(arg.value, frame)
                if any(position <= FIELDS.index(name) < position + width for name in ("code", "severity")):
                    raise Unresolved(f"{frame.module.where(call)}: *{ast.unparse(arg.value)} covers the code")
                position += width
            else:
                given[FIELDS[position]] = arg
                position += 1
        for keyword in call.keywords:
            if keyword.arg is None:
                raise Unresolved(f"{frame.module.where(call)}: Finding(**...) hides the code")
            given[keyword.arg] = keyword.value
        return given

    # Values --------------------------------------------------------------------------------------

    def combinations(self, exprs: tuple[ast.expr, ...], frame: Frame) -> set[tuple[str, ...]]:
        """The values `exprs` take together: per call of the helper they are parameters of, if any."""
        scope = frame.scope
        if frame.env is None and isinstance(scope, Function):
            used = {n.id for e in exprs for n in ast.walk(e) if isinstance(n, ast.Name)}
            if used & set(_parameters(scope)):
                found: set[tuple[str, ...]] = set()
                for call, caller in self.calls(frame.module, scope):
                    bound = Frame(frame.module, scope, self.bind(scope, call, caller))
                    found |= self.combinations(exprs, bound)
                return found
        return set(itertools.product(*(self.values(e, frame) for e in exprs)))

    def values(self, expr: ast.expr, frame: Frame) -> set[str]:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            return self.values(expr.body, frame) | self.values(expr.orelse, frame)
        if isinstance(expr, ast.JoinedStr):
            texts = {""}
            for part in expr.values:
                if isinstance(part, ast.Constant):
                    options = {str(part.value)}
                elif isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Attribute):
                    options = {WILDCARD}
                elif isinstance(part, ast.FormattedValue):
                    options = self.values(part.value, frame)
                else:
                    raise Unresolved(f"{frame.module.where(expr)}: {ast.unparse(expr)}")
                texts = {text + option for text in texts for option in options}
            return texts
        if isinstance(expr, ast.Name):
            return set().union(*(self.values(e, f) for e, f in self.name(expr.id, frame, expr)))
        raise Unresolved(f"{frame.module.where(expr)}: cannot follow {ast.unparse(expr)!r} to a literal")

    def name(self, name: str, frame: Frame, at: ast.AST) -> list[tuple[ast.expr, Frame]]:
        """The expressions `name` can stand for where `frame` reads it."""
        if frame.env is not None and name in frame.env:
            return [frame.env[name]]
        scope, env = frame.scope, frame.env
        while True:
            here = Frame(frame.module, scope, env)
            if isinstance(scope, Function) and name in _parameters(scope):
                bound = [self.bind(scope, call, caller) for call, caller in self.calls(frame.module, scope)]
                missing = [env for env in bound if name not in env]
                if missing:
                    raise Unresolved(f"{frame.module.where(at)}: a call of the helper leaves {name!r} unset")
                return [env[name] for env in bound]
            bound = list(self.bindings(scope, name, here))
            if bound:
                return bound
            if isinstance(scope, ast.Module):
                raise Unresolved(f"{frame.module.where(at)}: {name!r} is bound nowhere the scan can see")
            scope, env = self.scope_of(frame.module, scope), None

    def bindings(self, scope: ast.AST, name: str, frame: Frame) -> Iterator[tuple[ast.expr, Frame]]:
        for node in _own_nodes(scope):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    yield from self._unpack(target, node.value, name, frame, elements=False)
            elif isinstance(node, ast.comprehension | ast.For | ast.AsyncFor):
                yield from self._unpack(node.target, node.iter, name, frame, elements=True)
            elif isinstance(node, ast.NamedExpr) and node.target.id == name:
                yield node.value, frame
            elif _binds(node, name):
                raise Unresolved(f"{frame.module.where(node)}: {name!r} is bound in a way the scan skips")

    def _unpack(
        self, target: ast.AST, value: ast.expr | None, name: str, frame: Frame, elements: bool
    ) -> Iterator[tuple[ast.expr, Frame]]:
        """What `name` in `target` gets from `value` (from each of its elements when looping)."""
        if isinstance(target, ast.Name):
            if target.id == name:
                if value is None:
                    raise Unresolved(f"{frame.module.where(target)}: {name!r} is declared, not assigned")
                yield from (self.items(value, frame) if elements else [(value, frame)])
            return
        if not isinstance(target, ast.Tuple | ast.List):
            return
        names = [t.id if isinstance(t, ast.Name) else None for t in target.elts]
        if name not in names:
            return
        index = names.index(name)
        for item, where in self.items(value, frame) if elements else [(value, frame)]:
            if not isinstance(item, ast.Tuple | ast.List) or len(item.elts) != len(names):
                raise Unresolved(f"{frame.module.where(target)}: cannot unpack {ast.unparse(item)!r}")
            yield item.elts[index], where

    def items(self, value: ast.expr | None, frame: Frame) -> list[tuple[ast.expr, Frame]]:
        """The elements a loop over `value` sees: a literal list's, or those of every list a function returns."""
        if isinstance(value, ast.List | ast.Tuple | ast.Set):
            return [(element, frame) for element in value.elts]
        if isinstance(value, ast.Call):
            return [
                item for returned, where in self.returns(value, frame) for item in self.items(returned, where)
            ]
        raise Unresolved(f"{frame.module.where(value)}: cannot see what a loop over it yields")

    def returns(self, call: ast.Call, frame: Frame) -> list[tuple[ast.expr, Frame]]:
        name = _callee(call)
        defs = self.functions(name, frame.module) if name else []
        if not defs:
            raise Unresolved(f"{frame.module.where(call)}: no function {name!r} in the package")
        found = []
        for module, function in defs:
            for node in _own_nodes(function):
                if isinstance(node, ast.Return) and node.value is not None:
                    found.append((node.value, Frame(module, function)))
        return found

    def width(self, expr: ast.expr, frame: Frame) -> int:
        """How many arguments `*expr` spreads into."""
        if isinstance(expr, ast.Tuple | ast.List):
            return len(expr.elts)
        if isinstance(expr, ast.Name):
            widths = {self.width(e, f) for e, f in self.name(expr.id, frame, expr)}
        elif isinstance(expr, ast.Call) and _callee(expr):
            widths = {_tuple_width(function) for _, function in self.functions(_callee(expr), frame.module)}
        else:
            widths = set()
        if len(widths) != 1 or None in widths:
            raise Unresolved(
                f"{frame.module.where(expr)}: cannot tell how many values *{ast.unparse(expr)} gives"
            )
        return widths.pop()  # type: ignore[return-value]

    # Helpers and their calls ---------------------------------------------------------------------

    def calls(self, module: Module, function: ast.AST) -> list[tuple[ast.Call, Frame]]:
        """Every call of `function`, also under the parameter names it is handed on as."""
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            raise Unresolved(f"{module.where(function)}: a lambda's parameter reaches a Finding")
        found: list[tuple[ast.Call, Frame]] = []
        seen: set[tuple[str, str]] = set()
        todo = [(function.name, m) for m in self._visible(module, function)]
        while todo:
            name, where = todo.pop()
            if (name, where.rel) in seen:
                continue
            seen.add((name, where.rel))
            for node in ast.walk(where.tree):
                if not isinstance(node, ast.Name) or node.id != name:
                    continue
                parent = where.parents[node]
                if isinstance(parent, ast.Call) and parent.func is node:
                    found.append((parent, Frame(where, self.scope_of(where, parent))))
                elif isinstance(parent, ast.Call | ast.keyword):
                    todo += self._handed_as(where, parent, node)
                else:
                    raise Unresolved(f"{where.where(node)}: the helper {name!r} is used as a value")
        if _public(module, function):
            for m in self.modules:
                for node in ast.walk(m.tree):
                    if isinstance(node, ast.Attribute) and node.attr == function.name:
                        parent = m.parents[node]
                        if not (isinstance(parent, ast.Call) and parent.func is node):
                            raise Unresolved(
                                f"{m.where(node)}: the helper {function.name!r} is used as a value"
                            )
                        found.append((parent, Frame(m, self.scope_of(m, parent))))
        if not found:
            raise Unresolved(f"{module.where(function)}: {function.name} is never called")
        return found

    def _visible(self, module: Module, function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[Module]:
        """The modules that can call `function` by its bare name: its own, and those importing it."""
        if not _public(module, function):
            return [module]
        return [module] + [
            m
            for m in self.modules
            if m is not module
            and any(
                isinstance(node, ast.ImportFrom) and any(a.name == function.name for a in node.names)
                for node in ast.walk(m.tree)
            )
        ]

    def _handed_as(self, module: Module, parent: ast.AST, node: ast.Name) -> list[tuple[str, Module]]:
        """The parameter names a function receives `node` as, when `node` is passed to it, with its module."""
        if isinstance(parent, ast.keyword):
            return [(parent.arg, module)] if parent.arg else []
        assert isinstance(parent, ast.Call)
        index = parent.args.index(node)
        names = []
        for where, function in self.functions(_callee(parent) or "", module):
            params = _parameters(function)
            if index < len(params):
                # Searched in the module the function is defined in (another module's helper too).
                names.append((params[index], where))
                if where is not module:
                    names.append((params[index], module))
        if not names:
            raise Unresolved(f"{module.where(node)}: {node.id!r} is handed to a function the scan cannot see")
        return names

    def bind(self, function: ast.AST, call: ast.Call, caller: Frame) -> dict[str, tuple[ast.expr, Frame]]:
        """Each parameter of `function` and the argument `call` gives it (its default when none)."""
        assert isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        arguments = function.args
        positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
        home = next(m for m in self.modules if any(n is function for n in ast.walk(m.tree)))
        definition = Frame(home, self.scope_of(home, function))
        env: dict[str, tuple[ast.expr, Frame]] = {}
        for name, default in zip(
            positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True
        ):
            env[name] = (default, definition)
        for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
            if default is not None:
                env[arg.arg] = (default, definition)
        for index, value in enumerate(call.args):
            if isinstance(value, ast.Starred) or index >= len(positional):
                raise Unresolved(f"{caller.module.where(call)}: cannot match the arguments of this call")
            env[positional[index]] = (value, caller)
        for keyword in call.keywords:
            if keyword.arg is None:
                raise Unresolved(f"{caller.module.where(call)}: **arguments hide what this call passes")
            env[keyword.arg] = (keyword.value, caller)
        return env


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _public(module: Module, function: ast.AST) -> bool:
    """A module-level function without a leading underscore, which other modules may call."""
    return not function.name.startswith("_") and module.parents.get(function) is module.tree  # type: ignore[attr-defined]


def _parameters(function: ast.AST) -> list[str]:
    arguments = function.args  # type: ignore[attr-defined]
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
    return names + [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of `scope` outside the functions and lambdas nested in it."""
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            todo += ast.iter_child_nodes(node)


def _binds(node: ast.AST, name: str) -> bool:
    """Whether `node` binds `name` other than by the assignments and loops the scan follows."""
    if isinstance(node, ast.ExceptHandler):
        return node.name == name
    if isinstance(node, ast.alias):
        return (node.asname or node.name).split(".")[0] == name
    target = node.target if isinstance(node, ast.AugAssign) else getattr(node, "optional_vars", None)
    return target is not None and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target))


def _in_annotation(parent: ast.AST, child: ast.AST) -> bool:
    """Whether `child` is an annotation of `parent`, or a type argument (`Iterable[Finding]`)."""
    if isinstance(parent, ast.Subscript):
        return parent.slice is child
    if isinstance(parent, ast.arg | ast.AnnAssign):
        return parent.annotation is child
    if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef):
        return parent.returns is child
    return False


def _tuple_width(function: ast.AST) -> int | None:
    """N for a function annotated `-> tuple[A1, ..., AN]`."""
    returns = getattr(function, "returns", None)
    if (
        isinstance(returns, ast.Subscript)
        and isinstance(returns.value, ast.Name)
        and returns.value.id == "tuple"
        and isinstance(returns.slice, ast.Tuple)
        and not any(isinstance(e, ast.Constant) and e.value is Ellipsis for e in returns.slice.elts)
    ):
        return len(returns.slice.elts)
    return None


def parse(sources: Mapping[str, str]) -> Scan:
    modules = []
    for rel, text in sorted(sources.items()):
        tree = ast.parse(text, rel)
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        modules.append(Module(rel, tree, parents))
    return Scan(modules)


def package_sources() -> dict[str, str]:
    """The package's own modules; faceledger/data/ is generated release data, not code."""
    return {
        path.relative_to(PACKAGE.parent).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*.py"))
        if "data" not in path.relative_to(PACKAGE).parts
    }


def emitted(sources: Mapping[str, str] | None = None) -> list[Emitted]:
    """Every (code, severity) a Finding call in `sources` (default: the package) can be made with."""
    if sources is None:
        return list(_package_emitted())
    return parse(sources).run()


# The package's scan takes seconds and several tests read it: one scan a test session.
@functools.cache
def _package_emitted() -> tuple[Emitted, ...]:
    return tuple(parse(package_sources()).run())
