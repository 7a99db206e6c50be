"""Every change to a session is all or nothing, whatever the learner does and in whatever order.

Hypothesis draws sequences of setting changes, valid and not (unknown names, out-of-range values,
heads that do not fit the data, layer lists of the wrong length, ...). The independent truths:
a refused change leaves every field as it was (compared field by field before and after), and
after any change the session's data, network and config agree with each other, it trains, and
the accuracy it reports is the one its own forward pass gives on its own data.
"""
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nn import Session, activations, datasets, features, optim

SMALL = [n for n in datasets.NAMES if n != "digits"]  # digits are drawn too, but rarely: they are slower

values = {
    "dataset": st.sampled_from(SMALL * 6 + ["digits", "bogus", 3]),
    "hidden": st.lists(st.integers(-1, 12), max_size=5) | st.just([300]) | st.just("8"),
    "activation": st.sampled_from(activations.NAMES + ("bogus",))
    | st.lists(st.sampled_from(activations.NAMES), min_size=0, max_size=5),
    "output": st.sampled_from(["sigmoid", "softmax", "linear", None, "bogus"]),
    "loss": st.sampled_from(["mse", "bce", "cross_entropy", None, "hinge"]),
    "features": st.none() | st.lists(st.sampled_from(features.NAMES + ("x3",)), max_size=4),
    "optimizer": st.sampled_from(optim.NAMES + ("adamax",)),
    "lr": st.sampled_from([0.0, 0.001, 0.03, 0.3, 10.0, -1.0, float("nan"), 1e9, "0.1"]),
    "momentum": st.sampled_from([0.0, 0.5, 0.9, 1.5]),
    "nesterov": st.booleans() | st.just("yes"),
    "arms": st.integers(0, 7) | st.none(),
    "classes": st.integers(0, 7) | st.none(),
    "n": st.integers(-5, 120) | st.none(),
    "noise": st.sampled_from([0.0, 0.1, 0.5, -0.1, None]),
    "seed": st.integers(-1, 5),
    "batch_size": st.sampled_from([1, 8, 64, 0]),
    "dropout": st.sampled_from([0.0, 0.2, 1.0]),
    "schedule": st.sampled_from(["constant", "step", "cosine", "warmup"]),
    "bogus_key": st.just(1),
}
change = st.dictionaries(st.sampled_from(sorted(values)), st.none(), min_size=1, max_size=3).flatmap(
    lambda d: st.fixed_dictionaries({k: values[k] for k in d}))


def fingerprint(s):
    """Every field a learner can see or training reads, as plain comparable values."""
    return {
        "config": json.dumps(s.config, sort_keys=True), "data": s.data.name,
        "X": s.X_train_raw.tobytes() + s.X_test_raw.tobytes(), "y": s.y_train.tobytes() + s.y_test.tobytes(),
        "inputs": s.X_train.tobytes(), "features": s.features, "sizes": list(s.net.sizes),
        "activation": list(s.net.activation), "output": s.net.output, "loss": s.loss, "dropout": s.net.dropout,
        "weights": s.net.flat.tobytes(), "optimizer": json.dumps(s.optimizer.to_dict()),
        "schedule": json.dumps(s.schedule.to_dict()), "epoch": s.epoch, "steps": s.steps, "version": s.version,
        "stop": s.stop, "metrics": json.dumps(s.metrics()), "history": len(s.history.all()),
    }


def check_consistent(s):
    c = s.config
    assert c["dataset"] == s.data.name
    assert s.net.sizes[0] == s.X_train.shape[1] == s.X_test.shape[1]
    assert s.net.sizes[1:-1] == c["hidden"]
    assert len(s.net.activation) == len(c["hidden"])
    assert len(s.Y_train) == len(s.X_train) and len(s.Y_test) == len(s.X_test)
    if s.kind == "classification":
        assert s.net.sizes[-1] == (1 if s.net.output == "sigmoid" else s.n_classes)
    else:
        assert s.net.output == "linear" and s.net.sizes[-1] == 1
    assert s.optimizer.params[0] is s.net.params[0] and s.optimizer.name.lower() == c["optimizer"]


def check_trains(s):
    s.step(1, until_stop=False)
    m = s.metrics()
    if s.stop is not None and s.stop.kind == "diverged":
        return
    assert m["epoch"] == s.epoch and math.isfinite(m["train_loss"])
    if s.kind == "classification":  # the accuracy reported is the network's own, on its own data
        out = s.net.forward(s.X_train)
        pred = (out[:, 0] > 0.5).astype(int) if s.net.output == "sigmoid" else np.argmax(out, axis=1)
        assert m["train_accuracy"] == pytest.approx(np.mean(pred == s.y_train), abs=1e-12)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SMALL), st.lists(change, min_size=1, max_size=4))
def test_any_sequence_of_changes_is_all_or_nothing(start, changes):
    s = Session({"dataset": start, "n": 60})
    for c in changes:
        before = fingerprint(s)
        try:
            s.update(c)
        except ValueError as e:
            assert str(e) and len(str(e)) < 1000, "a refusal says what was wrong, briefly"
            assert fingerprint(s) == before, f"refused {c!r} but the session changed"
        check_consistent(s)
        check_trains(s)


def test_a_dataset_switch_brings_its_own_head_and_inputs_and_says_so():
    s = Session({"dataset": "spiral"})
    s.update({"output": "softmax", "loss": "cross_entropy"})
    assert s.update({"dataset": "sine"}) == "data"
    assert (s.net.output, s.loss, s.data.name) == ("linear", "mse", "sine")
    assert "output" in s.notice and "linear · mse" in s.notice
    s.update({"dataset": "circle", "features": ["x1", "x2", "x1^2"]})
    assert s.update({"dataset": "digits"}) == "data" and s.features is None and "features" in s.notice
    assert s.update({"lr": 0.02}) == "train" and s.notice is None  # a change as asked says nothing


def test_a_per_layer_activation_list_follows_a_new_number_of_layers():
    s = Session({"dataset": "spiral"})
    s.update({"activation": ["relu", "tanh", "tanh", "tanh"]})
    s.update({"dataset": "xor"})  # the XOR preset has one hidden layer
    assert s.config["activation"] == "relu" and s.net.activation == ["relu"] and "activation" in s.notice
    s.step(1)
    with pytest.raises(ValueError, match="2 names for 1 hidden layers"):
        s.update({"activation": ["relu", "tanh"]})  # asked for in so many words: refused, not guessed


def test_a_refused_switch_leaves_the_old_data_in_place():
    s = Session({"dataset": "spiral"})
    s.step(3)
    before = fingerprint(s)
    with pytest.raises(ValueError, match="sigmoid"):
        s.update({"arms": 3, "output": "sigmoid"})  # not a dataset switch: refused as asked
    assert fingerprint(s) == before and s.data.params["arms"] == 2
    with pytest.raises(ValueError, match="dataset = 'bogus' is not allowed"):
        s.update({"dataset": "bogus"})
    assert fingerprint(s) == before
    with pytest.raises(ValueError, match="dict"):
        s.update(["lr", 0.1])
