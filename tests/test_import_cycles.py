"""No import circles among the atlas's own modules (issue #25).

Reads every import statement (ast; also those inside functions, which only postpone a circle, and not
those under ``if TYPE_CHECKING:``) of app.py, serve.py and the packages, and fails naming each cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cluster_model", "geo", "ui", "pages", "outputs", "web")
ENTRY_POINTS = ("app.py", "serve.py")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    files = [ROOT / name for name in ENTRY_POINTS]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return {_module_name(p): p for p in files}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_names(tree: ast.AST, module: str, is_package: bool, modules) -> set[str]:
    """Dotted names the import statements load: ``from a import b`` loads ``a.b`` when that is a module,
    else ``a`` (a package's ``__init__`` is not an edge when only its submodules are taken from it)."""
    names: set[str] = set()
    skipped = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node.test)
        for inner in node.body
        for n in ast.walk(inner)
    }
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                names.add(submodule if submodule in modules else source)
    return names


def import_graph() -> dict[str, set[str]]:
    modules = _project_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        targets = set()
        for dotted in _imported_names(tree, name, path.name == "__init__.py", modules):
            # the deepest project module the name points at (``a.b.func`` -> ``a.b``)
            parts = dotted.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            if parts and ".".join(parts) != name:
                targets.add(".".join(parts))
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (a → … → a) for each group of modules that import each other (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_a_cycle(graph, component) for component in components]


def _a_cycle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """The shortest path back to the component's first module, through the component (breadth first)."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & component):
            if nxt == start:
                return paths[node] + [start]
            if nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                queue.append(nxt)
    raise AssertionError(f"no cycle through {start}")  # a strongly connected component always has one


def _named(cycle: list[str]) -> str:
    return " → ".join(cycle)


def test_the_walk_finds_a_cycle_and_names_it():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [_named(c) for c in cycles(graph)] == ["a → b → c → a"]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_walk_reads_relative_and_lazy_imports():
    graph = import_graph()
    assert "cluster_model.scoring" in graph["cluster_model.view"]  # from .scoring import ...
    assert "cluster_model.store" in graph["ui.data_access"] or any(
        t.startswith("cluster_model.store") for t in graph["ui.data_access"]
    )
    assert "ui.warmup" in graph["app"]


def test_no_import_cycle_among_the_atlas_modules():
    found = cycles(import_graph())
    assert not found, "import cycles: " + "; ".join(_named(c) for c in found)
