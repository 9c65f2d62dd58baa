"""The shape of the code, checked over the AST of every module (lazy and type-only imports
included): the kernel and the terminal UI never import a plugin, and no import cycle exists
anywhere in core/, plugins/ and tui/. Plugins hold the features: 30% or more of the lines of
core/ and plugins/ together."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"core": "salesplan.core", "plugins": "salesplan.plugins", "tui": "salesplan.tui"}
SKIP_PARTS = {"__pycache__", "__snapshots__"}


def module_files() -> dict[str, Path]:
    """Every module of the tree by its installed name (``salesplan.core.db.models``)."""
    modules: dict[str, Path] = {}
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT / folder)
            if SKIP_PARTS & set(relative.parts):
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join([package, *parts])] = path
    return modules


def imported(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The modules of the tree that ``name`` imports, wherever the import statement is."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if node.level > 1:
                    base = base[: -(node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                if candidate in known:
                    yield candidate  # ``from package import module``
                elif target in known:
                    yield target


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    known = set(files)
    return {name: set(imported(name, path, known)) - {name} for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_kernel_and_the_tui_never_import_a_plugin() -> None:
    graph = import_graph()
    offenders = sorted(
        f"{name} imports {target}"
        for name, targets in graph.items()
        if not name.startswith("salesplan.plugins")
        for target in targets
        if target.startswith("salesplan.plugins")
    )
    assert offenders == []


def test_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    """The check above can fail: a two-module and a three-module circle are found."""
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert cycles(graph) == [["a", "b"], ["c", "d", "e"]]
    source = ROOT / "core" / "app.py"
    assert "salesplan.core.registry" in set(
        imported("salesplan.core.app", source, set(module_files())))  # type-only import seen


TOOLING = {"testing"}
"""Folders of core/ that are tooling for plugin authors, not kernel features: the test helper
``salesplan.core.testing`` (and its page generator) is not counted on either side."""


def _lines(folder: str) -> int:
    return sum(len(path.read_text(encoding="utf-8").splitlines())
               for path in (ROOT / folder).rglob("*.py")
               if "__pycache__" not in path.parts
               and not (folder == "core" and TOOLING & set(path.relative_to(ROOT / folder).parts)))


def test_plugins_hold_the_features() -> None:
    core, plugins = _lines("core"), _lines("plugins")
    assert plugins / (core + plugins) >= 0.30, (core, plugins)
