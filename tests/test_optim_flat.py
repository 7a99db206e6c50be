"""The one-vector fast path: when params are consecutive views of one vector (an MLP's are),
every optimizer must give bit-for-bit what it gives on separate arrays, state included."""
import json

import numpy as np
import pytest

from nn import MLP, optim

CONFIGS = [
    ("sgd", {"lr": 0.1}), ("sgd", {"lr": 0.1, "momentum": 0.9}),
    ("sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("sgd", {"lr": 0.1, "momentum": 0.5, "dampening": 0.3}),
    ("rmsprop", {}), ("rmsprop", {"momentum": 0.9, "centered": True, "weight_decay": 0.01}),
    ("adam", {}), ("adam", {"amsgrad": True, "weight_decay": 0.01}),
    ("adamw", {}), ("adamw", {"amsgrad": True}),
    ("adagrad", {}), ("adagrad", {"lr_decay": 0.01, "initial_accumulator_value": 0.1}),
]


def grads_at(params):
    """A deterministic, non-quadratic gradient of the current params, so errors compound."""
    return [np.sin(3 * p) + 0.1 * np.tanh(p) * p for p in params]


@pytest.mark.parametrize("name,hyper", CONFIGS)
def test_flat_path_is_bit_identical(name, hyper):
    net = MLP([3, 4, 2], seed=1)
    separate = [p.copy() for p in net.params]
    fast = optim.make(name, net.params, **hyper)
    slow = optim.make(name, separate, **hyper)
    assert fast._flat is net.flat and slow._flat is None
    for _ in range(60):
        fast.step(grads_at(net.params))
        slow.step(grads_at(separate))
    assert np.all(np.isfinite(net.flat))  # (NaN would compare equal to NaN and prove nothing)
    for i, (a, b) in enumerate(zip(net.params, separate)):
        np.testing.assert_array_equal(a, b, err_msg=f"params[{i}]: flat vs separate")
        assert set(fast.state[i]) == set(slow.state[i])
        for key in slow.state[i]:
            np.testing.assert_array_equal(fast.state[i][key], slow.state[i][key], err_msg=f"state[{i}][{key}]")
    assert json.dumps(fast.to_dict()) == json.dumps(slow.to_dict())


@pytest.mark.parametrize("name,hyper", CONFIGS[::3])
def test_flat_round_trip_continues_identically(name, hyper):
    net = MLP([2, 3, 1], seed=2)
    opt = optim.make(name, net.params, **hyper)
    for _ in range(5):
        opt.step(grads_at(net.params))
    twin = MLP.from_dict(json.loads(json.dumps(net.to_dict())))
    opt2 = optim.from_dict(json.loads(json.dumps(opt.to_dict())), twin.params)
    assert opt2._flat is twin.flat
    for _ in range(5):
        opt.step(grads_at(net.params))
        opt2.step(grads_at(twin.params))
    assert np.all(np.isfinite(net.flat)) and np.array_equal(net.flat, twin.flat)


def test_params_are_views_of_one_vector():
    net = MLP([2, 5, 3], output="softmax")
    assert all(p.base is net.flat for p in net.params)
    net.params[2][0, 0] = 7.0
    assert 7.0 in net.flat
    assert optim._shared_vector(net.params[::-1]) is None  # out of order: the per-array path
    assert optim._shared_vector(net.params[:2]) is None     # not covering the vector


def test_gradients_written_into_one_vector_need_no_copy():
    """A session's gradients are views of one vector, the same list every step: the optimizer
    updates from that vector directly, and the result is the same as from fresh arrays."""
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(20, 2)), (rng.random((20, 1)) > 0.5).astype(float)
    a, b = MLP([2, 4, 1], seed=3), MLP([2, 4, 1], seed=3)
    opt_a, opt_b = optim.Adam(a.params, lr=0.01), optim.Adam(b.params, lr=0.01)
    vector = np.empty_like(b.flat)
    grads_b = b.views(vector)
    for _ in range(30):
        _, grads_a = a.loss_and_grads(X, Y)
        opt_a.step(grads_a)
        b.backprop(X, Y, "bce", out=grads_b)
        opt_b.step(grads_b)
    assert opt_b._grad_vector(grads_b) is vector
    assert np.all(np.isfinite(a.flat)) and np.array_equal(a.flat, b.flat)
