"""A network's saved form: writing it as a JSON-safe dict, and reading it back with every field
checked, so that a damaged file says what is wrong.

`MLP.to_dict` and `MLP.from_dict` call these. This module imports nothing of mlp.py (the class to
build is passed in), so the two never import each other.
"""
import numpy as np

FORMAT = "nn.MLP/1"
REQUIRED = ("sizes", "activation", "output", "params")


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# the type each field must have before the network's own checks read its value
_FIELDS = (
    ("sizes", lambda v: isinstance(v, list) and all(isinstance(x, int) and not isinstance(x, bool) for x in v),
     "a list of whole numbers"),
    ("activation", lambda v: isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)),
     "a name or a list of names"),
    ("output", lambda v: isinstance(v, str), "a name"),
    ("init", lambda v: isinstance(v, str), "a name"),
    ("seed", lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**64),
     "a whole number from 0 to 2^64 − 1"),
    ("bias_init", _number, "a number"),
    ("dropout", _number, "a number"),
    ("negative_slope", _number, "a number"),
    ("rng", lambda v: isinstance(v, dict), "a saved random state (a dict)"),
)


def to_dict(net, optimizer=None):
    """A JSON-safe dict of the architecture, weights, random state (and optimizer state).

    Floats go through json exactly (Python writes the shortest repr that reads back the same
    bits), so `from_dict(MLP, json.loads(json.dumps(d)))` is bit-identical.
    """
    d = {
        "format": FORMAT,
        "sizes": list(net.sizes),
        "activation": list(net.activation),
        "output": net.output,
        "init": net.init,
        "seed": net.seed,
        "bias_init": net.bias_init,
        "dropout": net.dropout,
        "negative_slope": net.negative_slope,
        "params": [p.tolist() for p in net.params],
        "rng": net.rng.bit_generator.state,
    }
    if optimizer is not None:
        d["optimizer"] = optimizer.to_dict()
    return d


def _plain_numbers(value):
    """Whether `value` is a number or nested lists of numbers (True and False are not numbers)."""
    if isinstance(value, list):
        return all(_plain_numbers(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _array(value, shape, what):
    if not _plain_numbers(value):  # text, booleans, objects: a number written as text is damage too
        raise ValueError(f"{what} is not an array of numbers")
    try:
        a = np.array(value)
    except (TypeError, ValueError):  # ragged lists
        raise ValueError(f"{what} is not an array of numbers") from None
    a = a.astype(np.float64)
    if a.shape != shape:
        raise ValueError(f"{what} has shape {a.shape}; the architecture needs {shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{what} contains NaN or inf")
    return a


def from_dict(cls, d):
    """Rebuild a network of class `cls` (MLP) from `to_dict` output, bit for bit, random state
    included."""
    if not isinstance(d, dict):
        raise ValueError(f"a saved network is a dict, got {type(d).__name__}")
    if d.get("format", FORMAT) != FORMAT:
        raise ValueError(f"unknown format {d.get('format')!r}; this engine reads {FORMAT!r}")
    missing = [k for k in REQUIRED if k not in d]
    if missing:
        raise ValueError(f"saved network lacks {', '.join(missing)}")
    for key, ok, allowed in _FIELDS:
        if key in d and not ok(d[key]):
            raise ValueError(f"saved network's {key} is damaged; allowed: {allowed}")
    net = cls(d["sizes"], activation=d["activation"], output=d["output"],
              init=d.get("init", "xavier_uniform"), seed=d.get("seed", 0),
              bias_init=d.get("bias_init", 0.0), dropout=d.get("dropout", 0.0),
              negative_slope=d.get("negative_slope", 0.01))
    if not isinstance(d["params"], list) or len(d["params"]) != len(net.params):
        raise ValueError(f"saved network has {len(d['params']) if isinstance(d['params'], list) else 'no list of'} "
                         f"parameter arrays; the architecture {net.sizes} needs {len(net.params)}")
    for i, (p, saved) in enumerate(zip(net.params, d["params"])):
        what = f"{'W' if i % 2 == 0 else 'b'}{i // 2 + 1}"
        p[...] = _array(saved, p.shape, what)
    if "rng" in d:
        try:
            net.rng.bit_generator.state = d["rng"]
        except (TypeError, ValueError, KeyError, OverflowError) as e:
            raise ValueError(f"saved random state is damaged ({type(e).__name__}: {str(e)[:80]})") from None
    return net
