"""What each module of a package reaches through its imports, for the layer test.

Every import becomes one or more *reaches*: absolute dotted names (relative imports resolved against the
importing module), with how they were reached:

- ``module``: ``import a.b`` loads the module ``a.b`` (and its parents);
- ``name``: ``from a import b``, or an attribute of an imported name (``import flask`` then ``flask.request``
  reaches ``flask.request``), or ``importlib.import_module("a.b")`` / ``__import__("a.b")`` with a literal;
- ``bare``: an imported module used as a value (``getattr(flask, "request")``, ``x = flask``) or ``from a import *``,
  which may reach anything inside it.

Each reach says whether it is ``lazy`` (inside a function: it happens only when the function runs). A name one of
the package's own modules imports and so re-exports (``from lti_app.extensions import request``) is followed to
where it comes from (``flask.request``).
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
DYNAMIC_IMPORTS = {"import_module", "__import__"}


@dataclass(frozen=True)
class Reach:
    """One name a module reaches by importing."""

    target: str
    kind: str  # "module", "name" or "bare"
    line: int
    lazy: bool


@dataclass
class Module:
    """One parsed module: its dotted name, whether it is a package's ``__init__``, and its syntax tree."""

    name: str
    is_package: bool
    tree: ast.Module
    bindings: dict[str, str] = field(default_factory=dict)  # module-level names bound by imports → what they are


def parse(name: str, source: str, is_package: bool = False) -> Module:
    """A module from its dotted name and source text."""
    module = Module(name, is_package, ast.parse(source, name))
    module.bindings = {bound: target for bound, target, _ in _bound_names(module, top_level_only=True)}
    return module


def load_package(root: Path) -> dict[str, Module]:
    """Every module of the package in the folder ``root``, by dotted name."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        modules[name] = parse(name, path.read_text(), is_package)
    return modules


def absolute(module: Module, node: ast.ImportFrom) -> str:
    """The module a ``from ... import`` names, relative levels resolved against ``module``."""
    if not node.level:
        return node.module or ""
    parts = module.name.split(".")
    base = parts if module.is_package else parts[:-1]
    if node.level - 1 >= len(base):
        raise ValueError(f"{module.name}: relative import beyond the top-level package (line {node.lineno})")
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _bound_names(module: Module, top_level_only: bool = False) -> Iterator[tuple[str, str, ast.stmt]]:
    """(name bound, what it is bound to, statement) for each import in the module."""
    nodes = module.tree.body if top_level_only else ast.walk(module.tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    yield alias.asname, alias.name, node
                else:
                    top = alias.name.split(".")[0]
                    yield top, top, node
        elif isinstance(node, ast.ImportFrom):
            source = absolute(module, node)
            for alias in node.names:
                if alias.name != "*":
                    yield alias.asname or alias.name, f"{source}.{alias.name}", node


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}


def _is_lazy(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, FUNCTIONS):
            return True
    return False


def _chain(node: ast.Attribute) -> tuple[str, list[str]] | None:
    """(root name, attributes) of ``a.b.c``, or None when the chain does not start at a name."""
    attrs: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        attrs.insert(0, current.attr)
        current = current.value
    return (current.id, attrs) if isinstance(current, ast.Name) else None


def _statement_reaches(module: Module, parents: dict[ast.AST, ast.AST]) -> Iterator[Reach]:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Reach(alias.name, "module", node.lineno, _is_lazy(node, parents))
        elif isinstance(node, ast.ImportFrom):
            source = absolute(module, node)
            for alias in node.names:
                kind, target = ("bare", source) if alias.name == "*" else ("name", f"{source}.{alias.name}")
                yield Reach(target, kind, node.lineno, _is_lazy(node, parents))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if called in DYNAMIC_IMPORTS and isinstance(node.args[0].value, str):
                yield Reach(node.args[0].value, "name", node.lineno, _is_lazy(node, parents))


def _usage_reaches(module: Module, parents: dict[ast.AST, ast.AST]) -> Iterator[Reach]:
    """Attribute chains on imported names (maximal ones), and imported modules used as values."""
    bound: dict[str, str] = {}
    modules: set[str] = set()
    for name, target, statement in _bound_names(module):
        bound[name] = target
        if isinstance(statement, ast.Import):
            modules.add(name)
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Attribute) and not isinstance(parents.get(node), ast.Attribute):
            chain = _chain(node)
            if chain and chain[0] in bound:
                target = ".".join([bound[chain[0]], *chain[1]])
                yield Reach(target, "name", node.lineno, _is_lazy(node, parents))
        elif isinstance(node, ast.Name) and node.id in modules and isinstance(node.ctx, ast.Load):
            if not isinstance(parents.get(node), ast.Attribute):
                yield Reach(bound[node.id], "bare", node.lineno, _is_lazy(node, parents))


def _followed(reach: Reach, modules: dict[str, Module], depth: int = 0) -> Iterator[Reach]:
    """The reach, and where a name re-exported by one of the package's modules really comes from."""
    yield reach
    if depth > 8:
        return
    parts = reach.target.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        owner = modules.get(".".join(parts[:cut]))
        if owner is not None:
            origin = owner.bindings.get(parts[cut])
            if origin is not None:
                target = ".".join([origin, *parts[cut + 1:]])
                yield from _followed(Reach(target, reach.kind if reach.kind == "bare" else "name", reach.line, reach.lazy),
                                     modules, depth + 1)
            return


def reaches(module: Module, modules: dict[str, Module]) -> list[Reach]:
    """Everything ``module`` reaches by importing, re-exports followed."""
    parents = _parents(module.tree)
    found = [*_statement_reaches(module, parents), *_usage_reaches(module, parents)]
    return [followed for reach in found for followed in _followed(reach, modules)]


def _owner(target: str, modules: dict[str, Module]) -> str | None:
    """The package's module a dotted name lies in (the longest known prefix), if any."""
    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        if ".".join(parts[:cut]) in modules:
            return ".".join(parts[:cut])
    return None


def import_cycles(modules: dict[str, Module], ignore: tuple[str, ...] = ()) -> list[list[str]]:
    """Groups of modules that import one another in a circle (lazy and type-checking imports count too)."""
    graph = {name: {o for r in reaches(module, modules) if (o := _owner(r.target, modules)) not in (None, name, *ignore)}
             for name, module in modules.items() if name not in ignore}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(name: str) -> None:  # Tarjan's strongly connected components
        index[name] = low[name] = len(index)
        stack.append(name)
        for other in graph.get(name, ()):
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            group = stack[stack.index(name):]
            del stack[stack.index(name):]
            if len(group) > 1:
                found.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return found
