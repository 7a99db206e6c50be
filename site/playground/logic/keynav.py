"""Choosing a neuron or a weight of the network drawing with the keyboard (pure: tested in CPython).

A cursor is ("node", l, i): neuron i of layer l, or ("edge", l, i, j, end): the weight W[l][i, j],
reached from its neuron at `end` ("to": neuron j of layer l+1, whose incoming weights the arrows run
through; "from": neuron i of the inputs, whose outgoing ones they run through).

    arrows      a neuron: ← → another layer, ↑ ↓ another neuron; a weight: ↑ ↓ the next one
    Enter       on a neuron: its weights; on a weight: edit it (the view opens the editor)
    Escape      from a weight back to its neuron
"""


def start(sizes):
    """The first neuron of the first hidden layer (or of the inputs, for a network without one)."""
    return ("node", 1 if len(sizes) > 2 else 0, 0)


def move(sizes, cursor, key):
    """The cursor after `key`, and whether the key was used ("edit" when Enter is on a weight)."""
    if cursor is None or not valid(sizes, cursor):
        return start(sizes), key in ARROWS + ("Enter",)
    if cursor[0] == "node":
        _, l, i = cursor
        if key in ("ArrowLeft", "ArrowRight"):
            l = max(0, min(len(sizes) - 1, l + (1 if key == "ArrowRight" else -1)))
            return ("node", l, min(i, sizes[l] - 1)), True
        if key in ("ArrowUp", "ArrowDown"):
            return ("node", l, max(0, min(sizes[l] - 1, i + (1 if key == "ArrowDown" else -1)))), True
        if key == "Enter":
            return (("edge", l - 1, 0, i, "to") if l > 0 else ("edge", 0, i, 0, "from")), True
        return cursor, False
    _, l, i, j, end = cursor
    if key in ("ArrowUp", "ArrowDown"):
        step = 1 if key == "ArrowDown" else -1
        if end == "to":
            return ("edge", l, (i + step) % sizes[l], j, end), True
        return ("edge", l, i, (j + step) % sizes[l + 1], end), True
    if key == "Escape":
        return (("node", l + 1, j) if end == "to" else ("node", l, i)), True
    if key == "Enter":
        return cursor, "edit"
    return cursor, False


ARROWS = ("ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown")


def valid(sizes, cursor):
    """True when the cursor names a neuron or a weight of a network of these sizes."""
    if cursor[0] == "node":
        _, l, i = cursor
        return 0 <= l < len(sizes) and 0 <= i < sizes[l]
    _, l, i, j, _end = cursor
    return 0 <= l < len(sizes) - 1 and 0 <= i < sizes[l] and 0 <= j < sizes[l + 1]
