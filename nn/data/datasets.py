"""Toy datasets a small network can learn while you watch, and the real handwritten digits.

    ds = load("spiral", n=300, noise=0.05, seed=0, arms=3)
    ds.X_train  (n_train, d) float64     ds.y_train  (n_train,) int64 labels | float64 targets
    ds.X_test   (n_test, d)  float64     ds.y_test   (n_test,)

The plane: every 2-D (and 1-D) input lies in [-3, 3] per coordinate, LIMIT = 3.0, so the page
draws one fixed square. Regression targets lie in [-1, 1]. Noisy points are clipped back into range.

Noise (0 <= noise <= MAX_NOISE, from nn.limits; None -> the dataset's default in DEFAULTS):
  classification  std of Gaussian jitter added to each input coordinate, in input units;
                  for "clusters" the blobs are that jitter around their centres.
  regression      std of Gaussian noise added to the target (target units).
  digits          std of Gaussian noise added to each pixel intensity (0..1 units).
The jitter is always drawn, so changing only the noise moves the same points further; it does
not redraw them, and the train/test split stays the same.

n: MIN_POINTS <= n <= MAX_POINTS (nn.limits) and at least 2 per class for the synthetic sets
(None -> default). For "digits", 20 <= n <= 1797 (None -> all 1797); fewer takes a
class-stratified random subset.
"digits" also takes path= (the .npz file; None -> searched, see nn.digits.candidate_paths).

Randomness: one numpy Generator, default_rng(seed), makes the points, then shuffles and splits
them. Same arguments give bit-identical arrays. Classification datasets have balanced classes
(counts differ by at most one) and the split is stratified: each class is split by train_fraction.
"""
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Callable, NamedTuple

import numpy as np

from . import digits as _digits
from .. import limits

LIMIT = 3.0
EXTENT = ((-LIMIT, LIMIT), (-LIMIT, LIMIT))
MAX_N = limits.MAX_POINTS      # the limits themselves live in nn.limits
MAX_NOISE = limits.MAX_NOISE
PARAM_RANGES = {"arms": (2, 5), "classes": (2, 5), "cells": (2, 8)}


@dataclass(frozen=True)
class Dataset:
    """A dataset split into train and test. X: (n, d) float64; y: (n,) int64 or float64.

    extent: ((x1_lo, x1_hi), (x2_lo, x2_hi)) of the plane to draw; for 1-D data
    ((x_lo, x_hi), (y_lo, y_hi)) of input and target; None for digits (64 pixel inputs).
    params: the resolved arguments (n, noise, seed, train_fraction and extras).

    Your own data ("custom", nn.data.custom and nn.data.table) keeps its values as the learner
    gave them (a table's own units) and says how they go onto the plane, where the network sees
    them: plane = (value - mean) / std per input (`scale`) and for a regression target
    (`target_scale`); () means as they are. `extent` is in plane units; the plane draws the first
    two inputs and holds any others at their mean (0 on the plane). `class_names[k]` names class
    k; `target_name` the target column.
    """
    name: str
    kind: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    extent: tuple | None
    input_names: tuple
    params: dict = field(default_factory=dict)
    class_names: tuple = ()
    target_name: str = ""
    scale: tuple = ()          # ((mean, std), ...) one per input, or ()
    target_scale: tuple = ()   # (mean, std) of a regression target, or ()

    def plane_inputs(self, X):
        """Inputs (n, d) in the data's own units -> plane units, what the network is given."""
        if not self.scale:
            return X
        mean, std = np.array(self.scale, dtype=np.float64).T
        return (X - mean) / std

    def plane_targets(self, y):
        """Targets or labels (n,) -> what the network learns (a regression target standardized)."""
        if not self.target_scale:
            return y
        mean, std = self.target_scale
        return (y - mean) / std

    def own_inputs(self, P):
        """Plane units (n, d) -> the data's own units (the inverse of plane_inputs)."""
        if not self.scale:
            return np.asarray(P, dtype=np.float64)
        mean, std = np.array(self.scale, dtype=np.float64).T
        return np.asarray(P, dtype=np.float64) * std + mean

    def own_target(self, t):
        """A regression target in plane units -> the data's own units."""
        if not self.target_scale:
            return t
        mean, std = self.target_scale
        return t * std + mean


# ---- clean shapes: each returns X (n, d) before noise and y (n,) ----

def _counts(n, k):
    """Balanced class sizes: k counts summing to n, differing by at most one."""
    return [n // k + (c < n % k) for c in range(k)]


def _labels(n, k):
    return np.repeat(np.arange(k), _counts(n, k))


_CORNERS = np.array([[-2.0, -2.0], [-2.0, 2.0], [2.0, -2.0], [2.0, 2.0]])
_GATES = {"xor": (0, 1, 1, 0), "and": (0, 0, 0, 1), "or": (0, 1, 1, 1)}


def _gate(name):
    """Corners (+-2, +-2) with -2 = false, +2 = true. Each class gets n/2 points, shared in turn
    by its corners (so for "and" the one true corner carries as many points as the other three)."""
    truth = np.array(_GATES[name])

    def make(rng, n):
        y = _labels(n, 2)
        X = np.empty((n, 2))
        for c in (0, 1):
            corners = _CORNERS[truth == c]
            idx = np.flatnonzero(y == c)
            X[idx] = corners[np.arange(idx.size) % len(corners)]
        return X, y
    return make


def _circle(rng, n):
    """Class 0: uniform disc of radius 1. Class 1: uniform ring 2 <= r <= 2.8."""
    y = _labels(n, 2)
    u = rng.random(n)
    r = np.where(y == 0, np.sqrt(u), np.sqrt(4.0 + u * (2.8**2 - 4.0)))
    t = rng.uniform(0.0, 2 * np.pi, n)
    return np.column_stack([r * np.cos(t), r * np.sin(t)]), y


def _moons(rng, n):
    """Two interleaving half circles (scikit-learn's shape), scaled by 1.8 and centred."""
    y = _labels(n, 2)
    t = rng.uniform(0.0, np.pi, n)
    x1 = np.where(y == 0, np.cos(t), 1.0 - np.cos(t))
    x2 = np.where(y == 0, np.sin(t), 0.5 - np.sin(t))
    return 1.8 * np.column_stack([x1 - 0.5, x2 - 0.25]), y


def _spiral(rng, n, arms):
    """Arm c: r = 0.5 + 2.3 t, angle = 2 pi (c / arms + turns t), t in [0, 1].
    turns = 3.5 / arms (1.75 for two arms), so neighbouring arms are always 0.66 apart.
    r is drawn with density proportional to r, so points are spread evenly along each arm."""
    y = _labels(n, arms)
    r = np.sqrt(0.5**2 + rng.random(n) * (2.8**2 - 0.5**2))
    t = (r - 0.5) / 2.3
    angle = 2 * np.pi * (y / arms + 3.5 / arms * t)
    return np.column_stack([r * np.cos(angle), r * np.sin(angle)]), y


def _linear(rng, n):
    """Uniform in [-2.8, 2.8]^2, split by a line through the origin at a random angle, with no
    point closer than 0.5 to the line. Class 1 lies on the side the normal points to."""
    y = _labels(n, 2)
    a = rng.uniform(0.0, np.pi)
    normal = np.array([np.cos(a), np.sin(a)])
    X = np.empty((n, 2))
    for c, sign in ((0, -1.0), (1, 1.0)):
        idx = np.flatnonzero(y == c)
        got = np.empty((0, 2))
        while len(got) < idx.size:
            p = rng.uniform(-2.8, 2.8, (2 * idx.size + 8, 2))
            got = np.vstack([got, p[sign * (p @ normal) >= 0.5]])
        X[idx] = got[:idx.size]
    return X, y


def _clusters(rng, n, classes):
    """Blob centres on a circle of radius 2, the first at the top; blob spread is the noise."""
    y = _labels(n, classes)
    angle = np.pi / 2 + 2 * np.pi * y / classes
    return 2.0 * np.column_stack([np.cos(angle), np.sin(angle)]), y


def _quadrants(rng, n):
    """Class = quadrant, counter-clockwise from (+, +): 0 (+,+), 1 (-,+), 2 (-,-), 3 (+,-).
    Points keep 0.3 away from the axes."""
    y = _labels(n, 4)
    signs = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]])[y]
    return signs * rng.uniform(0.3, 2.8, (n, 2)), y


def _checkerboard(rng, n, cells):
    """A cells x cells board over [-3, 3]^2; class = (row + col) % 2. Points keep 10% of a cell
    away from its borders. Each class picks its cells uniformly, so classes stay balanced."""
    y = _labels(n, 2)
    width = 2 * LIMIT / cells
    ij = np.empty((n, 2), dtype=np.int64)
    for c in (0, 1):
        idx = np.flatnonzero(y == c)
        own = np.argwhere((np.add.outer(np.arange(cells), np.arange(cells)) % 2) == c)
        ij[idx] = own[rng.integers(0, len(own), idx.size)]
    inside = rng.uniform(0.1, 0.9, (n, 2))
    X = -LIMIT + width * (ij[:, ::-1] + inside)   # column -> x1, row -> x2
    return X, y


def _sine(rng, n):
    """y = sin(x), x uniform in [-3, 3]."""
    x = rng.uniform(-LIMIT, LIMIT, (n, 1))
    return x, np.sin(x[:, 0])


def _plane(rng, n):
    """y = (x1 + 2 x2) / 9: in [-1, 1] on the square, reaching +-1 at two corners."""
    X = rng.uniform(-LIMIT, LIMIT, (n, 2))
    return X, (X[:, 0] + 2 * X[:, 1]) / 9.0


# (height, centre x1, centre x2, width) of each bump
_BUMPS = np.array([[1.0, -1.2, 1.0, 0.8], [-1.0, 1.2, -1.0, 0.8],
                   [0.7, 1.5, 1.6, 0.6], [-0.7, -1.6, -1.5, 0.7]])


def _bumps(X):
    h, c1, c2, w = _BUMPS.T
    d2 = (X[:, :1] - c1) ** 2 + (X[:, 1:] - c2) ** 2
    return (h * np.exp(-d2 / (2 * w**2))).sum(axis=1)


_g = np.linspace(-LIMIT, LIMIT, 121)
_BUMPS_MAX = np.abs(_bumps(np.stack(np.meshgrid(_g, _g), -1).reshape(-1, 2))).max()


def _gaussians(rng, n):
    """y = sum of four Gaussian bumps (two up, two down), divided by its max |y| on the plane."""
    X = rng.uniform(-LIMIT, LIMIT, (n, 2))
    return X, np.clip(_bumps(X) / _BUMPS_MAX, -1.0, 1.0)


class Spec(NamedTuple):
    """One dataset: its name in the page's menu, its defaults, and the function that makes it."""

    label: str
    defaults: dict         # n, noise, and its own parameters (see PARAM_RANGES)
    make: Callable = None  # (rng, n, **params) -> X (n, d) before noise, y (n,); None: the digits
    regression: bool = False


SPECS = {
    "xor": Spec("XOR", {"n": 200, "noise": 0.25}, _gate("xor")),
    "and": Spec("AND", {"n": 200, "noise": 0.25}, _gate("and")),
    "or": Spec("OR", {"n": 200, "noise": 0.25}, _gate("or")),
    "circle": Spec("Circle", {"n": 200, "noise": 0.1}, _circle),
    "moons": Spec("Moons", {"n": 200, "noise": 0.08}, _moons),
    "spiral": Spec("Spiral", {"n": 800, "noise": 0.04, "arms": 2}, _spiral),  # enough points to generalize: ≥ 97% test at the stop
    "linear": Spec("Linearly separable", {"n": 200, "noise": 0.1}, _linear),
    "clusters": Spec("Gaussian clusters", {"n": 200, "noise": 0.25, "classes": 3}, _clusters),
    "quadrants": Spec("Quadrants (4 classes)", {"n": 200, "noise": 0.05}, _quadrants),
    "checkerboard": Spec("Checkerboard", {"n": 200, "noise": 0.03, "cells": 4}, _checkerboard),
    "sine": Spec("Regression: sine", {"n": 200, "noise": 0.0}, _sine, regression=True),
    "plane": Spec("Regression: plane", {"n": 200, "noise": 0.0}, _plane, regression=True),
    "gaussians": Spec("Regression: bumps", {"n": 300, "noise": 0.0}, _gaussians, regression=True),
    "digits": Spec("Handwritten digits (8x8)", {"n": _digits.N_SAMPLES, "noise": 0.0}),
    # points you draw or a table you open: nn.data.custom makes it, not load()
    "custom": Spec("Your own", {"n": 12, "noise": 0.0}),
}
NAMES = tuple(SPECS)
BUILT_IN = tuple(name for name in NAMES if name != "custom")  # made by a maker from n, noise and a seed
LABELS = {name: spec.label for name, spec in SPECS.items()}
DEFAULTS = {name: spec.defaults for name, spec in SPECS.items()}
REGRESSION = tuple(name for name, spec in SPECS.items() if spec.regression)


def max_n(name):
    """The most points dataset `name` can have."""
    return _digits.N_SAMPLES if name == "digits" else MAX_N


# ---- validation ----

def _check_int(what, value, lo, hi):
    ok = isinstance(value, Integral) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not ok or not lo <= value <= hi:
        raise ValueError(f"{what} must be an integer with {lo} <= {what} <= {hi}, got {value!r}")
    return int(value)


def _check_real(what, value, lo, hi, open_interval=False):
    ok = isinstance(value, Real) and not isinstance(value, bool) and np.isfinite(value)
    inside = ok and ((lo < value < hi) if open_interval else (lo <= value <= hi))
    if not inside:
        sign = "<" if open_interval else "<="
        raise ValueError(f"{what} must be a number with {lo} {sign} {what} {sign} {hi}, "
                         f"got {value!r}")
    return float(value)


def _n_classes(name, extra):
    if name in REGRESSION:
        return 0
    return {"spiral": extra.get("arms"), "clusters": extra.get("classes"), "quadrants": 4,
            "digits": 10}.get(name, 2)


# ---- splitting ----

def _split(rng, y, n_train, stratified):
    """Shuffled train and test indices. Stratified: each class contributes ~its share to train
    (each sample is ranked by its place within its shuffled class, so counts are off by <= 1)."""
    n = len(y)
    order = rng.permutation(n)
    if stratified:
        rank = np.empty(n)
        for c in np.unique(y):
            idx = order[y[order] == c]
            rank[idx] = (np.arange(idx.size) + 0.5) / idx.size
        order = order[np.argsort(rank[order], kind="stable")]
    train, test = order[:n_train], order[n_train:]
    return rng.permutation(train), rng.permutation(test)


def load(name, n=None, noise=None, seed=0, train_fraction=0.8, **params):
    """Make dataset `name` (one of NAMES); None for n, noise or a param means its default."""
    if name not in BUILT_IN:
        if name == "custom":
            raise ValueError("your own data is not made from n, noise and a seed: see nn.data.custom "
                             "(custom.starter() gives the points drawing starts from)")
        raise ValueError(f"unknown dataset {name!r}; allowed: {', '.join(BUILT_IN)}")
    defaults = DEFAULTS[name]
    path = params.pop("path", None) if name == "digits" else None
    allowed = [k for k in defaults if k not in ("n", "noise")]
    for key in params:
        if key not in allowed:
            names = allowed + (["path"] if name == "digits" else [])
            raise ValueError(f"dataset {name!r} has no parameter {key!r}; allowed: "
                             f"{', '.join(names) or 'none'}")
    extra = {k: _check_int(k, defaults[k] if params.get(k) is None else params[k],
                           *PARAM_RANGES[k]) for k in allowed}
    k = _n_classes(name, extra)
    min_n = max(limits.MIN_POINTS, 2 * k)
    n = _check_int("n", defaults["n"] if n is None else n, min_n, max_n(name))
    noise = _check_real("noise", defaults["noise"] if noise is None else noise, 0.0, MAX_NOISE)
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    train_fraction = _check_real("train_fraction", train_fraction, 0.0, 1.0, open_interval=True)

    rng = np.random.default_rng(seed)
    if name == "digits":
        X, y = _digits_subset(rng, n, noise, path)
        extent, input_names = None, _digits.PIXEL_NAMES
    else:
        X, y = SPECS[name].make(rng, n, **extra)
        jitter = rng.standard_normal(y.shape if k == 0 else X.shape)
        if k == 0:
            y = np.clip(y + noise * jitter, -1.0, 1.0)
        else:
            X = np.clip(X + noise * jitter, -LIMIT, LIMIT)
        if X.shape[1] == 1:
            extent, input_names = ((-LIMIT, LIMIT), (-1.0, 1.0)), ("x1",)
        else:
            extent, input_names = EXTENT, ("x1", "x2")

    n_train = min(max(round(n * train_fraction), 1), n - 1)
    train, test = _split(rng, y, n_train, stratified=k > 0)
    y = y.astype(np.int64 if k else np.float64)
    X = X.astype(np.float64)
    resolved = {"n": n, "noise": noise, "seed": int(seed), "train_fraction": train_fraction,
                **extra}
    return Dataset(name, "regression" if k == 0 else "classification",
                   X[train], y[train], X[test], y[test], k, extent, input_names, resolved)


def _digits_subset(rng, n, noise, path):
    """The real digits as (n, 64) intensities in [0, 1] (pixel count / 16) and labels."""
    images, labels = _digits.load(path)
    X = images / 16.0
    jitter = rng.standard_normal(X.shape)
    X = np.clip(X + noise * jitter, 0.0, 1.0)
    if n < len(labels):
        keep, _ = _split(rng, labels, n, stratified=True)
        X, labels = X[np.sort(keep)], labels[np.sort(keep)]
    return X, labels
