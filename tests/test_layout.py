"""The package's shape: no module of nn/ imports itself back through others (an import cycle)."""
import ast
from pathlib import Path

NN = Path(__file__).resolve().parent.parent / "nn"


def _name(path, package=NN):
    """A module's dotted name inside the package: "core.mlp"; a folder's __init__ is the folder's name."""
    parts = path.relative_to(package).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"


def import_graph(package=NN):
    """{module: the package's modules it imports}, lazy imports inside functions included;
    modules by dotted name inside the package ("core.mlp"), "__init__" for the package itself."""
    files = {_name(p, package): p for p in package.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        here = name.split(".") if path.stem == "__init__" and name != "__init__" else name.split(".")[:-1]
        here = [] if name == "__init__" else here
        found = set()

        def add(target, names=()):
            """The modules named (from package import module), else the module itself."""
            for n in names or [None]:
                module = ".".join([*target, n]) if n else None
                found.add(module if module in files else ".".join(target) or "__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):       # import nn.core.mlp
                for a in node.names:
                    if a.name.split(".")[0] == package.name:
                        add(a.name.split(".")[1:])
            elif isinstance(node, ast.ImportFrom):
                if node.level:                     # from ..core.mlp import MLP, from . import config
                    base = here[:len(here) - (node.level - 1)] if node.level > 1 else here
                elif (node.module or "").split(".")[0] == package.name:
                    base = []                      # from nn.core.mlp import MLP
                    node.module = node.module.partition(".")[2]
                else:
                    continue
                target = base + (node.module.split(".") if node.module else [])
                add(target, [a.name for a in node.names])
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
    assert "core.serialize" in graph["core.mlp"] and "core.mlp" not in graph["core.serialize"]  # one direction only
    assert cycles(graph) == [], cycles(graph)


# Which folders each folder's modules may import from: the engine's layers, bottom to top.
LAYERS = {
    "limits": set(),
    "fast.tanh": set(),                   # a leaf: the tanh that core's record links as its fast twin
    "core": {"core", "limits", "fast.tanh"},
    "data": {"data", "limits"},
    "fast": {"core"},                     # the other speed paths mirror core's readable functions
    "teaching": {"core", "fast"},
    "training": {"training", "core", "data", "fast", "limits"},
    "export": {"export", "core", "data", "training"},  # reads a session; writes text for torch and Jupyter
}


def _layer(module):
    return "fast.tanh" if module == "fast.tanh" else module.split(".")[0]


def test_each_folder_imports_only_the_layers_below_it():
    for module, imported in import_graph().items():
        if module == "__init__" or "." not in module and module != "limits":
            continue
        for other in imported:
            assert _layer(other) in LAYERS[_layer(module)], f"{module} imports {other}"
