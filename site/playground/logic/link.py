"""The page's setup as the address's hash, and back: `#dataset=moons&hidden=8,8&lr=0.03`.

Made from the config table itself (nn.training.config.KEYS): a key's name in the link is its name
there, only keys that differ from their default are written (the dataset's preset counts as the
default), lists are comma-separated. Reading a link never fails as a whole: each key that cannot
be used is reported on its own (its name, what was given, what is allowed) and the rest applies.

Two more keys make a class link: `hide=optimizer,lr,step` names the controls and panels students
do not see (their settings still apply), `note=` a short note shown at the top of the page, as
plain text. Pure: no js, tested in CPython.
"""
import math
from typing import NamedTuple
from urllib.parse import parse_qsl, quote

import numpy as np

from nn import config as cfg, limits, optim
from nn.data import custom

from . import typed

SAFE = ",.-_"  # kept as they are in a link: lists, numbers and names read as typed
HIDE, NOTE = "hide", "note"  # the classroom keys
NOTE_MAX = 300  # characters: a note is a line or two for the class, not a worksheet
SHOWN_NAMES = 8  # wrong hide= names a message repeats


class Control(NamedTuple):
    """A part of the page a class link can hide: its name in `hide=`, its label, its group."""
    name: str
    label: str
    group: str


def _optimizer_controls():
    """One control per optimizer setting the page offers, from the optimizers' own records."""
    seen = {}
    for opt in optim.OPTIMIZERS.values():
        for s in opt.SETTINGS:
            if s.shown:
                seen.setdefault(s.key, Control(s.key, s.label, "Optimizer settings"))
    return tuple(seen.values())


# The page's controls by the config key they set (Regularization sets l1 or l2: "penalty", as on
# the page; Output sets output and loss), then the controls and areas that set none. The panels
# are named by panels.PANELS, passed in (logic imports no page module).
CONTROLS = (
    Control("dataset", "Dataset (untick to keep the class on this one)", "Data"),
    Control("noise", "Noise", "Data"),
    Control("n", "Points", "Data"),
    Control("train_fraction", "Training share", "Data"),
    Control("seed", "Seed and New data", "Data"),
    Control("features", "Features", "Data"),
    Control("hidden", "Hidden layers and neurons", "Network"),
    Control("activation", "Activations", "Network"),
    Control("output", "Output and loss", "Network"),
    Control("optimizer", "Optimizer", "Training"),
    Control("lr", "Learning rate", "Training"),
    Control("schedule", "Schedule", "Training"),
    Control("batch_size", "Batch size", "Training"),
    Control("penalty", "Regularization and its rate", "Training"),
    Control("dropout", "Dropout", "Training"),
    Control("speed", "Speed", "Training"),
    *_optimizer_controls(),
    Control("carry", "Copy link, Save, Open and export buttons", "Page"),
)


def _text(key, value):
    """One value as the link writes it."""
    if value is None:
        return ""
    if key.type == "bool":
        return "true" if value else "false"
    if key.type in ("ints", "names") and isinstance(value, list):
        return ",".join(str(v) for v in value)
    if key.type == "float":
        return repr(float(value))  # the shortest text that reads back as the same float
    return str(value)


def to_hash(config, hide=(), note=""):
    """The link's hash for a full config (without "#"): the keys that differ from the defaults
    the config's dataset brings, in the table's order; then what a class link hides (names in
    the order given) and its note."""
    parts = [(name, value) for name, value in cfg.changed(config)
             if name != "dataset" or value != cfg.DEFAULTS["dataset"]]  # the opening dataset goes unsaid
    texts = [(name, quote(_text(cfg.BY_NAME[name], value), safe=SAFE)) for name, value in parts]
    if hide:
        texts.append((HIDE, quote(",".join(hide), safe=SAFE)))
    if note:
        texts.append((NOTE, quote(note, safe="")))  # (a "+" would read back as a space)
    return "&".join(f"{name}={text}" for name, text in texts)


def _number(text, whole):
    """A whole number as the page's boxes read one (typed.whole_number: digits only), or a
    finite number; ValueError for anything else."""
    if whole:
        value = typed.whole_number(text)
        if not isinstance(value, int):
            raise ValueError
        return value
    value = float(text)  # ValueError for text that is no number (also "nan" and "inf", below)
    if not math.isfinite(value):
        raise ValueError
    return value


def _value(key, text):
    """A value of `key` from its text in a link; ValueError if it cannot be one of its type."""
    if text == "" and key.optional and key.type not in ("ints", "names"):
        return None  # (an empty list is written empty too: a list key's None is never written)
    if key.type == "bool":
        if text.lower() not in ("true", "false", "1", "0"):
            raise ValueError
        return text.lower() in ("true", "1")
    if key.type in ("int", "float"):
        return _number(text, key.type == "int")
    if key.type == "ints":
        return [_number(t, True) for t in text.split(",")] if text else []
    if key.type == "names":
        names = text.split(",") if text else []
        return names[0] if len(names) == 1 and key.name == "activation" else names
    return text


def from_hash(text):
    """(changes, problems) from a link's hash (with or without "#"): the keys that can be used,
    as a config dict, and one sentence for each that cannot."""
    changes, problems = {}, []
    for name, raw in parse_qsl(text.lstrip("#"), keep_blank_values=True):
        if name in (HIDE, NOTE, POINTS):
            continue  # read by classroom() and points_from_hash()
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        key = cfg.BY_NAME.get(name)
        if key is None:
            problems.append(f"the link's {name[:40]!r} is not a setting; settings are {', '.join(cfg.BY_NAME)}")
            continue
        try:
            value = _value(key, raw)
        except ValueError:
            problems.append(f"the link's {name} = {shown!r} is not allowed; allowed: {_allowed(key)}")
            continue
        try:
            changes[name] = cfg.check_value(key, value)
        except ValueError as e:
            problems.append(f"the link's {e}")
    return changes, problems


def _allowed(key):
    if key.type == "bool":
        return "true or false"
    if key.type == "int":
        return f"a whole number from {int(key.lo)} to {int(key.hi)}"
    if key.type == "ints":
        return f"whole numbers from {int(key.lo)} to {int(key.hi)}, separated by commas"
    if key.type == "float":
        return f"a number from {key.lo:g} to {key.hi:g}"
    return ", ".join(key.choices)


def hideable(panels):
    """Every name `hide=` takes, in the page's order: the controls, then the panels."""
    return tuple(c.name for c in CONTROLS) + tuple(panels)


def clean_note(text):
    """(note, problem): the note as the page shows it (no blank lines around it, at most
    NOTE_MAX characters) and, when it had to be cut, one sentence saying so (else None)."""
    note = text.strip()
    if len(note) <= NOTE_MAX:
        return note, None
    return note[:NOTE_MAX].rstrip(), (f"the link's note is {len(note)} characters long; a note holds at most "
                                      f"{NOTE_MAX}, so only its first {NOTE_MAX} are shown")


def classroom(text, panels):
    """(hide, note, problems) from a link's hash: the names of what to hide, in hideable(panels)'s
    order; the note as clean_note leaves it; one sentence for the hide= names that name nothing
    on the page and one for a note that was cut. `panels`: the panels' names (panels.PANELS)."""
    allowed = hideable(panels)
    asked, note, problems = set(), "", []
    for name, raw in parse_qsl(text.lstrip("#"), keep_blank_values=True):
        if name == HIDE:
            asked.update(n for n in raw.split(",") if n)  # several hide= add up; empty items are no names
        elif name == NOTE:
            note = raw  # the last one, as with any key
    unknown = sorted(asked - set(allowed))
    if unknown:
        named = ", ".join(repr(typed.shown(n)) for n in unknown[:SHOWN_NAMES])
        more = f" and {len(unknown) - SHOWN_NAMES} more" if len(unknown) > SHOWN_NAMES else ""
        problems.append(f"the link's hide= names {named}{more}, which the page does not have to hide; "
                        f"it can hide: {', '.join(allowed)}")
    note, cut = clean_note(note)
    if cut:
        problems.append(cut)
    return tuple(n for n in allowed if n in asked), note, problems


# -- your own points in the link (nn.data.custom): `points=c3:1.25,-0.5,1_0.3,2.1,0t` --------------------

POINTS = "points"
DECIMALS = 2  # a hundredth of the plane's unit: under a pixel of a 600-pixel plane six units wide


def _short(v):
    s = repr(round(float(v), DECIMALS) + 0.0)
    return s[:-2] if s.endswith(".0") else s


def points_to_text(data):
    """Points drawn on the plane as the link's `points` value: the kind ("c" and the number of
    classes, or "r"), then each point's numbers (x1, x2 and its class or value; or x, y) rounded
    to two decimals, "t" after a test point. None for data the link does not carry: a table (its
    names and scale travel in a saved file) or more than MAX_LINK_POINTS points."""
    n = len(data.y_train) + len(data.y_test)
    if data.name != "custom" or data.scale or data.target_scale or data.X_train.shape[1] > 2 \
            or n > limits.MAX_LINK_POINTS or not n:
        return None
    if data.kind == "classification" and data.class_names != tuple(str(k) for k in range(data.n_classes)):
        return None
    head = f"c{data.n_classes}" if data.kind == "classification" else "r"
    rows = []
    for X, y, mark in ((data.X_train, data.y_train, ""), (data.X_test, data.y_test, "t")):
        for x, v in zip(X, y):
            rows.append(",".join([*(_short(a) for a in x), str(int(v)) if head != "r" else _short(v)]) + mark)
    return f"{head}:{'_'.join(rows)}"


def points_from_text(text):
    """(Dataset, problem): your own points from a link's `points` value, or (None, a sentence
    saying what is wrong and what is allowed)."""
    allowed = ("points are written c<classes>:x1,x2,class_... or r:x,y_..., at most "
               f"{limits.MAX_LINK_POINTS} of them, a t after each test point")
    head, _, body = text.partition(":")
    rows = [r for r in body.split("_") if r] if body else []
    try:
        kind = "regression" if head == "r" else "classification"
        n_classes = 0 if head == "r" else int(head[1:]) if head[:1] == "c" and head[1:].isdigit() else -1
        if not (head == "r" or 2 <= n_classes <= limits.MAX_CLASSES) or not rows or len(rows) > limits.MAX_LINK_POINTS:
            raise ValueError
        test = [r.endswith("t") for r in rows]
        values = [[float(v) for v in r.rstrip("t").split(",")] for r in rows]
        width = len(values[0])
        if width not in (2, 3) or any(len(v) != width for v in values) or not np.isfinite(values).all():
            raise ValueError
        values = np.array(values)
        X, y = values[:, :-1], values[:, -1]
        if kind == "regression" and width == 2:  # one input: the points are (x, y)
            pass
        elif kind == "classification":
            if width != 3 or np.any(y != np.round(y)) or y.min() < 0 or y.max() >= n_classes:
                raise ValueError
            y = y.astype(np.int64)
        data = custom.check(custom.drawn(X, y, np.array(test), kind, n_classes))
    except (ValueError, OverflowError):
        shown = text if len(text) <= 40 else text[:40] + "…"
        return None, f"the link's points = {shown!r} are not allowed; allowed: {allowed}"
    return data, None


def points_part(data):
    """`points=...` for the link's hash, or "" when the link does not carry these points."""
    text = None if data is None else points_to_text(data)
    return "" if text is None else f"{POINTS}={quote(text, safe=SAFE)}"


def points_from_hash(text):
    """(Dataset or None, problem or None) from a link's hash: its `points`, if it has them."""
    for name, raw in parse_qsl(text.lstrip("#"), keep_blank_values=True):
        if name == POINTS:
            return points_from_text(raw)
    return None, None
