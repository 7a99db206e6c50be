"""The network's arithmetic against values worked out by hand, and its guards against bad input."""
import json
import math

import numpy as np
import pytest

from nn import MLP, activations


def tiny_net():
    """2 → 2 (tanh) → 1 (sigmoid) with weights chosen by hand."""
    net = MLP([2, 2, 1], activation="tanh", output="sigmoid")
    W1, b1, W2, b2 = net.params
    W1[...] = [[0.5, -1.0], [0.25, 2.0]]
    b1[...] = [0.1, -0.2]
    W2[...] = [[1.0], [-0.5]]
    b2[...] = [0.3]
    return net


def test_forward_and_backward_by_hand():
    net = tiny_net()
    x1, x2, y = 1.0, 2.0, 1.0
    # forward, one scalar at a time
    z11 = 0.5 * x1 + 0.25 * x2 + 0.1          # 1.1
    z12 = -1.0 * x1 + 2.0 * x2 - 0.2          # 2.8
    a11, a12 = math.tanh(z11), math.tanh(z12)
    z2 = 1.0 * a11 - 0.5 * a12 + 0.3
    p = 1 / (1 + math.exp(-z2))
    loss = -math.log(p)                       # bce with y = 1
    # backward, one scalar at a time
    dz2 = p - y
    dz11 = dz2 * 1.0 * (1 - a11**2)
    dz12 = dz2 * -0.5 * (1 - a12**2)

    got_loss, (dW1, db1, dW2, db2) = net.loss_and_grads([[x1, x2]], [y])
    assert net.forward([[x1, x2]])[0, 0] == pytest.approx(p, rel=1e-15)
    assert got_loss == pytest.approx(loss, rel=1e-14)
    np.testing.assert_allclose(dW2[:, 0], [dz2 * a11, dz2 * a12], rtol=1e-14)
    np.testing.assert_allclose(db2, [dz2], rtol=1e-14)
    # through 1 − a², an ulp of error in a = tanh(2.8) grows ×68: hence 1e-13 for the first layer
    np.testing.assert_allclose(dW1, [[dz11 * x1, dz12 * x1], [dz11 * x2, dz12 * x2]], rtol=1e-13)
    np.testing.assert_allclose(db1, [dz11, dz12], rtol=1e-13)
    # the trace keeps what the page draws
    t = net.trace
    np.testing.assert_allclose(t.Z[0][0], [z11, z12], rtol=1e-15)
    np.testing.assert_allclose(t.A[1][0], [a11, a12], rtol=1e-15)
    np.testing.assert_allclose(t.dZ[0][0], [dz11, dz12], rtol=1e-13)
    assert t.dW[0] is dW1 and t.out[0, 0] == pytest.approx(p)


def test_cross_entropy_and_mse_by_hand():
    net = MLP([1, 3], output="softmax")
    net.params[0][...] = [[1.0, 2.0, 3.0]]
    net.params[1][...] = 0.0
    z = [1.0, 2.0, 3.0]
    lse = math.log(sum(math.exp(v) for v in z))
    loss, _ = net.loss_and_grads([[1.0]], [0])
    assert loss == pytest.approx(lse - 1.0, rel=1e-15)
    lin = MLP([1, 2], output="linear")
    lin.params[0][...] = [[2.0, -1.0]]
    lin.params[1][...] = [0.5, 0.0]
    loss, _ = lin.loss_and_grads([[1.0], [3.0]], [[0.0, 0.0], [1.0, 1.0]])
    # outputs (2.5, -1) and (6.5, -3); mean of the four squared errors
    assert loss == pytest.approx((2.5**2 + 1**2 + 5.5**2 + 4**2) / 4, rel=1e-15)


def test_penalties_by_hand():
    net = tiny_net()
    data_loss, grads0 = net.loss_and_grads([[1.0, 2.0]], [1.0])
    loss, grads = net.loss_and_grads([[1.0, 2.0]], [1.0], l1=0.1, l2=0.2)
    abs_sum = 0.5 + 1 + 0.25 + 2 + 1 + 0.5  # Σ|W| over both weight matrices, biases not
    sq_sum = 0.25 + 1 + 0.0625 + 4 + 1 + 0.25
    assert loss == pytest.approx(data_loss + 0.1 * abs_sum + 0.5 * 0.2 * sq_sum, rel=1e-14)
    W1 = net.params[0]
    np.testing.assert_allclose(grads[0], grads0[0] + 0.1 * np.sign(W1) + 0.2 * W1, rtol=1e-14)
    np.testing.assert_array_equal(grads[1], grads0[1])  # biases: no penalty


def test_bce_is_stable_for_huge_logits():
    net = MLP([1, 1], output="sigmoid")
    net.params[0][...] = [[1000.0]]
    loss, grads = net.loss_and_grads([[1.0], [-1.0]], [0.0, 1.0])
    assert loss == pytest.approx(1000.0)  # each sample is 1000 nats wrong; no inf, no NaN
    assert all(np.all(np.isfinite(g)) for g in grads)


def test_init_shapes_seed_and_bias():
    a = MLP([3, 5, 2], activation="relu", output="softmax", init="kaiming_normal", seed=4, bias_init=0.1)
    b = MLP([3, 5, 2], activation="relu", output="softmax", init="kaiming_normal", seed=4, bias_init=0.1)
    c = MLP([3, 5, 2], activation="relu", output="softmax", init="kaiming_normal", seed=5)
    assert [p.shape for p in a.params] == [(3, 5), (5,), (5, 2), (2,)]
    assert all(np.array_equal(p, q) for p, q in zip(a.params, b.params))
    assert not np.array_equal(a.params[0], c.params[0])
    assert np.all(a.params[1] == 0.1) and np.all(c.params[1] == 0.0)


@pytest.mark.parametrize("init,bound", [
    ("xavier_uniform", lambda fi, fo, g: g * math.sqrt(6 / (fi + fo))),
    ("kaiming_uniform", lambda fi, fo, g: g * math.sqrt(3 / fi)),
    ("uniform", lambda fi, fo, g: 1 / math.sqrt(fi)),
])
def test_uniform_inits_fill_their_bound(init, bound):
    net = MLP([200, 256, 1], activation="tanh", init=init, seed=0)
    a = bound(200, 256, 5 / 3)  # tanh's gain is 5/3
    W = net.params[0]
    assert np.abs(W).max() <= a and np.abs(W).max() > 0.999 * a
    assert W.std() == pytest.approx(a / math.sqrt(3), rel=0.01)


@pytest.mark.parametrize("init,std", [
    ("xavier_normal", lambda fi, fo, g: g * math.sqrt(2 / (fi + fo))),
    ("kaiming_normal", lambda fi, fo, g: g / math.sqrt(fi)),
])
def test_normal_inits_have_their_std(init, std):
    net = MLP([200, 256, 1], activation="relu", init=init, seed=0)
    assert net.params[0].std() == pytest.approx(std(200, 256, math.sqrt(2)), rel=0.01)


def test_dropout_is_inverted_seeded_and_training_only():
    X = np.ones((2000, 4))
    net = MLP([4, 50, 1], activation="relu", dropout=0.5, seed=0, bias_init=1.0)
    eval_out = net.forward(X)
    np.testing.assert_array_equal(eval_out, net.forward(X))  # no dropout at evaluation
    net.loss_and_grads(X, np.zeros(2000))
    mask = net.trace.masks[0]
    assert set(np.unique(mask)) == {0.0, 2.0}                 # kept units scaled by 1/(1−p)
    assert mask.mean() == pytest.approx(1.0, abs=0.02)        # expectation unchanged
    again = MLP([4, 50, 1], activation="relu", dropout=0.5, seed=0, bias_init=1.0)
    again.loss_and_grads(X, np.zeros(2000))
    np.testing.assert_array_equal(again.trace.masks[0], mask)  # same seed, same masks
    plain = MLP([4, 50, 1], dropout=0.0)
    plain.loss_and_grads(X, np.zeros(2000))
    assert plain.trace.masks == [None]


def test_per_layer_activations():
    net = MLP([2, 3, 3, 1], activation=["relu", "swish"])
    assert net.activation == ["relu", "silu"]


@pytest.mark.parametrize("kwargs,message", [
    (dict(sizes=[2]), "sizes"),
    (dict(sizes=[2, 0, 1]), "hidden widths"),
    (dict(sizes=[2, 257, 1]), "1 to 256"),
    (dict(sizes=[2] + [4] * 9 + [1]), "0 to 8"),
    (dict(sizes=[2, 2.5, 1]), "whole numbers"),
    (dict(sizes=[2, 4, 1], activation="tanhh"), "unknown activation 'tanhh'; allowed: linear"),
    (dict(sizes=[2, 4, 4, 1], activation=["tanh"]), "one per hidden layer"),
    (dict(sizes=[2, 4, 1], output="relu"), "unknown output"),
    (dict(sizes=[2, 4, 1], output="softmax"), "at least 2 outputs"),
    (dict(sizes=[2, 4, 1], init="zeros"), "unknown init"),
    (dict(sizes=[2, 4, 1], dropout=1.0), "dropout"),
    (dict(sizes=[2, 4, 1], negative_slope=-1), "negative_slope"),
])
def test_bad_architecture(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        MLP(**kwargs)


@pytest.mark.parametrize("X,Y,loss,message", [
    (np.zeros((3, 3)), np.zeros(3), None, r"inputs must have shape \(n, 2\)"),
    ([[np.nan, 0.0]], [0.0], None, "NaN"),
    (np.zeros((3, 2)), np.zeros(4), None, r"shape \(3, 1\)"),
    (np.zeros((2, 2)), [0.5, 2.0], None, r"bce targets must lie in \[0, 1\]"),
    (np.zeros((2, 2)), [0.0, np.inf], "mse", "NaN or inf"),
    (np.zeros((2, 2)), [0.0, 1.0], "cross_entropy", "does not fit output 'sigmoid'"),
    (np.zeros((2, 2)), [0.0, 1.0], "hinge", "unknown loss"),
])
def test_bad_data(X, Y, loss, message):
    net = MLP([2, 3, 1])
    with pytest.raises(ValueError, match=message):
        net.loss_and_grads(X, Y, loss)


def test_bad_labels():
    net = MLP([2, 3, 3], output="softmax")
    with pytest.raises(ValueError, match="labels must be in 0..2"):
        net.loss_and_grads(np.zeros((2, 2)), [0, 3])
    with pytest.raises(ValueError, match="integer class labels"):
        net.loss_and_grads(np.zeros((2, 2)), [0.5, 1])
    with pytest.raises(ValueError, match="l1 and l2"):
        net.loss_and_grads(np.zeros((2, 2)), [0, 1], l2=-1)


def test_round_trip_is_bit_exact_through_json():
    rng = np.random.default_rng(0)
    net = MLP([2, 6, 5, 3], activation=["gelu", "leaky_relu"], output="softmax", dropout=0.2,
              negative_slope=0.1, seed=3)
    X, Y = rng.normal(size=(30, 2)), rng.integers(0, 3, 30)
    net.loss_and_grads(X, Y)  # advance the dropout stream, so its state matters
    copy = MLP.from_dict(json.loads(json.dumps(net.to_dict())))
    np.testing.assert_array_equal(copy.forward(X), net.forward(X))
    la, ga = net.loss_and_grads(X, Y)
    lb, gb = copy.loss_and_grads(X, Y)  # same dropout masks next: training continues identically
    assert la == lb and all(np.array_equal(a, b) for a, b in zip(ga, gb))


@pytest.mark.parametrize("damage,message", [
    (lambda d: d.pop("params"), "lacks params"),
    (lambda d: d["params"].pop(), "needs 4"),
    (lambda d: d["params"].__setitem__(0, [[1.0]]), r"W1 has shape \(1, 1\)"),
    (lambda d: d["params"][1].__setitem__(0, "x"), "b1 is not an array of numbers"),
    (lambda d: d["params"][3].__setitem__(0, float("nan")), "b2 contains NaN"),
    (lambda d: d.__setitem__("activation", ["nope"]), "unknown activation"),
    (lambda d: d.__setitem__("format", "keras"), "unknown format"),
    (lambda d: d.__setitem__("rng", {"bit_generator": "PCG64", "state": 1}), "random state"),
])
def test_damaged_saves_say_what_is_wrong(damage, message):
    d = json.loads(json.dumps(MLP([2, 3, 1]).to_dict()))
    damage(d)
    with pytest.raises(ValueError, match=message):
        MLP.from_dict(d)


def test_activation_registry_lookup():
    assert activations.get("swish").name == "silu"
    with pytest.raises(ValueError, match="allowed"):
        activations.get("mish")
