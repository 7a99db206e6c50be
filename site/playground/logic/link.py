"""The page's setup as the address's hash, and back: `#dataset=moons&hidden=8,8&lr=0.03`.

Made from the config table itself (nn.training.config.KEYS): a key's name in the link is its name
there, only keys that differ from their default are written (the dataset's preset counts as the
default), lists are comma-separated. Reading a link never fails as a whole: each key that cannot
be used is reported on its own (its name, what was given, what is allowed) and the rest applies.
Pure: no js, tested in CPython.
"""
import math
from urllib.parse import parse_qsl, quote

from nn import config as cfg

from . import typed

SAFE = ",.-_"  # kept as they are in a link: lists, numbers and names read as typed


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


def to_hash(config):
    """The link's hash for a full config (without "#"): the keys that differ from the defaults
    the config's dataset brings, in the table's order."""
    full = cfg.resolve(config)
    acts = full["activation"]
    if isinstance(acts, list) and len(set(acts)) == 1:
        full["activation"] = acts[0]  # the same activation in every layer is one name (as the page keeps it)
    base = cfg.resolve({"dataset": full["dataset"]})
    parts = [("dataset", full["dataset"])] if full["dataset"] != cfg.DEFAULTS["dataset"] else []
    parts += [(name, full[name]) for name in cfg.BY_NAME if name != "dataset" and full[name] != base[name]]
    return "&".join(f"{name}={quote(_text(cfg.BY_NAME[name], value), safe=SAFE)}" for name, value in parts)


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
