"""nn.datasets: shapes, ranges, balance, determinism, splits, validation and learnability."""
import dataclasses
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nn import datasets

SYNTHETIC = [n for n in datasets.BUILT_IN if n != "digits"]  # "custom" is tested in test_own_data.py
CLASSIFICATION = [n for n in SYNTHETIC if n not in datasets.REGRESSION]
REGRESSION = ["sine", "plane", "gaussians"]


def both(ds):
    """All samples of a dataset: X (n, d), y (n,)."""
    return np.vstack([ds.X_train, ds.X_test]), np.concatenate([ds.y_train, ds.y_test])


def test_names_and_defaults():
    assert datasets.NAMES == ("xor", "and", "or", "circle", "moons", "spiral", "linear",
                              "clusters", "quadrants", "checkerboard", "sine", "plane",
                              "gaussians", "digits", "custom")
    assert datasets.BUILT_IN == datasets.NAMES[:-1]
    assert set(datasets.DEFAULTS) == set(datasets.NAMES)
    for name, d in datasets.DEFAULTS.items():
        assert {"n", "noise"} <= set(d), name
        assert 0 <= d["noise"] <= datasets.MAX_NOISE
    assert datasets.DEFAULTS["spiral"]["arms"] == 2
    assert datasets.DEFAULTS["clusters"]["classes"] == 3
    assert datasets.DEFAULTS["checkerboard"]["cells"] == 4
    assert datasets.DEFAULTS["sine"]["noise"] == 0


def test_dataset_is_frozen():
    ds = datasets.load("xor")
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.name = "or"


@pytest.mark.parametrize("name", datasets.BUILT_IN)
def test_shapes_dtypes_and_metadata(name):
    ds = datasets.load(name)
    n = datasets.DEFAULTS[name]["n"]
    d = {"sine": 1, "digits": 64}.get(name, 2)
    assert ds.name == name
    assert ds.X_train.shape == (round(0.8 * n), d) and ds.X_test.shape == (n - round(0.8 * n), d)
    assert ds.X_train.dtype == ds.X_test.dtype == np.float64
    assert len(ds.input_names) == d
    if name in REGRESSION:
        assert ds.kind == "regression" and ds.n_classes == 0
        assert ds.y_train.dtype == ds.y_test.dtype == np.float64
    else:
        assert ds.kind == "classification"
        assert ds.y_train.dtype == ds.y_test.dtype == np.int64
        assert set(np.unique(both(ds)[1])) == set(range(ds.n_classes))
    assert ds.y_train.shape == (len(ds.X_train),) and ds.y_test.shape == (len(ds.X_test),)
    if name == "digits":
        assert ds.extent is None and ds.n_classes == 10
    elif name == "sine":
        assert ds.extent == ((-3.0, 3.0), (-1.0, 1.0)) and ds.input_names == ("x1",)
    else:
        assert ds.extent == ((-3.0, 3.0), (-3.0, 3.0)) and ds.input_names == ("x1", "x2")
    assert ds.params["n"] == n and ds.params["seed"] == 0


@pytest.mark.parametrize("name", SYNTHETIC)
@pytest.mark.parametrize("noise", [None, 0.0, 1.0])
def test_inputs_in_plane_and_targets_in_unit_range(name, noise):
    X, y = both(datasets.load(name, noise=noise, n=1000))
    assert np.isfinite(X).all() and np.isfinite(y).all()
    assert X.min() >= -3.0 and X.max() <= 3.0
    if name in REGRESSION:
        assert y.min() >= -1.0 and y.max() <= 1.0


@pytest.mark.parametrize("name, params", [(n, {}) for n in CLASSIFICATION]
                         + [("spiral", {"arms": a}) for a in (3, 4, 5)]
                         + [("clusters", {"classes": c}) for c in (2, 4, 5)]
                         + [("checkerboard", {"cells": 3})] + [("digits", {})])
@pytest.mark.parametrize("n", [None, 203])
def test_classes_balanced_in_both_splits(name, params, n):
    ds = datasets.load(name, n=n if name != "digits" else None, **params)
    k = ds.n_classes
    for y in (both(ds)[1], ds.y_train, ds.y_test):
        counts = np.bincount(y, minlength=k)
        share = len(y) / k
        # synthetic classes differ by at most one; the real digits by their own few per cent
        tolerance = 0.05 * share + 1 if name == "digits" else 0.02 * share + 1.5
        assert np.all(np.abs(counts - share) <= tolerance), (len(y), counts)


@pytest.mark.parametrize("name", datasets.BUILT_IN)
def test_same_seed_bit_identical_other_seed_different(name):
    a, b, c = (datasets.load(name, seed=s) for s in (7, 7, 8))
    for field in ("X_train", "y_train", "X_test", "y_test"):
        assert getattr(a, field).tobytes() == getattr(b, field).tobytes()
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("name", SYNTHETIC)
def test_noise_moves_the_same_points(name):
    """Changing only the noise keeps the split and the labels; points move by the jitter."""
    quiet, loud = datasets.load(name, noise=0.0), datasets.load(name, noise=0.5)
    if name in REGRESSION:
        np.testing.assert_array_equal(quiet.X_train, loud.X_train)
        assert not np.array_equal(quiet.y_train, loud.y_train)
    else:
        np.testing.assert_array_equal(quiet.y_train, loud.y_train)
        assert not np.array_equal(quiet.X_train, loud.X_train)


@pytest.mark.parametrize("fraction", [0.01, 0.1, 0.5, 0.75, 0.8, 0.99])
@pytest.mark.parametrize("name", ["xor", "spiral", "sine", "gaussians"])
def test_split_sizes_follow_train_fraction(name, fraction):
    ds = datasets.load(name, n=200, train_fraction=fraction)
    assert len(ds.y_train) == min(max(round(200 * fraction), 1), 199)
    assert len(ds.y_train) + len(ds.y_test) == 200
    assert len(ds.y_test) >= 1


def test_split_has_no_duplicates_and_is_shuffled():
    ds = datasets.load("clusters", n=300)
    X, _ = both(ds)
    assert len(np.unique(X, axis=0)) == 300
    assert not np.all(np.diff(ds.y_train) >= 0), "train labels come out sorted"


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(SYNTHETIC), n=st.integers(10, 400), seed=st.integers(0, 2**32),
       fraction=st.floats(0.05, 0.95), noise=st.floats(0.0, 1.0))
def test_invariants_hold_for_any_arguments(name, n, seed, fraction, noise):
    ds = datasets.load(name, n=n, noise=noise, seed=seed, train_fraction=fraction)
    X, y = both(ds)
    assert len(y) == n and len(ds.y_train) == min(max(round(n * fraction), 1), n - 1)
    assert -3.0 <= X.min() and X.max() <= 3.0
    if ds.kind == "classification":
        counts = np.bincount(y, minlength=ds.n_classes)
        assert counts.max() - counts.min() <= 1
    else:
        assert -1.0 <= y.min() and y.max() <= 1.0


# ---- validation: every parameter, with a message that says what is allowed ----

@pytest.mark.parametrize("kwargs, message", [
    ({"name": "spirals"}, "unknown dataset 'spirals'; allowed: xor"),
    ({"name": "xor", "n": 3}, "4 <= n <= 5000"),
    ({"name": "xor", "n": 5001}, "4 <= n <= 5000"),
    ({"name": "xor", "n": 20.5}, "n must be an integer"),
    ({"name": "xor", "n": "100"}, "n must be an integer"),
    ({"name": "xor", "n": True}, "n must be an integer"),
    ({"name": "spiral", "n": 9, "arms": 5}, "10 <= n <= 5000"),
    ({"name": "digits", "n": 1798}, "20 <= n <= 1797"),
    ({"name": "circle", "noise": -0.1}, "0.0 <= noise <= 1.0"),
    ({"name": "circle", "noise": 1.01}, "0.0 <= noise <= 1.0"),
    ({"name": "circle", "noise": float("nan")}, "noise must be a number"),
    ({"name": "circle", "noise": "low"}, "noise must be a number"),
    ({"name": "moons", "train_fraction": 0.0}, "0.0 < train_fraction < 1.0"),
    ({"name": "moons", "train_fraction": 1.0}, "0.0 < train_fraction < 1.0"),
    ({"name": "moons", "train_fraction": -0.5}, "0.0 < train_fraction < 1.0"),
    ({"name": "moons", "seed": -1}, "seed must be a non-negative integer"),
    ({"name": "moons", "seed": 1.5}, "seed must be a non-negative integer"),
    ({"name": "spiral", "arms": 1}, "2 <= arms <= 5"),
    ({"name": "spiral", "arms": 6}, "2 <= arms <= 5"),
    ({"name": "spiral", "arms": 2.5}, "arms must be an integer"),
    ({"name": "clusters", "classes": 1}, "2 <= classes <= 5"),
    ({"name": "clusters", "classes": 6}, "2 <= classes <= 5"),
    ({"name": "checkerboard", "cells": 1}, "2 <= cells <= 8"),
    ({"name": "checkerboard", "cells": 9}, "2 <= cells <= 8"),
    ({"name": "xor", "arms": 3}, "dataset 'xor' has no parameter 'arms'; allowed: none"),
    ({"name": "spiral", "classes": 3}, "no parameter 'classes'; allowed: arms"),
])
def test_bad_arguments_raise_value_error_naming_the_allowed(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        datasets.load(**kwargs)


def test_whole_floats_and_numpy_ints_are_accepted():
    a = datasets.load("spiral", n=np.int64(120), arms=3.0, seed=np.int64(2))
    b = datasets.load("spiral", n=120, arms=3, seed=2)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert a.n_classes == 3 and a.params["arms"] == 3


# ---- the shapes themselves ----

def _truth(name, X):
    """The rule each dataset is drawn from, worked out by hand."""
    x1, x2 = X[:, 0], X[:, 1]
    if name == "xor":
        return ((x1 > 0) != (x2 > 0)).astype(int)
    if name == "and":
        return ((x1 > 0) & (x2 > 0)).astype(int)
    if name == "or":
        return ((x1 > 0) | (x2 > 0)).astype(int)
    if name == "circle":
        return (np.hypot(x1, x2) > 1.5).astype(int)
    if name == "quadrants":
        return np.select([(x1 > 0) & (x2 > 0), x2 > 0, x1 < 0], [0, 1, 2], 3)
    if name == "checkerboard":
        return (np.floor((x1 + 3) / 1.5) + np.floor((x2 + 3) / 1.5)).astype(int) % 2


@pytest.mark.parametrize("name", ["xor", "and", "or", "circle", "quadrants", "checkerboard"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_labels_follow_the_rule_at_default_noise(name, seed):
    X, y = both(datasets.load(name, seed=seed))
    np.testing.assert_array_equal(_truth(name, X), y)


def test_gates_sit_on_the_corners():
    X, y = both(datasets.load("xor", noise=0.0, n=8))
    corners = {(a, b): int((a > 0) != (b > 0)) for a in (-2, 2) for b in (-2, 2)}
    assert sorted(map(tuple, X.astype(int).tolist())) == sorted(list(corners) * 2)
    assert all(corners[tuple(p)] == c for p, c in zip(X.astype(int).tolist(), y))


def _leave_one_out_1nn(X, y):
    d = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    return np.mean(y[d.argmin(1)] == y), np.sqrt(d[y[:, None] != y[None, :]].min())


@pytest.mark.parametrize("name, params, min_gap", [
    ("xor", {}, 2.0), ("and", {}, 2.0), ("or", {}, 2.0), ("circle", {}, 0.5), ("moons", {}, 0.4),
    ("spiral", {}, 0.3), ("spiral", {"arms": 3}, 0.25), ("spiral", {"arms": 5}, 0.2),
    ("linear", {}, 0.6), ("clusters", {}, 1.5), ("clusters", {"classes": 5}, 0.8),
    ("quadrants", {}, 0.4), ("checkerboard", {}, 0.2)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_default_noise_keeps_classes_apart(name, params, min_gap, seed):
    """Learnable: no two points of different classes closer than min_gap, and every point's
    nearest neighbour has its class (except on the sparse checkerboard, where the rule test above
    holds instead, and at the sparse centre of 3+ arm spirals, where >= 99% is asked for)."""
    X, y = both(datasets.load(name, seed=seed, **params))
    accuracy, gap = _leave_one_out_1nn(X, y)
    assert gap >= min_gap
    if name != "checkerboard":
        assert accuracy >= (0.99 if params.get("arms", 2) > 2 else 1.0)


@pytest.mark.parametrize("name", ["xor", "circle", "moons", "quadrants"])
def test_small_mlp_learns_defaults(name):
    sklearn_nn = pytest.importorskip("sklearn.neural_network")
    ds = datasets.load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = sklearn_nn.MLPClassifier((8,), activation="tanh", solver="lbfgs", max_iter=2000,
                                       random_state=0).fit(ds.X_train, ds.y_train)
    assert net.score(ds.X_train, ds.y_train) == 1.0


def test_sine_is_exact_and_learnable():
    ds = datasets.load("sine")
    np.testing.assert_array_equal(ds.y_train, np.sin(ds.X_train[:, 0]))
    sklearn_nn = pytest.importorskip("sklearn.neural_network")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = sklearn_nn.MLPRegressor(hidden_layer_sizes=(16, 16), activation="tanh",
                                      solver="lbfgs", max_iter=5000, tol=1e-10,
                                      random_state=0).fit(ds.X_train, ds.y_train)
    rmse = np.sqrt(np.mean((net.predict(ds.X_train) - ds.y_train) ** 2))
    assert rmse <= 0.01


def test_plane_and_gaussians_targets():
    X, y = both(datasets.load("plane"))
    np.testing.assert_allclose(y, (X[:, 0] + 2 * X[:, 1]) / 9)
    X, y = both(datasets.load("gaussians", n=2000))
    assert y.min() < -0.9 and y.max() > 0.9, "bumps reach both signs and the full range"
    near_up = np.hypot(X[:, 0] + 1.2, X[:, 1] - 1.0)          # the +1 bump's centre
    near_down = np.hypot(X[:, 0] - 1.2, X[:, 1] + 1.0)        # the -1 bump's centre
    assert y[near_up < 0.2].min() > 0.8 and y[near_down < 0.2].max() < -0.8


def test_digits_dataset_and_subsets():
    ds = datasets.load("digits")
    X, y = both(ds)
    assert X.shape == (1797, 64) and 0.0 <= X.min() and X.max() == 1.0
    np.testing.assert_array_equal(X * 16, np.round(X * 16))
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    small = datasets.load("digits", n=500, train_fraction=0.5)
    assert len(small.y_train) == len(small.y_test) == 250
    assert np.bincount(both(small)[1]).min() >= 47
    noisy = both(datasets.load("digits", noise=0.3))[0]
    assert 0.0 <= noisy.min() and noisy.max() <= 1.0 and not np.array_equal(noisy, X)
