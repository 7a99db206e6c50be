"""Where things are in the engine's source, for the source viewer: found with ast, not by hand.

    locate(text, "MLP.backprop")  -> (first line, last line), 1-based, decorators included
    code_for_stage("update", "AdamW") -> ("core/optim.py", "Adam._update")
"""
import ast

from nn import losses, optim

STAGE_CODE = {
    "forward": ("core/mlp.py", "forward_layers"),
    "backward": ("core/mlp.py", "MLP.backprop"),
}


def code_for_stage(stage, optimizer="Adam", loss="bce"):
    """(file in nn/, qualified name) of the function that computes a stage of a step."""
    if stage == "loss":  # the loss in use: its per-sample terms, with its dL/dz just below
        return "core/losses.py", losses.LOSS[loss].terms.__name__
    if stage == "update":  # the class whose rule it runs: AdamW inherits Adam's
        owner = next(c for c in optim.lookup(optimizer).__mro__ if "_update" in c.__dict__)
        return "core/optim.py", f"{owner.__qualname__}._update"
    if stage not in STAGE_CODE:
        raise ValueError(f"unknown stage {stage!r}; allowed: forward, loss, backward, update")
    return STAGE_CODE[stage]


def outline(text):
    """[(qualified name, first line, last line)] of every class, function and top-level constant."""
    found = []

    def walk(nodes, prefix):
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                found.append((prefix + node.name, first, node.end_lineno))
                if isinstance(node, ast.ClassDef):
                    walk(node.body, prefix + node.name + ".")
            elif not prefix and isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found.append((target.id, node.lineno, node.end_lineno))
    walk(ast.parse(text).body, "")
    return found


def mirrors(text):
    """A speed path's MIRRORS table: {its function: "file in nn/:the readable function it equals"}."""
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "MIRRORS" for t in node.targets):
            return ast.literal_eval(node.value)
    return {}


def mirror_note(text, qualname=None):
    """What the source viewer says of a speed path: which readable function it mirrors."""
    table = mirrors(text)
    if not table:
        return ""
    pairs = [(qualname, table[qualname])] if qualname in table else list(table.items())
    said = "; ".join(f"{name} mirrors nn/{ref.replace(':', ' ')}" for name, ref in pairs)
    return (f" A speed path, run by the page: {said}, the readable version, which a test holds it equal to.")


def locate(text, qualname):
    """(first, last) line of `qualname` in the source `text`; ValueError if it is not there."""
    for name, first, last in outline(text):
        if name == qualname:
            return first, last
    raise ValueError(f"{qualname!r} is not defined in this file")
