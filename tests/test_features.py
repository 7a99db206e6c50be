"""nn.features: values worked out by hand, order, 1-D inputs and validation."""
import math

import numpy as np
import pytest

from nn import features

X = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, -1.5]])


def test_names_labels_default():
    assert features.NAMES == ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
    assert features.DEFAULT == ("x1", "x2")
    assert set(features.LABELS) == set(features.NAMES)
    assert features.LABELS["x1"] == "x₁" and features.LABELS["x1^2"] == "x₁²"
    assert features.LABELS["sin(x1)"] == "sin x₁"


def test_all_features_by_hand():
    Z = features.transform(X, features.NAMES)
    expected = [
        [1.0, 2.0, 1.0, 4.0, 2.0, math.sin(1.0), math.sin(2.0)],
        [-3.0, 0.5, 9.0, 0.25, -1.5, math.sin(-3.0), math.sin(0.5)],
        [0.0, -1.5, 0.0, 2.25, -0.0, 0.0, math.sin(-1.5)],
    ]
    assert Z.shape == (3, 7) and Z.dtype == np.float64
    np.testing.assert_allclose(Z, expected, rtol=0, atol=1e-15)


def test_order_follows_names_and_default_is_identity():
    np.testing.assert_array_equal(features.transform(X, ("x1*x2", "x1")),
                                  [[2.0, 1.0], [-1.5, -3.0], [-0.0, 0.0]])
    np.testing.assert_array_equal(features.transform(X), X)
    as_lists = X.astype(np.float32).tolist()
    np.testing.assert_array_equal(features.transform(as_lists, ["x2"]), X[:, 1:])


def test_one_input_allows_only_x1_features():
    x = np.array([[2.0], [-1.0]])
    np.testing.assert_allclose(features.transform(x, ("sin(x1)", "x1^2", "x1")),
                               [[math.sin(2.0), 4.0, 2.0], [math.sin(-1.0), 1.0, -1.0]])
    assert features.available(1) == ("x1", "x1^2", "sin(x1)")
    assert features.available(2) == features.NAMES
    for name in ("x2", "x2^2", "x1*x2", "sin(x2)"):
        allowed = r"with one input, feature .* allowed: x1, x1\^2, sin\(x1\)"
        with pytest.raises(ValueError, match=allowed):
            features.transform(x, ("x1", name))


@pytest.mark.parametrize("names, message", [
    ((), "choose at least one feature"),
    (("x1", "x3"), "unknown feature 'x3' is not allowed; allowed: x1, x2, x1\\^2"),
    (("x1", "x1"), "must not repeat"),
    ("x1", "sequence of names"),
    (None, "sequence of names"),
    (("X1",), "unknown feature 'X1'"),
])
def test_bad_names(names, message):
    with pytest.raises(ValueError, match=message):
        features.transform(X, names)


@pytest.mark.parametrize("bad, message", [
    (np.zeros(3), "shape \\(n, 2\\) or \\(n, 1\\)"),
    (np.zeros((3, 3)), "shape \\(n, 2\\) or \\(n, 1\\)"),
    (np.array([[0.0, np.nan]]), "NaN"),
])
def test_bad_inputs(bad, message):
    with pytest.raises(ValueError, match=message):
        features.transform(bad, ("x1",))


def test_empty_batch_keeps_its_width():
    assert features.transform(np.zeros((0, 2)), ("x1", "x2^2", "sin(x2)")).shape == (0, 3)
