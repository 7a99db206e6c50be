"""The one-vector speed path (nn.fast.flat_step.FlatStep): when params are consecutive views of one
vector (an MLP's are), it must give bit-for-bit what the readable Optimizer.step gives on
separate arrays, state included."""
import json

import numpy as np
import pytest

from nn import MLP, optim
from nn.fast.flat_step import FlatStep

CONFIGS = [
    ("sgd", {"lr": 0.1}), ("sgd", {"lr": 0.1, "momentum": 0.9}),
    ("sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("sgd", {"lr": 0.1, "momentum": 0.5, "dampening": 0.3}),
    ("rmsprop", {}), ("rmsprop", {"momentum": 0.9, "centered": True, "weight_decay": 0.01}),
    ("adam", {}), ("adam", {"amsgrad": True, "weight_decay": 0.01}),
    ("adamw", {}), ("adamw", {"amsgrad": True}),
    ("adagrad", {}), ("adagrad", {"lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("nadam", {}), ("nadam", {"weight_decay": 0.01, "momentum_decay": 0.01}),
]


def fast_step(opt, net):
    """The page's way: gradients written into one vector, FlatStep runs the rule once on it."""
    vector = np.empty_like(net.flat)
    grads = net.views(vector)
    step = FlatStep(opt, net.flat, vector)

    def run(values):
        for g, v in zip(grads, values):
            g[...] = v
        step()
    return run


def grads_at(params):
    """A deterministic, non-quadratic gradient of the current params, so errors compound."""
    return [np.sin(3 * p) + 0.1 * np.tanh(p) * p for p in params]


@pytest.mark.parametrize("name,hyper", CONFIGS)
def test_flat_path_is_bit_identical(name, hyper):
    net = MLP([3, 4, 2], seed=1)
    separate = [p.copy() for p in net.params]
    fast = optim.make(name, net.params, **hyper)
    slow = optim.make(name, separate, **hyper)
    run = fast_step(fast, net)
    for _ in range(60):
        run(grads_at(net.params))
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
    run = fast_step(opt, net)
    for _ in range(5):
        run(grads_at(net.params))
    twin = MLP.from_dict(json.loads(json.dumps(net.to_dict())))
    opt2 = optim.from_dict(json.loads(json.dumps(opt.to_dict())), twin.params)
    run2 = fast_step(opt2, twin)
    for _ in range(5):
        run(grads_at(net.params))
        run2(grads_at(twin.params))
    assert np.all(np.isfinite(net.flat)) and np.array_equal(net.flat, twin.flat)


def test_params_are_views_of_one_vector():
    net = MLP([2, 5, 3], output="softmax")
    assert all(p.base is net.flat for p in net.params)
    net.params[2][0, 0] = 7.0
    assert 7.0 in net.flat
    vector = np.empty_like(net.flat)
    with pytest.raises(ValueError, match="consecutive views"):  # out of order
        FlatStep(optim.SGD(net.params[::-1]), net.flat, vector)
    with pytest.raises(ValueError, match="cover"):              # not covering the vector
        FlatStep(optim.SGD(net.params[:2]), net.flat, vector)


def test_gradients_written_into_one_vector_need_no_copy():
    """A session's gradients are views of one vector, the same list every step: FlatStep
    updates from that vector directly, and the result is the same as from fresh arrays."""
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(20, 2)), (rng.random((20, 1)) > 0.5).astype(float)
    a, b = MLP([2, 4, 1], seed=3), MLP([2, 4, 1], seed=3)
    opt_a, opt_b = optim.Adam(a.params, lr=0.01), optim.Adam(b.params, lr=0.01)
    vector = np.empty_like(b.flat)
    grads_b = b.views(vector)
    step_b = FlatStep(opt_b, b.flat, vector)
    for _ in range(30):
        _, grads_a = a.loss_and_grads(X, Y)
        opt_a.step(grads_a)
        b.backprop(X, Y, "bce", out=grads_b)
        step_b()
    assert np.all(np.isfinite(a.flat)) and np.array_equal(a.flat, b.flat)


@pytest.mark.parametrize("name,hyper", CONFIGS[::2])
def test_a_readable_step_between_fast_ones_keeps_one_state(name, hyper):
    """The explained step runs the readable rule on a session's optimizer between fast steps (and
    may create its buffers): after adopt(), both paths read and write the same state."""
    net = MLP([3, 4, 2], seed=4)
    separate = [p.copy() for p in net.params]
    opt, slow = optim.make(name, net.params, **hyper), optim.make(name, separate, **hyper)
    vector = np.empty_like(net.flat)
    grads, fast = net.views(vector), FlatStep(opt, net.flat, vector)
    for k in range(9):
        values = grads_at(net.params)
        if k % 3 == 0:  # the first step too, which makes the buffers
            opt.step(values)
            fast.adopt()
        else:
            for g, v in zip(grads, values):
                g[...] = v
            fast()
        slow.step(grads_at(separate))
    for a, b in zip(net.params, separate):
        np.testing.assert_array_equal(a, b)
    assert json.dumps(opt.to_dict()) == json.dumps(slow.to_dict())
