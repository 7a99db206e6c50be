"""What both exports write: the page's setup in words, and numbers as Python literals that read
back as the very same float64 values.

Python's repr of a float is the shortest text that reads back as the same bits, so an array
written with `literal` and read by Python (or torch.tensor) is exactly the array that was written.
"""
import math

import numpy as np

from ..training import config as cfg


def setting_text(value):
    """One setting's value as a learner reads it: 8, 8 for a list, 0.01 for a number."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


def setup_lines(config, indent="    "):
    """The changed settings, one `name = value` line each, the names aligned."""
    changed = cfg.changed(config)
    width = max(len(name) for name, _ in changed)
    return [f"{indent}{name:<{width}} = {setting_text(value)}" for name, value in changed]


def by_hand(session):
    """What was done to the session by hand since it was built from its config (the page keeps
    this list; an empty one means that Session(config) trained epoch by epoch reproduces it)."""
    return list(session.by_hand)


def network_text(session):
    """The network in a few words: "2 → 8 → 8 → 1, tanh, sigmoid output"."""
    net = session.net
    acts = net.activation
    act = acts[0] if len(set(acts)) == 1 else ", ".join(acts) if acts else "no hidden layer"
    return f"{' → '.join(str(s) for s in net.sizes)}, {act}, {net.output} output"


def number(x):
    """One number as Python source: ints as they are, floats by repr (exact)."""
    if isinstance(x, (bool, np.bool_)):
        return repr(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    return repr(x) if math.isfinite(x) else f"float('{x}')"  # 'nan' alone is no Python


WIDTH = 110  # a long row of numbers goes on over several lines of at most this many characters


def literal(a, indent=""):
    """An array (or number) as a Python literal: nested lists, one row of a matrix a line (or
    more, for a long one). `indent`: where the literal starts on its first line, as spaces."""
    a = np.asarray(a)
    if a.ndim == 0:
        return number(a.item())
    inner = indent + " "
    if a.ndim == 1:
        lines, line = [], ""
        for text in (number(x) for x in a.tolist()):
            if line and len(inner) + len(line) + len(text) + 2 > WIDTH:
                lines.append(line + ",")
                line = ""
            line = f"{line}, {text}" if line else text
        return "[" + ("\n" + inner).join(lines + [line]) + "]"
    rows = [literal(row, inner) for row in a]
    return "[" + (",\n" + inner).join(rows) + "]"


def python_value(value):
    """A config value (a number, text, a list, None, True/False) as Python source."""
    if isinstance(value, list):
        return "[" + ", ".join(python_value(v) for v in value) + "]"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value)
    return repr(value)


def config_literal(config, indent="    "):
    """The changed settings as a Python dict literal, one key a line."""
    lines = [f"{indent}{name!r}: {python_value(value)}," for name, value in cfg.changed(config)]
    return "{\n" + "\n".join(lines) + "\n}"
