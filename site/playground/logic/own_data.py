"""The words and choices around your own data (nn.data.custom): the palette a click draws from, the
hint under the plane, the legend, and the scale a table was put on the plane with. Pure (no js).
"""
import numpy as np

from nn import limits

from . import colors

VALUES = (-1.0, -0.5, 0.0, 0.5, 1.0)  # a 2-input regression: the values a click can give (plane units)
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def drawable(data):
    """Whether a set's points can be drawn on and become your own (not the 64-pixel digits)."""
    return data.extent is not None and data.X_train.shape[1] <= 2


def is_curve(data):
    """One input: the canvas shows y (a target, or the class) over x."""
    return data.X_train.shape[1] == 1


def count(data):
    return len(data.y_train) + len(data.y_test)


def _numbered(names):
    return all(name == str(k) for k, name in enumerate(names))


def palette(data):
    """What a click can add: [(accessible name, text shown, CSS colour)], one per button. Classes
    ("Class 0" ...; a drawn set offers one class more, up to 10), or for a regression on two inputs
    a few values of the target; none for a curve, where the click's height is the value."""
    if data.kind == "classification":
        names = list(data.class_names)
        if _numbered(names) and len(names) < limits.MAX_CLASSES:
            names.append(str(len(names)))  # a new class to draw
        return tuple((f"Class {k}" if name == str(k) else f"Class {k}: {name}",
                      f"Class {k}" if name == str(k) else name, colors.class_color(k))
                     for k, name in enumerate(names))
    if is_curve(data):
        return ()
    out = []
    for v in VALUES:
        value = float(data.own_target(v))
        own = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
        rgb = colors.diverging(np.array([v]))[0, :3]
        out.append((f"Value {own}", own, colors.hex_color(rgb)))
    return tuple(out)


def value_of(data, index):
    """The class or target value palette button `index` adds (None on a curve: the click's height)."""
    if data.kind == "classification":
        return int(index)
    return None if is_curve(data) else VALUES[index]


def plane_points(data, X, y):
    """Points (n, d) in the data's units -> where they are drawn: (x1, x2), or (x, y) on a curve."""
    P = data.plane_inputs(X)
    if is_curve(data):
        t = data.plane_targets(y) if data.kind == "regression" else y
        return np.column_stack([P[:, 0], t])
    return P[:, :2]


def hint(data, erasing, pending):
    """The line under the plane: what a click does now."""
    n = count(data)
    if pending:
        return (f"{n} point{'s' if n != 1 else ''}: put at least {limits.MIN_OWN_POINTS} on the plane, "
                "one to train on and one to test on, and the network learns from them.")
    if erasing:
        return "Erase: click or drag over points to remove them. Pick a class to draw again."
    if is_curve(data) and data.kind == "regression":
        return "Click to add a point (x, y), drag to add several; the network fits a curve through them."
    if data.kind == "regression":
        return "Click to add a point with the chosen value, drag to paint several."
    return ("Click the plane to add a point of the chosen class, drag to paint several; "
            "shift-click adds the next class, and the key c chooses it.")


def legend(data):
    """[(name, CSS colour)] of each class of your own data; [] for a regression."""
    if data.kind != "classification":
        return []
    return [(name, colors.class_color(k)) for k, name in enumerate(data.class_names)]


def scale_text(data):
    """How a table's columns were put on the plane, in words ("" when they are as they are)."""
    if not data.scale:
        return ""
    names = data.input_names
    parts = [f"x{str(k + 1).translate(SUB)} = ({name} − {m:.4g}) ÷ {s:.4g}"
             for k, (name, (m, s)) in enumerate(zip(names, data.scale))]
    text = "Standardized onto the plane: " + "; ".join(parts) + "."
    if len(names) > 2:
        one = len(names) == 3
        text += (f" The plane shows x₁ and x₂ ({names[0]}, {names[1]}); "
                 f"{', '.join(names[2:])} {'is' if one else 'are'} held at {'its' if one else 'their'} mean.")
    if data.target_scale:
        m, s = data.target_scale
        text += f" The target too: ({data.target_name} − {m:.4g}) ÷ {s:.4g}, so the RMSE is in units of {s:.4g}."
    return text


def count_text(data, inputs_to_network):
    n_train, n_test = len(data.y_train), len(data.y_test)
    return (f"{n_train + n_test} points: {n_train} training and {n_test} test, {inputs_to_network} "
            f"input{'s' if inputs_to_network != 1 else ''} to the network")


# -- a table's columns, as the preview offers them ---------------------------------------------------

PREVIEW_ROWS = 8


def ordered_inputs(inputs, across, up):
    """The inputs in the order the data takes them: the one across the plane, the one up it,
    then the others in the table's order."""
    first = [c for c in (across, up) if c in inputs]
    first = list(dict.fromkeys(first))
    return first + [c for c in inputs if c not in first]


def table_summary(t, name):
    rows, cols = len(t.rows), len(t.names)
    header = "the first row names the columns" if t.header else "no header row: the columns are numbered"
    split = "; its split column says which rows are for testing" if t.split else ""
    return f"{name}: {rows:,} rows of {cols} columns; {header}{split}."


def choice_note(t, inputs, target):
    """What a choice of columns means, in words (before it is applied)."""
    if target is None or not inputs:
        return f"Pick 1 to {limits.MAX_TABLE_INPUTS} input columns and one target column."
    names = [t.names[c] for c in inputs]
    text = (f"{len(inputs)} input{'s' if len(inputs) != 1 else ''} (up to {limits.MAX_TABLE_INPUTS}), "
            "standardized onto the plane")
    if len(inputs) > 2:
        text += (f"; the plane shows {names[0]} across and {names[1]} up, with {', '.join(names[2:])} "
                 f"held at {'its' if len(names) == 3 else 'their'} mean")
    elif len(inputs) == 2:
        text += f"; {names[0]} across, {names[1]} up"
    values = sorted(set(t.column(target)))
    kind = (f"{len(values)} classes ({', '.join(values)})" if len(values) <= limits.MAX_CLASSES
            else "a number to predict (a regression)")
    return f"{text}. Target {t.names[target]}: {kind}."
