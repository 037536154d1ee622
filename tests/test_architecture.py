"""The package's dependency rule, checked on its import graph.

The rule is the one written at the top of `src/inovasi_kg/__init__.py`: the layers listed there,
lowest first; a module imports only from its own layer or a lower one; no import cycle; the two
clients (cli, web) reach lower layers only through api and kg. Every import counts: at module
level, inside functions and under TYPE_CHECKING. The layers come from the docstring, so moving a
module changes what is checked only through that written rule.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pytest

import inovasi_kg

PACKAGE = Path(inovasi_kg.__file__).resolve().parent
# What the clients may import besides api, kg and themselves: what they parse and render with, and the
# store's protocol and factory (see the package docstring).
CLIENT_MAY_USE = ("core", "rdf", "sparql", "store.base", "store.open", "api", "kg", "web", "cli")
CLIENTS = ("cli", "web")


def layers() -> list[str]:
    """The layers the package docstring declares, lowest first (`    name/   what` or `    name   what`)."""
    doc = inovasi_kg.__doc__ or ""
    found = re.findall(r"^    ([a-z_]+)/?\s{2,}\S", doc, re.MULTILINE)
    assert found, "the package docstring declares no layers"
    return found


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["inovasi_kg", *parts])


def is_module(name: str) -> bool:
    rel = PACKAGE.joinpath(*name.split(".")[1:])
    return rel.with_suffix(".py").is_file() or (rel / "__init__.py").is_file()


def imports_of(path: Path, source: str | None = None) -> Iterable[str]:
    """Every project module `path` (or `source`, read as if it stood there) imports, wherever the
    import statement stands."""
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rsplit(".", 1)[0]
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "inovasi_kg")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != "inovasi_kg":
                continue
            for alias in node.names:  # `from inovasi_kg.core import iris` imports the module inovasi_kg.core.iris
                yield f"{source}.{alias.name}" if is_module(f"{source}.{alias.name}") else source


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        graph.add_node(module_name(path))
        for target in imports_of(path):
            assert is_module(target), f"{module_name(path)} imports {target}, which is not a module"
            if target != module_name(path):
                graph.add_edge(module_name(path), target)
    return graph


def layer_of(module: str) -> str | None:
    """The layer of a module: the first name under the package (None for the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def violations(graph: nx.DiGraph, order: list[str]) -> list[str]:
    """Every breach of the rule in `graph`, as readable lines (empty when it holds)."""
    found = [" -> ".join([*cycle, cycle[0]]) + ": an import cycle" for cycle in nx.simple_cycles(graph)]
    rank = {name: i for i, name in enumerate(order)}
    for module in graph:
        layer = layer_of(module)
        if layer is None or layer == "__main__":
            continue  # the package's own __init__ and __main__ stand above every layer
        if layer not in rank:
            found.append(f"{module}: in no declared layer (declare {layer!r} in the package docstring)")
            continue
        for target in graph.successors(module):
            other = layer_of(target)
            if other is None:
                found.append(f"{module} -> {target}: imports the package itself (an import back up)")
            elif other in rank and rank[other] > rank[layer]:
                found.append(f"{module} -> {target}: {layer} imports {other}, a layer above it")
            elif layer in CLIENTS and not any(target == f"inovasi_kg.{ok}" or target.startswith(f"inovasi_kg.{ok}.")
                                              for ok in CLIENT_MAY_USE):
                found.append(f"{module} -> {target}: a client reaches past api and kg")
    return sorted(found)


def test_the_package_keeps_its_dependency_rule() -> None:
    graph = import_graph()
    assert graph.number_of_edges() > 50  # the walk found the imports (the package has well over a hundred)
    assert violations(graph, layers()) == []


def test_every_folder_of_the_package_is_a_declared_layer() -> None:
    declared = set(layers())
    folders = {p.parent.relative_to(PACKAGE).parts[0] for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE}
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert folders | modules == declared


@pytest.mark.parametrize(("edges", "expected"), [
    ([("inovasi_kg.core.a", "inovasi_kg.core.b"), ("inovasi_kg.core.b", "inovasi_kg.core.a")],
     ["inovasi_kg.core.a -> inovasi_kg.core.b -> inovasi_kg.core.a: an import cycle"]),
    ([("inovasi_kg.core.a", "inovasi_kg.store.b")],
     ["inovasi_kg.core.a -> inovasi_kg.store.b: core imports store, a layer above it"]),
    ([("inovasi_kg.cli", "inovasi_kg.store.embedded")],
     ["inovasi_kg.cli -> inovasi_kg.store.embedded: a client reaches past api and kg"]),
    ([("inovasi_kg.core.a", "inovasi_kg")], ["inovasi_kg.core.a -> inovasi_kg: imports the package itself (an import back up)"]),
    ([("inovasi_kg.extra.a", "inovasi_kg.core.b")],
     ["inovasi_kg.extra.a: in no declared layer (declare 'extra' in the package docstring)"]),
    ([("inovasi_kg.store.a", "inovasi_kg.core.b"), ("inovasi_kg.cli", "inovasi_kg.api")], []),
])
def test_the_checker_finds_each_kind_of_breach(edges: list[tuple[str, str]], expected: list[str]) -> None:
    found = violations(nx.DiGraph(edges), ["core", "store", "api", "cli"])
    if "cycle" in "".join(expected):  # a cycle is reported from whichever module networkx starts at
        assert len(found) == 1 and found[0].endswith("an import cycle")
    else:
        assert found == expected


def test_imports_inside_functions_and_type_checking_blocks_count() -> None:
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..kg import KnowledgeGraph\n"
              "def f():\n    from inovasi_kg.core import iris\n    import inovasi_kg.api\n    from . import settings\n")
    found = sorted(imports_of(PACKAGE / "core" / "errors.py", source))
    assert found == ["inovasi_kg.api", "inovasi_kg.core.iris", "inovasi_kg.core.settings", "inovasi_kg.kg"]


def test_no_layer_shadows_a_name_of_the_public_api() -> None:
    # `import inovasi_kg.x` sets the attribute `x` of the package: a layer named like an API function
    # (say `publish`) would replace that function for everyone once any module of the layer is loaded.
    assert set(layers()) & set(inovasi_kg.__all__) == set()
