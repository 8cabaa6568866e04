"""The import graph of the package: dependencies run one way.

Read from the source with :mod:`ast` (nothing is imported): every ``import toolkit...`` and
``from toolkit... import ...``, at module level or inside functions, except under
``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import toolkit

ROOT = Path(toolkit.__file__).parent


def _module_name(path: Path) -> str:
    parts = ["toolkit", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST, depth: int) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # annotations only
            inner = depth + isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if top_level_only and inner:
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("toolkit"))
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                if child.module.startswith("toolkit"):
                    found.add(child.module)
                    for alias in child.names:  # `from toolkit import store` imports a module
                        candidate = f"{child.module}.{alias.name}"
                        if candidate in MODULES:
                            found.add(candidate)
            visit(child, inner)

    visit(tree, 0)
    return found


MODULES = {_module_name(p): p for p in ROOT.rglob("*.py")}


def _graph(top_level_only: bool) -> dict[str, set[str]]:
    return {
        name: {m for m in _imports(path, top_level_only) if m in MODULES and m != name}
        for name, path in MODULES.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = walk(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = walk(node)
            if found:
                return found
    return None


def _reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_the_graph_is_read():
    graph = _graph(top_level_only=False)
    assert "toolkit.store" in graph["toolkit.sources.registry"]  # files are the store's type
    assert "toolkit.sources.registry" in graph["toolkit.sources.scdb"]
    assert "toolkit.sources.base" in graph["toolkit.sources.scdb"]


def test_no_import_cycle():
    assert _cycle(_graph(top_level_only=True)) is None  # what runs on import
    assert _cycle(_graph(top_level_only=False)) is None  # imports inside functions too


def test_the_store_knows_nothing_of_sources_reports_or_notebooks():
    graph = _graph(top_level_only=False)
    for low in ("toolkit.errors", "toolkit.paths", "toolkit.store"):
        reached = _reaches(graph, low)
        assert not {m for m in reached if m.startswith("toolkit.sources")}, (low, reached)
        assert not reached & {"toolkit.reports", "toolkit.notebook", "toolkit.cli"}, low


def test_the_registry_and_the_readers_do_not_need_the_runner_or_the_statistics():
    graph = _graph(top_level_only=False)
    upper = {"toolkit.reports", "toolkit.notebook", "toolkit.cli", "toolkit.charts"}
    for name in MODULES:
        if name.startswith("toolkit.sources"):
            assert not _reaches(graph, name) & upper, name


def test_the_cycle_finder_finds_a_planted_cycle():
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert _cycle(planted) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_notebook_layer_depends_one_way():
    graph = _graph(top_level_only=False)
    assert not graph["toolkit.results"]  # a leaf: statistics and readers alike may use it
    upper = {"toolkit.notebook", "toolkit.reports", "toolkit.cli"}
    for name in ("toolkit.prose", "toolkit.periods", "toolkit.parameters", "toolkit.results"):
        assert not _reaches(graph, name) & upper, name
