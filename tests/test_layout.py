"""The package's imports run one way (cli -> ... -> errors) and never in a circle.

The import graph is read from the source with ``ast`` (nothing is imported): an edge for every
``import`` / ``from ... import`` of a ``netmarker`` module. Module-level edges (those executed
when the module is imported; ``if TYPE_CHECKING:`` blocks excluded) must form no cycle. Every
edge, including imports deferred into functions for start-up speed, must point to the same
room or a lower one in :data:`ROOMS`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "netmarker"

#: rooms from the bottom up; a module may import its own room and the rooms below it
ROOMS: list[tuple[str, ...]] = [
    ("netmarker._version", "netmarker.errors", "netmarker.defaults", "netmarker.resources"),
    ("netmarker.schema",),
    ("netmarker.ids",),
    ("netmarker.io",),
    ("netmarker.graph",),
    ("netmarker.network",),
    ("netmarker.modules", "netmarker.gridrun", "netmarker.queries", "netmarker.explain"),
    ("netmarker.predict",),
    ("netmarker.fetch",),
    ("netmarker.plots", "netmarker.htmlreport"),
    ("netmarker.evaluation",),  # predictions vs outcomes, written with figures
    ("netmarker.demo", "netmarker.reproduce"),
    ("netmarker.cli",),
    ("netmarker",),  # the package itself: the notebook API re-exports from every room
]


def package_sources() -> dict[str, tuple[str, bool]]:
    """``{module: (source, is a package)}`` for every module of src/netmarker."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = (path.read_text(), path.name == "__init__.py")
    return out


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(source: str, name: str, is_package: bool, modules: set[str]) -> list[tuple[str, bool]]:
    """``(imported netmarker module, at module level)`` for every import statement."""
    package = name if is_package else name.rpartition(".")[0]
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        if isinstance(node, ast.If) and is_type_checking(node.test):
            return  # never executed: annotations only
        if isinstance(node, ast.Import):
            found.extend((a.name, top) for a in node.names if a.name.startswith("netmarker"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("netmarker"):
                for alias in node.names:  # `from netmarker.io import output` names a module
                    sub = f"{target}.{alias.name}"
                    found.append((sub if sub in modules else target, top))
        # a function body runs when called, a class body at import
        inner = top and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(ast.parse(source, name), True)
    return found


def room(module: str) -> int:
    """Index of the most specific room of :data:`ROOMS` holding ``module``."""
    best, rank = -1, -1
    for i, prefixes in enumerate(ROOMS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), i
    if rank < 0:
        raise AssertionError(f"{module} is in no room of tests/test_layout.py's ROOMS")
    return rank


def import_graphs(sources: dict[str, tuple[str, bool]]) -> tuple[nx.DiGraph, nx.DiGraph]:
    """(module-level import graph, graph of every import) over the given modules."""
    modules = set(sources)
    top, every = nx.DiGraph(), nx.DiGraph()
    top.add_nodes_from(modules)
    every.add_nodes_from(modules)
    for name, (source, is_package) in sources.items():
        for target, at_top in imports(source, name, is_package, modules):
            if target not in modules:
                raise AssertionError(f"{name} imports {target}, which does not exist")
            # importing a.b.c runs a.b's __init__ first, unless it is the importer's own package
            parts = target.split(".")
            for t in (".".join(parts[:i]) for i in range(2, len(parts) + 1)):
                if t == name or name.startswith(t + "."):
                    continue
                every.add_edge(name, t)
                if at_top:
                    top.add_edge(name, t)
    return top, every


def cycles(graph: nx.DiGraph) -> list[str]:
    return [" -> ".join([*c, c[0]]) for c in nx.simple_cycles(graph)]


def upward(graph: nx.DiGraph) -> list[str]:
    return sorted(f"{a} imports {b}" for a, b in graph.edges if room(b) > room(a))


def test_rooms_cover_every_module() -> None:
    for name in package_sources():
        room(name)


def test_no_import_cycle_at_module_level() -> None:
    top, _ = import_graphs(package_sources())
    assert not cycles(top), "import cycles: " + "; ".join(cycles(top))


def test_imports_run_downward() -> None:
    _, every = import_graphs(package_sources())
    assert not upward(every), "imports against the layering: " + "; ".join(upward(every))


def test_io_never_imports_graph_and_ids_never_io() -> None:
    _, every = import_graphs(package_sources())
    for a, b in every.edges:
        assert not (a.startswith("netmarker.io") and b.startswith("netmarker.graph")), (a, b)
        assert not (a.startswith("netmarker.ids") and b.startswith("netmarker.io")), (a, b)


def test_the_checks_catch_a_cycle_and_an_upward_import() -> None:
    sources = {
        "netmarker.predict": ("", True),
        "netmarker.predict.model": ("from netmarker.predict.evaluate import x\n", False),
        "netmarker.predict.evaluate": ("from . import model\n", False),
        "netmarker.io": ("", True),
        "netmarker.io.output": ("def f():\n    from netmarker.predict import model\n", False),
    }
    top, every = import_graphs(sources)
    assert cycles(top) in (
        ["netmarker.predict.model -> netmarker.predict.evaluate -> netmarker.predict.model"],
        ["netmarker.predict.evaluate -> netmarker.predict.model -> netmarker.predict.evaluate"],
    )
    assert upward(every) == [
        "netmarker.io.output imports netmarker.predict",
        "netmarker.io.output imports netmarker.predict.model",
    ]
    # deferred into a function: against the layering, but not a module-level edge
    assert not top.has_edge("netmarker.io.output", "netmarker.predict.model")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import netmarker.graph.store\n", [("netmarker.graph.store", True)]),
        ("def f():\n    from netmarker.io import output\n", [("netmarker.io.output", False)]),
        ("from ..io.output import write_json\n", [("netmarker.io.output", True)]),
        ("class A:\n    from netmarker import errors\n", [("netmarker.errors", True)]),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import netmarker.cli\n", []),
    ],
)
def test_the_walker_sees_what_python_runs(source: str, expected: list) -> None:
    modules = set(package_sources())
    assert imports(source, "netmarker.predict.probe", False, modules) == expected
