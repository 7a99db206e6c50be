"""The package's shape: no module of nn/ imports itself back through others (an import cycle)."""
import ast
from pathlib import Path

NN = Path(__file__).resolve().parent.parent / "nn"


def import_graph(package=NN):
    """{module: the package's modules it imports}, lazy imports inside functions included;
    modules by file stem, "__init__" for the package itself."""
    modules = {p.stem for p in package.glob("*.py")}
    graph = {}
    for name in modules:
        found = set()
        for node in ast.walk(ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):       # import nn.mlp
                found |= {(a.name.split(".") + ["__init__"])[1] for a in node.names
                          if a.name.split(".")[0] == package.name}
                continue
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level == 1:                    # from .mlp import MLP, from . import mlp
                inner = node.module
            elif node.level == 0 and (node.module or "").split(".")[0] == package.name:
                inner = node.module.partition(".")[2]  # from nn.mlp import MLP, from nn import mlp
            else:
                continue
            if inner:
                found.add(inner.split(".")[0])
            else:                                  # names of the package: a module, or from __init__
                found |= {a.name if a.name in modules else "__init__" for a in node.names}
        graph[name] = found - {name}
    return graph


def cycles(graph):
    """Every import cycle, each as the list of modules around it (first module repeated last)."""
    found, state = [], {}
    def visit(m, path):
        state[m] = "open"
        for n in sorted(graph.get(m, ())):
            if state.get(n) == "open":
                found.append(path[path.index(n):] + [n])
            elif n not in state:
                visit(n, path + [n])
        state[m] = "done"
    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return found


def test_the_import_graph_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_nn_has_no_import_cycle():
    graph = import_graph()
    assert "serialize" in graph["mlp"] and "mlp" not in graph["serialize"]  # one direction only
    assert cycles(graph) == [], cycles(graph)
