"""The project's imports run one way: api → kb → ingest, with no cycle among modules.

Every ``import`` and ``from … import`` of the project's own modules counts, at module
level or inside a function (a late import still ties two modules together), except
those under ``if TYPE_CHECKING:``, which never run. A cycle is reported as its path of
modules, so the message says which import to move.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "kb", "api")
LAYER = {"ingest": 0, "kb": 1, "api": 2}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, package: str, known: set[str]) -> set[str]:
    """The project modules a module's code imports (what ``import a.b`` or ``from a
    import b`` names, resolved to the deepest project module)."""
    out: set[str] = set()

    def resolve(name: str) -> None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name:
            out.add(name)

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                resolve(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                base = ".".join(parent[: len(parent) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                resolve(full if full in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


def import_graph() -> dict[str, set[str]]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    known = {_module_name(p) for p in files}
    graph: dict[str, set[str]] = {}
    for path in files:
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = _imports(ast.parse(path.read_text("utf-8"), str(path)), package, known) - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that returns to its start, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := walk(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := walk(start)):
            return found
    return None


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
        ({"a": {"a"}}, ["a", "a"]),
    ],
)
def test_find_cycle_table(graph: dict[str, set[str]], cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle


def test_the_walk_sees_late_relative_and_package_imports() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from kb.search import Hit\n"
        "def f():\n    from kb import modes\n    from .query import parse_query\n    import ingest.model\n"
    )
    known = {"kb", "kb.modes", "kb.query", "kb.search", "ingest", "ingest.model"}
    assert _imports(tree, "kb", known) == {"kb.modes", "kb.query", "ingest.model"}


def test_no_import_cycle_among_the_projects_modules() -> None:
    graph = import_graph()
    assert {"kb.search", "kb.modes", "kb.hybrid", "ingest.corpus"} <= set(graph)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_layers_import_downwards_only() -> None:
    """ingest knows nothing of kb or api; kb nothing of api."""
    wrong = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if LAYER[target.split(".")[0]] > LAYER[module.split(".")[0]]
    ]
    assert wrong == []


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_the_modes_plug_into_the_registry_not_into_the_pipeline() -> None:
    """``kb.modes`` imports each mode's module by name when the mode is first asked
    for, an edge the static walk cannot see; so no mode's module may reach back to the
    pipeline (``kb.search``) or to the registry's loader through its own imports."""
    from kb.modes import PROVIDERS

    graph = import_graph()
    assert "kb.search" not in _reachable(graph, "kb.modes")
    for module in set(PROVIDERS.values()):
        assert "kb.search" not in _reachable(graph, module), f"{module} imports the search pipeline"
