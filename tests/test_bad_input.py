"""Bad input to the engine's API, as a whole class: saved states, networks and schedules damaged in
any way, absurd sizes, empty batches, huge inputs. Each gets a ValueError that says what was wrong
(never another exception, never a warning), or, where the input is valid after all, works."""
import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn import MLP, Session, config, optim, schedules

junk = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12)


def refused_or_fine(fn):
    """fn() either works or raises ValueError with a message; no other exception, no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return fn()
        except ValueError as e:
            assert str(e)
            return None


def _saved_optimizer(name):
    params = [np.ones((2, 3)), np.ones(3)]
    opt = optim.make(name, params)
    opt.step([np.full((2, 3), 0.5), np.full(3, -0.5)])
    return json.loads(json.dumps(opt.to_dict()))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(optim.NAMES), st.integers(0, 1), st.sampled_from(["step", "buffer", "whole"]), junk)
def test_a_damaged_optimizer_state_is_refused_by_name(name, i, where, value):
    d = _saved_optimizer(name)
    state = d["state"][i]
    if where == "step":
        state["step"] = value
    elif where == "buffer":
        key = next((k for k in state if k != "step"), None)
        if key is None:
            return
        state[key] = value
    else:
        d["state"][i] = value
    opt = refused_or_fine(lambda: optim.from_dict(d, [np.ones((2, 3)), np.ones(3)]))
    if opt is not None:  # accepted: then it is a state it can step from, finitely
        refused_or_fine(lambda: opt.step([np.ones((2, 3)), np.ones(3)]))
        assert all(np.all(np.isfinite(p)) for p in opt.params)


@pytest.mark.parametrize("step, message", [(-1, "step"), (True, "step"), (1.5, "step"), (10**13, "step")])
def test_bad_step_counts(step, message):
    d = _saved_optimizer("adam")
    d["state"][0]["step"] = step
    with pytest.raises(ValueError, match=message):
        optim.from_dict(d, [np.ones((2, 3)), np.ones(3)])


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0])
def test_nan_inf_or_negative_second_moments_are_refused(value):
    d = _saved_optimizer("adam")
    d["state"][1]["exp_avg_sq"][0] = value
    with pytest.raises(ValueError, match=r"exp_avg_sq.*finite numbers >= 0"):
        optim.from_dict(d, [np.ones((2, 3)), np.ones(3)])


@pytest.mark.parametrize("grads", [None, 3, "g", [np.ones(2)], [np.ones(3), np.ones(3)]])
def test_a_step_with_no_proper_gradients_is_refused(grads):
    with pytest.raises(ValueError, match="gradients|grads"):
        optim.SGD([np.ones(2), np.ones(3)]).step(grads)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["params", "rng", "sizes", "activation", "output", "whole"]), junk)
def test_a_damaged_network_file_is_refused_by_name(field, value):
    d = json.loads(json.dumps(MLP([2, 3, 1], seed=1).to_dict()))
    if field == "whole":
        d = value
    else:
        d[field] = value
    net = refused_or_fine(lambda: MLP.from_dict(d))
    if net is not None:
        assert np.all(np.isfinite(net.flat))


@pytest.mark.parametrize("params", [[["1", "2", "3"], ["4", "5", "6"]], [[True, False, True], [1, 1, 1]]])
def test_weights_written_as_text_or_booleans_are_refused(params):
    d = MLP([2, 3, 1]).to_dict()
    d["params"][0] = params
    with pytest.raises(ValueError, match="W1 is not an array of numbers"):
        MLP.from_dict(d)


def test_an_out_of_range_random_state_is_refused():
    d = MLP([2, 3, 1]).to_dict()
    d["rng"]["state"]["state"] = 2**200
    with pytest.raises(ValueError, match="random state is damaged"):
        MLP.from_dict(d)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["base_lr", "last_lr", "last_epoch", "arguments", "name"]), junk)
def test_a_damaged_schedule_is_refused_by_name(field, value):
    opt = optim.SGD([np.ones(2)], lr=0.1)
    d = schedules.make("step", opt, step_size=3).to_dict()
    d[field] = value
    sched = refused_or_fine(lambda: schedules.from_dict(d, opt))
    if sched is not None:
        sched.step()
        assert math.isfinite(opt.lr)


@pytest.mark.parametrize("key", ["base_lr", "last_lr"])
def test_nan_rates_in_a_schedule_are_refused(key):
    opt = optim.SGD([np.ones(2)], lr=0.1)
    d = schedules.make("cosine", opt, T_max=10).to_dict()
    d[key] = float("nan")
    with pytest.raises(ValueError, match=key):
        schedules.from_dict(d, opt)


@pytest.mark.parametrize("call", [
    lambda net: net.loss_and_grads(np.zeros((0, 2)), np.zeros((0, 1))),
    lambda net: net.loss(np.zeros((0, 2)), np.zeros((0, 1))),
    lambda net: net.forward(np.zeros((0, 2))),
])
def test_an_empty_batch_is_refused(call):
    with pytest.raises(ValueError, match="no rows"):
        call(MLP([2, 3, 1]))


def test_a_picture_grid_is_bounded_by_its_work():
    s = Session({"dataset": "spiral", "hidden": [64] * 6})  # the largest network the config allows
    with pytest.raises(ValueError, match="res up to"):
        s.grid(512)
    assert s.grid(80).hidden[0].shape == (64, 80, 80)  # the page's size works even here
    for res in (1, 513, 80.5, True, "80"):
        with pytest.raises(ValueError, match="res"):
            s.grid(res)


@pytest.mark.parametrize("x", [[1e308, 1e308], [-1e308, 1e300]])
def test_huge_inputs_to_predict_are_refused_without_a_warning(x):
    s = Session({"dataset": "sine"} if len(x) == 1 else {"dataset": "spiral", "output": "softmax"})
    result = refused_or_fine(lambda: s.predict([x]))
    assert result is None or np.all(np.isfinite(result))


def test_a_refusal_never_echoes_a_huge_value():
    with pytest.raises(ValueError) as e:
        config.resolve({"hidden": list(range(10**6))})
    assert len(str(e.value)) < 300 and "..." in str(e.value)
