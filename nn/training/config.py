"""The training configuration: one table of keys, their types, limits and defaults.

A config is a plain JSON-safe dict (the page's whole setup). This table both
validates it and fills in defaults, so nothing about a key is written down twice. Each key has a
scope, which says what changing it mid-run means:

    data   new data, new network         (dataset, noise, seed, ...)
    model  same data, new network        (hidden layers, activation, features, ...)
    train  same weights, training goes on (learning rate, optimizer settings, batch size, ...)

Changing the optimizer itself keeps the weights and starts its state afresh.
"""
import reprlib
from dataclasses import dataclass
from numbers import Integral, Real

from ..core import activations, init, losses, optim, schedules
from ..data import datasets, features
from .. import limits

_ANY = object()


@dataclass(frozen=True)
class Key:
    name: str
    type: str            # "int", "float", "bool", "choice", "ints", "names"
    default: object
    scope: str           # "data", "model" or "train"
    lo: float = None
    hi: float = None
    choices: tuple = ()
    optional: bool = False  # None is allowed and means "the dataset's (or output's) own"
    help: str = ""
    max_len: int = None  # "ints": the longest list allowed


def optimizer_keys():
    """One key per optimizer setting, from the optimizers' own records (nn.optim SETTINGS): its
    default is the one the optimizers share, or None, "the optimizer's own", where they differ."""
    found = {}
    for cls in optim.OPTIMIZERS.values():
        for s in cls.SETTINGS:
            found.setdefault(s.key, []).append((cls.name, s))
    keys = []
    for name, owned in found.items():
        first = owned[0][1]
        if any((s.kind, s.lo, s.hi) != (first.kind, first.lo, first.hi) for _, s in owned):
            raise ValueError(f"optimizers disagree on the type or range of {name!r}")  # a bug in nn.optim
        shared = len({s.default for _, s in owned}) == 1
        helps = list(dict.fromkeys(s.help for _, s in owned))  # each different help once, in order
        help_ = "; ".join(helps)
        keys.append(Key(name, first.kind, first.default if shared else None, "train", first.lo, first.hi,
                        optional=not shared, help=help_ if shared else f"default: the optimizer's own ({help_})"))
    return keys


KEYS = (
    # data
    Key("dataset", "choice", "spiral", "data", choices=datasets.NAMES, help="which problem to learn"),
    Key("n", "int", None, "data", limits.MIN_POINTS, limits.MAX_POINTS, optional=True, help="number of points"),
    Key("noise", "float", None, "data", 0.0, limits.MAX_NOISE, optional=True, help="jitter of the points"),
    Key("train_fraction", "float", 0.8, "data", *limits.TRAIN_FRACTION, help="share of points used for training"),
    Key("arms", "int", None, "data", *datasets.PARAM_RANGES["arms"], optional=True,
        help="spiral: number of arms (classes)"),
    Key("classes", "int", None, "data", *datasets.PARAM_RANGES["classes"], optional=True,
        help="clusters: number of classes"),
    Key("cells", "int", None, "data", *datasets.PARAM_RANGES["cells"], optional=True,
        help="checkerboard: cells per side"),
    Key("seed", "int", 0, "data", 0, limits.MAX_SEED, help="seeds the data, the initial weights and the shuffling"),
    # model
    Key("features", "names", None, "model", choices=features.NAMES, optional=True,
        help="input features computed from x1, x2 (2-D data only)"),
    Key("hidden", "ints", [8, 8], "model", 1, limits.MAX_CONFIG_WIDTH, max_len=limits.MAX_HIDDEN_LAYERS,
        help=f"neurons in each hidden layer (0 to {limits.MAX_HIDDEN_LAYERS} layers)"),
    Key("activation", "names", "tanh", "model", choices=activations.NAMES,
        help="one activation, or one per hidden layer"),
    Key("leaky_slope", "float", 0.01, "model", 0.0, 0.99, help="leaky_relu's slope below 0"),
    Key("output", "choice", None, "model", choices=losses.HEADS, optional=True,
        help="output head (default: sigmoid for 2 classes, softmax for more, linear for regression)"),
    Key("loss", "choice", None, "model", choices=losses.LOSSES, optional=True, help="default: the output's own"),
    Key("init", "choice", "xavier_uniform", "model", choices=init.NAMES, help="weight initialisation"),
    # training: optimizer and its settings (each optimizer reads the ones it has)
    Key("optimizer", "choice", "adam", "train", choices=optim.NAMES),
    Key("lr", "float", 0.01, "train", 0.0, 100.0, help="learning rate"),
    *optimizer_keys(),
    Key("schedule", "choice", "constant", "train", choices=schedules.NAMES, help="learning-rate schedule, per epoch"),
    Key("step_size", "int", 100, "train", 1, 10**6, help="step schedule: epochs between decays"),
    Key("gamma", "float", 0.5, "train", 0.0, 1.0, help="step/exponential schedule: decay factor"),
    Key("T_max", "int", 500, "train", 1, 10**6, help="cosine schedule: epochs of a half period"),
    Key("eta_min", "float", 0.0, "train", 0.0, 100.0, help="cosine schedule: lowest learning rate"),
    Key("start_factor", "float", 1 / 3, "train", 1e-8, 1.0, help="linear schedule: first factor"),
    Key("end_factor", "float", 1.0, "train", 0.0, 1.0, help="linear schedule: last factor"),
    Key("total_iters", "int", 100, "train", 1, 10**6, help="linear schedule: epochs to go from first to last"),
    Key("batch_size", "int", 32, "train", 1, limits.MAX_POINTS, help="samples per step (larger than the data: full batch)"),
    Key("l1", "float", 0.0, "train", 0.0, 1.0, help="L1 penalty rate: adds l1·Σ|w|"),
    Key("l2", "float", 0.0, "train", 0.0, 1.0, help="L2 penalty rate: adds ½·l2·Σw²"),
    Key("dropout", "float", 0.0, "train", 0.0, 0.9, help="chance of dropping a hidden neuron in training"),
    Key("augment", "bool", False, "train",
        help="digits only: each epoch the training digits come slanted, turned, stretched, thicker or thinner, "
             "as drawings on a pad vary, with scribbles labelled at random, so the network learns to be unsure of them"),
    # when to stop, and what to keep
    Key("converge_loss", "float", None, "train", 0.0, 10.0, optional=True,
        help="converged once the training loss is below this (default 1e-3; regression 1e-5)"),
    Key("converge_confidence", "float", 0.95, "train", 0.5, 1.0,
        help="converged once every training point is right with this confidence ..."),
    Key("converge_patience", "int", 50, "train", 1, 10**6, help="... for this many epochs in a row"),
    Key("snapshot_every", "int", 10, "train", 1, 10**6,
        help="keep the weights every this many epochs (and of each of the first 100)"),
    Key("max_snapshots", "int", 200, "train", 2, 5000,
        help="snapshots kept at most after the first 100 epochs (older ones are thinned)"),
)
BY_NAME = {k.name: k for k in KEYS}
DEFAULTS = {k.name: k.default for k in KEYS}

# A good run for each dataset: applied for the keys the user did not set. Widths stay within the
# page's (limits.max_width of the dataset).
PRESETS = {
    "xor": {"hidden": [4]},
    "and": {"hidden": [2]},
    "or": {"hidden": [2]},
    "circle": {"hidden": [8]},
    "moons": {"hidden": [8, 8]},
    "spiral": {"hidden": [8, 8, 8, 8]},
    "linear": {"hidden": []},
    "clusters": {"hidden": [8]},
    "quadrants": {"hidden": [8, 8]},
    "checkerboard": {"hidden": [8, 8, 8], "lr": 0.03},
    "sine": {"hidden": [8, 8], "batch_size": 16},
    "plane": {"hidden": [4]},
    "gaussians": {"hidden": [8, 8]},
    # digits: varied each epoch (augment), so the loss on the digits as written levels off above the
    # classification default: the run stops once it is below 0.015 (after 55 to 80 epochs, seeds 0-9)
    "digits": {"hidden": [64, 64], "activation": "relu", "init": "kaiming_uniform", "lr": 0.01, "schedule": "step",
               "step_size": 50, "gamma": 0.5, "augment": True, "converge_loss": 0.015},
    "custom": {"hidden": [8, 8]},
}


_SHORT = reprlib.Repr()  # a refusal never echoes a huge value: 8 items of a list, 40 characters of a string
_SHORT.maxlist = _SHORT.maxtuple = 8
_SHORT.maxstring = _SHORT.maxother = 40


def _fail(key, value, allowed):
    raise ValueError(f"{key.name} = {_SHORT.repr(value)} is not allowed; allowed: {allowed}")


def _range_text(key):
    if key.type in ("int", "ints"):  # whole numbers in full: 4294967295, not 4.29497e+09
        return f"{int(key.lo)} to {int(key.hi)}"
    return f"{key.lo:g} to {key.hi:g}"


def check_value(key, value):
    """`value` checked (and normalised: tuples to lists, ints to floats) for `key`."""
    if value is None and key.optional:
        return None
    t = key.type
    if t == "bool":
        if not isinstance(value, bool):
            _fail(key, value, "true or false")
        return value
    if t == "int":
        if isinstance(value, bool) or not isinstance(value, Integral) or not key.lo <= value <= key.hi:
            _fail(key, value, f"a whole number from {_range_text(key)}")
        return int(value)
    if t == "float":
        if isinstance(value, bool) or not isinstance(value, Real) or not key.lo <= value <= key.hi:
            _fail(key, value, f"a number from {_range_text(key)}")
        return float(value)
    if t == "choice":
        if value not in key.choices:
            _fail(key, value, ", ".join(key.choices))
        return value
    if t == "ints":
        if not isinstance(value, (list, tuple)) or len(value) > key.max_len or not all(
                isinstance(v, Integral) and not isinstance(v, bool) and key.lo <= v <= key.hi for v in value):
            _fail(key, value, f"a list of 0 to {key.max_len} whole numbers, each {_range_text(key)}")
        return [int(v) for v in value]
    # "names": one name, or a list of them
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not all(isinstance(v, str) for v in names):
        _fail(key, value, "a name or a list of names from " + ", ".join(key.choices))
    for v in names:
        if v not in key.choices:
            _fail(key, v, ", ".join(key.choices))
    return value if isinstance(value, str) else list(names)


def resolve(config=None):
    """The full config: every key present, checked, the dataset's preset under what was given."""
    config = {} if config is None else config
    if not isinstance(config, dict):
        raise ValueError(f"a config is a dict of settings, got {type(config).__name__}")
    unknown = sorted(set(config) - set(BY_NAME))
    if unknown:
        raise ValueError(f"unknown setting(s) {', '.join(map(repr, unknown))}; "
                         f"allowed: {', '.join(BY_NAME)}")
    dataset = check_value(BY_NAME["dataset"], config.get("dataset", DEFAULTS["dataset"]))
    full = {**DEFAULTS, **PRESETS[dataset], **config}
    resolved = {name: check_value(BY_NAME[name], full[name]) for name in BY_NAME}
    if resolved["augment"] and dataset != "digits":
        raise ValueError(f"augment = true is not allowed for {dataset}; allowed: false (augmenting varies "
                         "the digits' images as drawings vary, and applies to the digits only)")
    return resolved


def changed(config):
    """[(name, value)]: the dataset, then each setting that differs from the defaults that dataset
    brings, in the table's order (what a link writes and an export names; `resolve` of them gives
    the config back). The same activation in every layer counts as that one name."""
    full = resolve(config)
    acts = full["activation"]
    if isinstance(acts, list) and len(set(acts)) == 1:
        full["activation"] = acts[0]
    base = resolve({"dataset": full["dataset"]})
    return [("dataset", full["dataset"])] + [(name, full[name]) for name in BY_NAME
                                              if name != "dataset" and full[name] != base[name]]


def scope_of_change(old, new):
    """The widest scope among the keys whose values differ: None, "train", "model" or "data"."""
    changed = {BY_NAME[k].scope for k in BY_NAME if old.get(k) != new.get(k)}
    for scope in ("data", "model", "train"):
        if scope in changed:
            return scope
    return None
