"""Backpropagation against central differences: the independent truth is the loss itself."""
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings, strategies as st

from nn import MLP, activations, gradcheck
from nn.core.gradcheck import numeric_gradient
from tests.helpers import KINKED, PAIRS, make_targets, min_abs_preactivation, outputs_for

REL_TOL = 1e-9
ABS_TOL = 1e-8
KINK_MARGIN = 1e-2  # differences reaching 2ε = 2e-4 (times |x| up to ~20) must not straddle z = 0


@pytest.mark.parametrize("output,loss", PAIRS)
@pytest.mark.parametrize("activation", activations.NAMES)
def test_backprop_matches_central_differences(activation, output, loss):
    rng = np.random.default_rng(7)
    k = outputs_for(output)
    for attempt in range(20):  # redraw data that lands on a kink, rather than hide it
        X = rng.normal(size=(12, 3))
        net = MLP([3, 5, 4, k], activation=activation, output=output, init="xavier_normal", seed=attempt)
        if activation not in KINKED or min_abs_preactivation(net, X) > KINK_MARGIN:
            break
    Y = make_targets(output, loss, 12, k, rng)
    result = gradcheck(net, X, Y, loss, l1=1e-3, l2=1e-2)
    assert result <= REL_TOL, f"{activation}/{output}/{loss}: {result!r}"
    assert result.max_abs_error <= ABS_TOL, f"ours {result.analytic} vs numeric {result.numeric} at {result.worst}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    hidden=st.lists(st.integers(1, 6), min_size=0, max_size=3),
    n_in=st.integers(1, 4),
    n=st.integers(1, 10),
    activation=st.sampled_from(activations.NAMES),
    pair=st.sampled_from(PAIRS),
    seed=st.integers(0, 2**31 - 1),
    scale=st.floats(0.1, 4.0),
)
# large relu activations make L''' large: the two-point difference was off by 2e-9 here
@example(hidden=[2], n_in=3, n=6, activation="relu", pair=("softmax", "cross_entropy"), seed=3636298, scale=3.0)
@example(hidden=[3, 1], n_in=1, n=3, activation="relu", pair=("softmax", "cross_entropy"), seed=3, scale=1.0)
@example(hidden=[], n_in=1, n=1, activation="linear", pair=("sigmoid", "mse"), seed=865, scale=4.0)
def test_property_random_architectures(hidden, n_in, n, activation, pair, seed, scale):
    output, loss = pair
    rng = np.random.default_rng(seed)
    k = outputs_for(output)
    X = scale * rng.normal(size=(n, n_in))
    net = MLP([n_in, *hidden, k], activation=activation, output=output, seed=seed)
    if activation in KINKED:
        assume(min_abs_preactivation(net, X) > KINK_MARGIN)  # a kink is skipped, and counted by hypothesis
    Y = make_targets(output, loss, n, k, rng)
    result = gradcheck(net, X, Y, loss)
    value, grads = net.loss_and_grads(X, Y, loss, train=False)
    g_norm = np.sqrt(sum((g * g).sum() for g in grads))
    # Any finite difference rounds L to ~1e-16·L, so ĝ carries ~1e-16·L/ε = 1e-12·L of noise.
    # Where the gradient is so small (a dead relu, a saturated sigmoid) that this noise alone is
    # over 1e-10 of it, a 1e-9 relative error is out of float64's reach: there the absolute
    # error is checked instead, at the rounding level. hypothesis counts these cases.
    if 1e-12 * max(1.0, value) > 1e-10 * g_norm:
        event("gradient below the finite-difference floor: absolute check")
        assert result.max_abs_error <= 1e-10, repr(result)
        return
    assert result <= REL_TOL, repr(result)
    assert result.max_abs_error <= ABS_TOL, repr(result)


def test_gradcheck_catches_a_wrong_derivative(monkeypatch):
    """The check can fail: tanh' written as 1 − a (instead of 1 − a²) is caught."""
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(10, 2)), (rng.random(10) > 0.5).astype(float)
    net = MLP([2, 4, 1], activation="tanh", seed=0)
    broken = activations.ACTIVATIONS["tanh"]._replace(df=lambda z, a: 1.0 - a)
    net.acts[0] = broken
    assert gradcheck(net, X, Y) > 1e-3


def test_reports_where_the_gradient_is_worst():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(8, 2)), rng.integers(0, 2, 8).astype(float)
    net = MLP([2, 3, 1], seed=1)
    result = gradcheck(net, X, Y)
    i, idx = result.worst
    _, grads = net.loss_and_grads(X, Y, train=False)
    numeric = numeric_gradient(net, X, Y, params=[i])[0]
    assert result.analytic == grads[i][idx]
    assert result.numeric == numeric[idx]


def test_numeric_gradient_leaves_weights_untouched():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(5, 2)), rng.integers(0, 2, 5).astype(float)
    net = MLP([2, 3, 1], seed=1)
    before = [p.copy() for p in net.params]
    numeric_gradient(net, X, Y)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.params))


def test_bad_eps():
    net = MLP([2, 1])
    with pytest.raises(ValueError, match="eps"):
        gradcheck(net, np.zeros((1, 2)), np.zeros(1), eps=0)
