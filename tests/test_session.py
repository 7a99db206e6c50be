"""The training session: settings, determinism, live changes, stopping rules, bounded memory."""
import re

import numpy as np
import pytest

from nn import MLP, Session, config, datasets, features
from nn.training.session import DENSE_SNAPSHOTS
from nn.training.thinning import Thinning


def test_same_seed_same_run_bit_for_bit():
    a, b = Session({"dataset": "moons", "seed": 3}), Session({"dataset": "moons", "seed": 3})
    a.step(30), b.step(30)
    assert a.history_table() == b.history_table()
    assert all(np.array_equal(p, q) for p, q in zip(a.net.params, b.net.params))


def test_another_seed_changes_data_and_weights():
    a, b = Session({"dataset": "moons", "seed": 3}), Session({"dataset": "moons", "seed": 4})
    assert not np.array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.net.params[0], b.net.params[0])


def test_one_epoch_is_one_pass_in_minibatches():
    s = Session({"dataset": "xor", "batch_size": 32})
    s.step(1)
    assert s.steps == int(np.ceil(len(s.X_train) / 32)) and s.epoch == 1


def test_an_epoch_is_the_update_it_claims():
    """Full batch SGD, no momentum: one epoch is exactly w − lr·∇L computed by the engine itself."""
    s = Session({"dataset": "circle", "optimizer": "sgd", "lr": 0.5, "batch_size": 5000})
    net = MLP.from_dict(s.net.to_dict())
    _, grads = net.loss_and_grads(s.X_train, s.y_train.astype(float))
    s.step(1)
    for p, w, g in zip(s.net.params, net.params, grads):
        np.testing.assert_array_equal(p, w - 0.5 * g)


def test_metrics_are_computed_on_the_splits():
    s = Session({"dataset": "clusters"})
    s.step(5)
    m = s.metrics()
    pred = np.argmax(s.net.forward(s.X_test), axis=1)
    assert m["test_accuracy"] == np.mean(pred == s.y_test)
    assert m["train_loss"] == pytest.approx(s.net.loss(s.X_train, s.y_train))
    r = Session({"dataset": "sine"})
    r.step(3)
    err = r.net.forward(r.X_test)[:, 0] - r.y_test
    assert r.metrics()["test_rmse"] == pytest.approx(np.sqrt(np.mean(err**2)), rel=1e-12)
    assert set(r.metrics()) >= {"epoch", "train_loss", "test_loss", "train_rmse", "test_rmse", "r2"}


def test_changing_training_settings_keeps_the_weights():
    s = Session({"dataset": "spiral"})
    s.step(20)
    before = [p.copy() for p in s.net.params]
    assert s.update({"lr": 0.003, "batch_size": 8, "beta1": 0.8}) == "train"
    assert s.epoch == 20 and s.optimizer.lr == 0.003 and s.optimizer.betas == (0.8, 0.999)
    assert all(np.array_equal(p, q) for p, q in zip(before, s.net.params))
    assert s.optimizer.state[0]["step"] > 0  # the optimizer keeps its state too
    assert s.update({"optimizer": "sgd", "momentum": 0.9}) == "train"
    assert s.epoch == 20 and s.optimizer.momentum == 0.9
    s.step(1)
    assert s.steps > 0 and s.epoch == 21


def test_changing_the_model_or_data_rebuilds():
    s = Session({"dataset": "spiral"})
    s.step(5)
    assert s.update({"hidden": [3]}) == "model" and s.epoch == 0 and s.net.sizes == [2, 3, 1]
    x_before = s.X_train_raw
    assert s.update({"noise": 0.2}) == "data" and not np.array_equal(s.X_train_raw, x_before)
    assert s.update({}) is None
    s.update({"lr": 0.02, "dataset": "quadrants"})  # the new dataset's preset network ...
    assert s.net.sizes == [2, *config.PRESETS["quadrants"]["hidden"], 4]
    assert s.config["noise"] == 0.2 and s.config["lr"] == 0.02  # ... and the learner's other settings


def test_a_change_torch_would_refuse_is_refused_before_anything_changes():
    s = Session({"dataset": "xor", "optimizer": "sgd", "momentum": 0.9, "nesterov": True})
    s.step(2)
    with pytest.raises(ValueError, match="[Nn]esterov"):
        s.update({"momentum": 0.0})
    assert s.config["momentum"] == 0.9 and s.optimizer.momentum == 0.9
    s.step(1)  # and training goes on


def test_a_schedule_keeps_its_decay_when_another_setting_changes():
    s = Session({"dataset": "xor", "schedule": "step", "step_size": 2, "gamma": 0.5, "lr": 0.1})
    s.step(4)
    assert s.optimizer.lr == pytest.approx(0.025)
    s.update({"beta1": 0.8})
    assert s.optimizer.lr == pytest.approx(0.025)
    s.update({"lr": 0.2})  # a new rate restarts the schedule from it
    assert s.optimizer.lr == 0.2


def test_a_bad_change_loses_nothing():
    s = Session({"dataset": "spiral"})
    s.step(3)
    with pytest.raises(ValueError, match="lr"):
        s.update({"lr": -1})
    with pytest.raises(ValueError, match="sigmoid"):
        Session({"dataset": "quadrants", "output": "sigmoid"})
    assert s.epoch == 3 and s.config["lr"] == 0.01


def test_features_feed_the_network():
    s = Session({"dataset": "circle", "features": ["x1^2", "x2^2"]})
    assert s.net.sizes[0] == 2
    np.testing.assert_array_equal(s.X_train, s.X_train_raw**2)
    assert Session({"dataset": "sine"}).features == ["x1"]


def test_converges_on_loss_and_says_so():
    s = Session({"dataset": "xor", "converge_loss": 0.3})
    ran = s.step(10_000)
    assert s.stop.kind == "converged" and s.stop.reason == "loss"
    assert s.metrics()["train_loss"] < 0.3 and ran == s.epoch < 10_000
    assert "below 0.3" in s.stop.message
    assert s.step(5) == 0                      # stays stopped ...
    assert s.step(5, until_stop=False) == 5    # ... unless asked to go on


def test_converges_on_confidence_after_patience():
    s = Session({"dataset": "xor", "converge_loss": 0.0, "converge_patience": 7, "snapshot_every": 1})
    s.step(10_000)
    assert s.stop.reason == "confidence"
    hist = s.history_table()
    # confident for exactly the last 7 epochs: recompute confidence from the snapshot weights
    for epoch in range(s.epoch - 7, s.epoch + 1):
        _, net = s.network_at(epoch)
        p = net.forward(s.X_train)[:, 0]
        right = np.where(s.y_train == 1, p, 1 - p)
        assert np.all(right > 0.95) == (epoch > s.epoch - 7), epoch
    assert hist["epoch"][-1] == s.epoch


@pytest.mark.parametrize("config", [
    {"dataset": "sine", "optimizer": "sgd", "lr": 80.0, "hidden": [8]},   # the loss jumps to 1e57 at once
    {"dataset": "sine", "optimizer": "sgd", "lr": 10.0},                  # to 2.7e40 at once (finite)
    {"dataset": "spiral", "optimizer": "adam", "lr": 10.0},               # an adaptive rate: bounces, never NaN
], ids=["sgd-80", "sgd-10", "adam-10"])
def test_divergence_stops_restores_the_last_healthy_epoch_and_hints_a_rate_that_trains(config):
    s = Session(config)
    ran = s.step(1000)
    assert s.stop.kind == "diverged" and ran < 200
    e = s.stop.epoch
    assert s.epoch == e and s.history.all()[-1][0] == e and s.metrics()["epoch"] == e  # one epoch number
    assert f"at epoch {e}," in s.stop.message
    twin = Session(config)  # the same run, stopped by hand at that epoch: the restore point
    twin.step(e, until_stop=False)
    np.testing.assert_array_equal(s.net.flat, twin.net.flat)
    assert s.metrics()["train_loss"] == twin.metrics()["train_loss"] < 3 * Session(config).metrics()["train_loss"]
    assert s.steps == twin.steps
    rate = float(re.search(r"try ([0-9.e+-]+)\.", s.stop.hint).group(1))
    assert rate < config["lr"]
    probe = Session({**config, "lr": rate})  # the hinted rate, from the restored weights: it trains
    probe.net.flat[...] = s.net.flat
    probe.refresh_metrics()
    assert probe.step(30) > 0 and (probe.stop is None or probe.stop.kind != "diverged")
    assert s.step(5) == 0
    s.update({"lr": rate})                       # a lower rate carries on from there
    assert s.stop.kind == "diverged"             # ... only once the learner clears it:
    s.clear_stop()
    assert s.step(3) == 3 and np.isfinite(s.metrics()["train_loss"]) and s.epoch == e + 3


def test_snapshots_and_history_stay_bounded():
    s = Session({"dataset": "xor", "snapshot_every": 1, "max_snapshots": 10, "converge_loss": 0.0,
                 "converge_patience": 10**6})
    s.step(500)
    assert len(s.snapshots) <= DENSE_SNAPSHOTS + 11  # the first epochs, each, then at most 10 (+ the newest)
    epochs = [e for e, _ in s.snapshots.all()]
    stride = s.snapshots.stride
    assert epochs[0] == 0 and epochs == sorted(epochs) and 500 - epochs[-1] < 2 * stride  # spread over the run
    at, net = s.network_at(300)
    assert at <= 300 and at in epochs
    at, net = s.network_at(500)  # now: the live weights themselves
    assert at == 500 and np.array_equal(net.flat, s.net.flat)


def test_history_thinning_keeps_the_whole_run():
    t = Thinning(8)
    for e in range(1000):
        t.add(e, e * 2)
    kept = t.all()
    assert len(kept) <= 9 and kept[0] == (0, 0) and kept[-1] == (999, 1998)
    gaps = np.diff([e for e, _ in kept[:-1]])
    assert len(set(gaps)) == 1  # evenly spread
    assert t.at(500)[0] <= 500
    with pytest.raises(ValueError):
        Thinning(1)


def test_grid_is_the_real_forward_pass():
    s = Session({"dataset": "moons"})
    s.step(10)
    g = s.grid(res=20)
    assert g.output.shape == (20, 20, 1) and len(g.hidden) == 2 and g.hidden[0].shape == (8, 20, 20)
    i, j = 3, 15  # row i (x2 from the top), column j (x1)
    point = np.array([[g.x1[j], g.x2[i]]])
    assert g.output[i, j, 0] == pytest.approx(s.net.forward(point)[0, 0], rel=1e-14)
    _, A, _ = s.net.layers(point)
    np.testing.assert_allclose(g.hidden[1][:, i, j], A[2][0], rtol=1e-14)
    assert g.x2[0] > g.x2[-1] and g.x1[0] < g.x1[-1]
    lo, hi = datasets.EXTENT[0]
    assert lo < g.x1.min() and g.x1.max() < hi


def test_grid_for_one_input_and_for_digits():
    g = Session({"dataset": "sine"}).grid(50)
    assert g.output.shape == (50, 1) and g.inputs.shape == (1, 50)
    with pytest.raises(ValueError, match="digits"):
        Session({"dataset": "digits", "n": 100}).grid()


@pytest.mark.parametrize("change,message", [
    ({"dataset": "mnist"}, "dataset = 'mnist' is not allowed; allowed: xor"),
    ({"n": 3}, "n = 3 is not allowed; allowed: a whole number from 4 to 5000"),
    ({"n": 2.5}, "n = 2.5"),
    ({"noise": -0.1}, "noise"),
    ({"train_fraction": 1.0}, "train_fraction"),
    ({"arms": 9}, "arms"),
    ({"classes": 1}, "classes"),
    ({"cells": 99}, "cells"),
    ({"seed": -1}, "seed"),
    ({"features": ["x3"]}, "'x3' is not allowed"),
    ({"features": []}, "at least one feature"),
    ({"hidden": [0]}, "hidden"),
    ({"hidden": [4] * 9}, "hidden"),
    ({"hidden": 4}, "hidden"),
    ({"activation": "swishy"}, "activation"),
    ({"hidden": [4, 4], "activation": ["tanh"]}, "one per hidden layer"),
    ({"leaky_slope": 2}, "leaky_slope"),
    ({"output": "tanh"}, "output"),
    ({"loss": "hinge"}, "loss"),
    ({"loss": "cross_entropy"}, "does not fit output 'sigmoid'"),
    ({"init": "zeros"}, "init"),
    ({"optimizer": "lbfgs"}, "optimizer"),
    ({"lr": 0}, None),  # lr 0 is allowed (nothing moves), not an error
    ({"lr": 1e9}, "lr"),
    ({"momentum": 1.5}, "momentum"),
    ({"nesterov": "yes"}, "nesterov"),
    ({"optimizer": "sgd", "nesterov": True}, "Nesterov|nesterov"),  # torch's rule: needs momentum
    ({"beta1": 1.0}, "beta1"),
    ({"eps": 0}, "eps"),
    ({"schedule": "warmup"}, "schedule"),
    ({"step_size": 0}, "step_size"),
    ({"batch_size": 0}, "batch_size"),
    ({"l1": -1}, "l1"),
    ({"l2": 2}, "l2"),
    ({"dropout": 1}, "dropout"),
    ({"converge_confidence": 0.2}, "converge_confidence"),
    ({"snapshot_every": 0}, "snapshot_every"),
    ({"max_snapshots": 1}, "max_snapshots"),
    ({"learning_rate": 0.1}, "unknown setting"),
    ({"dataset": "digits", "features": ["x1"]}, "features apply to 2-D data"),
    ({"dataset": "sine", "features": ["x2"]}, "'x2' is not allowed"),
    ({"dataset": "sine", "output": "sigmoid"}, "regression"),
])
def test_every_bad_setting_is_named(change, message):
    if message is None:
        Session({"dataset": "xor", **change})
        return
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Session({"dataset": "xor", **change})


def test_config_table_defaults_are_valid():
    full = config.resolve({})
    assert full == config.resolve(full)
    for name, preset in config.PRESETS.items():
        assert name in datasets.NAMES and set(preset) <= set(config.BY_NAME)
    assert set(config.BY_NAME["features"].choices) == set(features.NAMES)


def test_an_added_sample_is_trained_on_from_the_next_epoch():
    s = Session({"dataset": "digits", "n": 200})
    s.step(1)
    n = len(s.y_train)
    assert s.seen_last_epoch == n
    x = s.X_test_raw[0]
    s.add_training_sample(x, int(s.y_test[0]))
    assert len(s.y_train) == n + 1 and s.added == 1
    np.testing.assert_array_equal(s.X_train[-1], x)
    s.step(1)
    assert s.seen_last_epoch == n + 1
    with pytest.raises(ValueError, match="label 10"):
        s.add_training_sample(x, 10)
    with pytest.raises(ValueError, match="64 finite inputs"):
        s.add_training_sample(x[:10], 1)


def test_predict_is_the_forward_pass_on_features():
    s = Session({"dataset": "circle", "features": ["x1", "x2", "x1^2"]})
    X = s.X_test_raw[:5]
    np.testing.assert_array_equal(s.predict(X), s.net.forward(s.X_test[:5]))


def test_refresh_metrics_measures_the_current_weights_without_a_history_row():
    s = Session({"dataset": "xor"})
    s.step(3)
    rows = len(s.history_table()["epoch"])
    s.net.W[0][0, 0] += 1.0
    m = s.refresh_metrics()
    assert m["train_loss"] == pytest.approx(s.net.loss(s.X_train, s.y_train))
    assert len(s.history_table()["epoch"]) == rows and m["epoch"] == 3
