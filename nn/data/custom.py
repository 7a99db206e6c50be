"""Your own data: points you put on the plane, or a table you open (nn.data.table), as a Dataset
named "custom". Every function here returns a new Dataset; none changes the one it is given.

    ds = custom.starter(seed=0, train_fraction=0.8)  # a few points to start from
    ds = custom.edit_copy(datasets.load("moons"))    # "edit these points": a built-in set, now yours
    ds = custom.add(ds, (0.5, -1.2), 1)              # a click at plane point (0.5, -1.2): class 1
    ds = custom.add(ds, (0.5, 0.3))                  # one input, a regression: the point (x, y)
    ds = custom.remove(ds, mask)                     # erase: mask (n,) over all points, train first
    custom.check(ds)                                 # ValueError unless a session can learn it

Values are kept in the data's own units; Dataset.scale says how they go onto the plane, and a
click's plane point is turned back into the data's units (inputs not drawn: their mean).

Which points are held out for testing: each point draws its own number u in [0, 1) from its values
and the seed (a hash of their bits), and is a test point when u >= train_fraction. So adding or
erasing a point moves no other point between the splits, and about the training share of the points
train. With two points or more, each split keeps at least one (the point of the highest u tests,
or of the lowest trains). A split given with the data (a table's split column, a saved session) is
kept until the training share or the seed changes: then `resplit` draws it afresh.
"""
import numpy as np

from .. import limits
from .datasets import EXTENT, Dataset

MAX_INPUTS = limits.MAX_TABLE_INPUTS
MAX_CLASSES = limits.MAX_CLASSES

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL1, _MUL2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(z):
    """splitmix64's finaliser: every bit of z (uint64 array) stirred into every bit of the result."""
    z = (z ^ (z >> np.uint64(30))) * _MUL1
    z = (z ^ (z >> np.uint64(27))) * _MUL2
    return z ^ (z >> np.uint64(31))


def draws(X, y, seed):
    """Each point's own number u in [0, 1): a hash of its values' bits and the seed.  (n,)"""
    rows = np.column_stack([np.asarray(X, np.float64).reshape(len(y), -1), np.asarray(y, np.float64)])
    bits = np.ascontiguousarray(rows).view(np.uint64)
    with np.errstate(over="ignore"):  # the hash wraps around on purpose
        h = _mix(np.full(len(rows), np.uint64(seed) * _GOLDEN, np.uint64) + _GOLDEN)
        for k in range(bits.shape[1]):
            h = _mix(h ^ bits[:, k])
    return (h >> np.uint64(11)).astype(np.float64) / 2.0**53


def split_mask(u, train_fraction):
    """Test points: u >= train_fraction, with at least one point in each split (given two)."""
    test = np.asarray(u) >= train_fraction
    if len(test) >= 2:
        if test.all():
            test[np.argmin(u)] = False
        elif not test.any():
            test[np.argmax(u)] = True
    return test


def points(ds):
    """All points of a dataset, train first: X (n, d) in its own units, y (n,), test (n,) bool."""
    X = np.concatenate([ds.X_train, ds.X_test])
    y = np.concatenate([ds.y_train, ds.y_test])
    test = np.arange(len(y)) >= len(ds.y_train)
    return X, y, test


def _with_points(ds, X, y, test, **changes):
    """`ds` (or its fields changed) holding these points, train points first, each split in order."""
    X = np.asarray(X, np.float64).reshape(len(y), ds.X_train.shape[1])
    y = np.asarray(y, np.int64 if ds.kind == "classification" else np.float64)
    test = np.asarray(test, bool)
    params = {"seed": 0, "train_fraction": 0.8, **ds.params, "n": int(len(y)), "noise": 0.0,
              **changes.pop("params", {})}
    fields = {**vars(ds), "name": "custom", "X_train": X[~test], "y_train": y[~test],
              "X_test": X[test], "y_test": y[test], "params": params, **changes}
    return Dataset(**fields)


def resplit(ds, train_fraction, seed):
    """The same points split afresh by the training share and the seed."""
    X, y, _ = points(ds)
    test = split_mask(draws(X, y, seed), train_fraction)
    return _with_points(ds, X, y, test, params={"seed": int(seed), "train_fraction": float(train_fraction)})


def drawn(X, y, test, kind="classification", n_classes=2, extent=None):
    """Points drawn on the plane as your own data: X (n, 1 or 2) in plane units, y (n,) classes
    (n_classes of them, named "0", "1", ...) or targets, test (n,) which are test points."""
    X = np.asarray(X, np.float64).reshape(len(y), -1)
    d = X.shape[1]
    if extent is None:
        extent = ((-3.0, 3.0), (-1.0, 1.0)) if d == 1 and kind == "regression" else EXTENT
    classes = kind == "classification"
    names = tuple(str(k) for k in range(n_classes)) if classes else ()
    empty = Dataset("custom", kind, np.empty((0, d)), np.empty(0, np.int64 if classes else np.float64),
                    np.empty((0, d)), np.empty(0, np.int64 if classes else np.float64),
                    n_classes if classes else 0, extent, ("x1", "x2")[:d], {}, class_names=names,
                    target_name="label" if classes else "y")
    return _with_points(empty, X, y, test)


def starter(seed=0, train_fraction=0.8):
    """A few points to start drawing from: two small groups, class 0 left and class 1 right."""
    offsets = np.array([[0.0, 0.0], [0.5, 0.4], [-0.4, 0.5], [0.3, -0.5], [-0.5, -0.3], [0.1, 0.9]])
    X = np.vstack([offsets + [-1.5, 0.0], -offsets + [1.5, 0.0]])
    y = np.repeat([0, 1], len(offsets))
    return resplit(drawn(X, y, np.zeros(len(y), bool)), train_fraction, seed)


def edit_copy(ds):
    """A built-in set (or your own) as your own data: the same points, the same split, the same
    plane, now yours to edit. Digits have no plane to draw on and cannot be."""
    if ds.extent is None or ds.X_train.shape[1] > 2:
        raise ValueError(f"the {ds.name} data has {ds.X_train.shape[1]} inputs and no plane to draw "
                         f"on; your own points have 1 or 2 inputs")
    if ds.name == "custom":
        return ds
    X, y, test = points(ds)
    kind = ds.kind
    names = tuple(str(k) for k in range(ds.n_classes)) if kind == "classification" else ()
    return _with_points(ds, X, y, test, class_names=names,
                        target_name="label" if kind == "classification" else "y",
                        scale=(), target_scale=(), params={"n": int(len(y))})


def drawn_inputs(ds):
    """How many of the inputs the plane draws: 1 (a curve over x) or 2."""
    return min(ds.X_train.shape[1], 2)


def add(ds, point, value=None):
    """`ds` with one more point at `point` in plane units: (x1, x2) with class or target `value`
    (plane units), or for one input (x, y). Inputs the plane does not draw are at their mean.
    A class beyond the data's classes adds that class (named by its number). Its split is its
    own draw (see the module's docstring)."""
    point = np.asarray(point, np.float64).reshape(-1)
    d = ds.X_train.shape[1]
    one_d = d == 1
    if point.shape != (2,) or not np.isfinite(point).all():
        raise ValueError(f"a point on the plane is 2 finite numbers, got {point.tolist()}")
    X, y, test = points(ds)
    if len(y) >= limits.MAX_POINTS:
        raise ValueError(f"your own data has {len(y):,} points already; at most {limits.MAX_POINTS:,} are allowed")
    plane = np.zeros(d)
    plane[:min(d, 2)] = point[:min(d, 2)]
    x = ds.own_inputs(plane[None, :])[0]
    changes = {}
    if ds.kind == "regression":
        target = point[1] if one_d else value
        if isinstance(target, bool) or not isinstance(target, (int, float, np.floating, np.integer)) \
                or not np.isfinite(target):
            raise ValueError(f"a point's value is a finite number, got {target!r}")
        label = float(ds.own_target(float(target)))
    else:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < MAX_CLASSES:
            raise ValueError(f"class {value!r} is not allowed; allowed: a class from 0 to {MAX_CLASSES - 1}")
        label = int(value)
        if label >= ds.n_classes:
            names = tuple(ds.class_names) + tuple(str(k) for k in range(len(ds.class_names), label + 1))
            changes = {"n_classes": label + 1, "class_names": names}
    X, y = np.vstack([X, x]), np.append(y, label)
    p = ds.params
    u = draws(X[-1:], y[-1:], p.get("seed", 0))[0]
    test = np.append(test, u >= p.get("train_fraction", 0.8))
    return _with_points(ds, X, y, _keep_both(test, X, y, p), **changes)


def _keep_both(test, X, y, params):
    """The split with a point of each kind, given two points: a side left empty takes the point
    whose own draw is nearest to it."""
    if len(test) >= 2 and (test.all() or not test.any()):
        return split_mask(draws(X, y, params.get("seed", 0)), params.get("train_fraction", 0.8))
    return test


def remove(ds, which):
    """`ds` without the points `which` marks: (n,) bool over all points, train first."""
    X, y, test = points(ds)
    which = np.asarray(which, bool)
    if which.shape != y.shape:
        raise ValueError(f"which points to remove: {len(y)} true/false values, got shape {which.shape}")
    keep = ~which
    return _with_points(ds, X[keep], y[keep], _keep_both(test[keep], X[keep], y[keep], ds.params))


def clear(ds):
    """`ds` with no points (drawing starts again on the same plane, with the same classes)."""
    return remove(ds, np.ones(len(ds.y_train) + len(ds.y_test), bool))


def check(ds):
    """ValueError, saying what is wrong and what is allowed, unless a session can learn `ds`."""
    if not isinstance(ds, Dataset) or ds.name != "custom":
        raise ValueError(f"your own data is a Dataset named 'custom', got {type(ds).__name__}")
    n_train, n_test, d = len(ds.y_train), len(ds.y_test), ds.X_train.shape[1]
    n = n_train + n_test
    if n < limits.MIN_OWN_POINTS or not n_train or not n_test:
        raise ValueError(f"your own data needs at least {limits.MIN_OWN_POINTS} points, one to train on "
                         f"and one to test on; it has {n_train} training and {n_test} test points")
    if n > limits.MAX_POINTS:
        raise ValueError(f"your own data has {n:,} points; at most {limits.MAX_POINTS:,} are allowed")
    if not 1 <= d <= MAX_INPUTS or ds.X_test.shape[1] != d or len(ds.input_names) != d:
        raise ValueError(f"your own data has 1 to {MAX_INPUTS} inputs, each named; got {d} "
                         f"with {len(ds.input_names)} names")
    if ds.scale and len(ds.scale) != d:
        raise ValueError(f"the scale has {len(ds.scale)} entries for {d} inputs")
    if any(not (np.isfinite(m) and np.isfinite(s) and s > 0) for m, s in (*ds.scale, *([ds.target_scale]
                                                                                    if ds.target_scale else []))):
        raise ValueError("a scale is (mean, std) with a finite mean and a positive finite std")
    for X in (ds.X_train, ds.X_test):
        if not np.isfinite(X).all():
            raise ValueError("your own data's inputs must be finite numbers")
    if ds.extent is None:
        raise ValueError("your own data needs the plane's extent")
    if ds.kind == "classification":
        k = ds.n_classes
        if not 2 <= k <= MAX_CLASSES or len(ds.class_names) != k:
            raise ValueError(f"your own classes are 2 to {MAX_CLASSES}, each named; got {k} "
                             f"with {len(ds.class_names)} names")
        for y in (ds.y_train, ds.y_test):
            if y.dtype.kind != "i" or (len(y) and (y.min() < 0 or y.max() >= k)):
                raise ValueError(f"class labels are whole numbers from 0 to {k - 1}")
    elif ds.kind == "regression":
        if not (np.isfinite(ds.y_train).all() and np.isfinite(ds.y_test).all()):
            raise ValueError("your own data's targets must be finite numbers")
    else:
        raise ValueError(f"kind {ds.kind!r} is not allowed; allowed: classification, regression")
    return ds


# -- carried in a file (the saved session) ------------------------------------------------------------

FIELDS = ("kind", "n_classes", "X_train", "y_train", "X_test", "y_test", "extent", "input_names",
          "params", "class_names", "target_name", "scale", "target_scale")


def to_dict(ds):
    """Your own data as a JSON-safe dict of its fields (floats exact: json writes Python's shortest
    repr, which reads back the same bits). from_dict reads it back."""
    out = {}
    for name in FIELDS:
        value = getattr(ds, name)
        out[name] = value.tolist() if isinstance(value, np.ndarray) else value
    out["extent"] = [list(pair) for pair in ds.extent]
    out["scale"] = [list(pair) for pair in ds.scale]
    out["target_scale"] = list(ds.target_scale)
    out["input_names"], out["class_names"] = list(ds.input_names), list(ds.class_names)
    return out


def from_dict(d):
    """The Dataset `to_dict` wrote, checked (check()); ValueError naming the field that is wrong."""
    if not isinstance(d, dict) or set(d) != set(FIELDS):
        raise ValueError(f"your own data is a dict of the fields {', '.join(FIELDS)}")
    try:
        kind = d["kind"]
        classes = kind == "classification"
        d_in = len(d["input_names"])
        arrays = {}
        for name in ("X_train", "X_test"):
            a = np.array(d[name], dtype=np.float64)
            arrays[name] = a.reshape(len(a), d_in) if a.size or a.ndim == 2 else np.empty((0, d_in))
        for name in ("y_train", "y_test"):
            a = np.array(d[name], dtype=np.float64)
            if classes and not np.array_equal(a, np.round(a)):
                raise ValueError(f"{name} holds classes, whole numbers")
            arrays[name] = a.astype(np.int64) if classes else a
        ds = Dataset("custom", kind, arrays["X_train"], arrays["y_train"], arrays["X_test"], arrays["y_test"],
                     int(d["n_classes"]), tuple(tuple(float(v) for v in pair) for pair in d["extent"]),
                     tuple(str(n) for n in d["input_names"]), dict(d["params"]),
                     class_names=tuple(str(n) for n in d["class_names"]), target_name=str(d["target_name"]),
                     scale=tuple(tuple(float(v) for v in pair) for pair in d["scale"]),
                     target_scale=tuple(float(v) for v in d["target_scale"]))
    except (TypeError, ValueError, KeyError) as e:
        raise ValueError(f"your own data cannot be read: {e}") from None
    return check(ds)
