"""nn.explain: the explained step is a real step, and every number it records is the engine's.

Each test states its independent truth: the same step taken by hand with backprop + the optimizer,
a forward pass written out, per-point gradients that must average to the batch gradient, nn.gradcheck
itself, or net.loss at a point of the loss surface.
"""
import numpy as np
import pytest

from nn import MLP, Session, explain, gradcheck as run_gradcheck, limits, optim
from nn.core.gradcheck import two_point

OPTIMIZERS = [
    {"optimizer": "sgd"},
    {"optimizer": "sgd", "momentum": 0.9},
    {"optimizer": "sgd", "momentum": 0.9, "nesterov": True},
    {"optimizer": "sgd", "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.01},
    {"optimizer": "rmsprop"},
    {"optimizer": "rmsprop", "centered": True, "momentum": 0.5, "weight_decay": 0.01},
    {"optimizer": "adam"},
    {"optimizer": "adam", "amsgrad": True, "weight_decay": 0.01},
    {"optimizer": "adamw"},
    {"optimizer": "adagrad", "lr_decay": 0.1, "weight_decay": 0.01},
    {"optimizer": "nadam"},
    {"optimizer": "nadam", "weight_decay": 0.01, "decoupled_weight_decay": True, "momentum_decay": 0.01},
]


def _session(**config):
    s = Session({"dataset": "xor", **config})
    s.step(2)
    return s


def test_the_explained_step_is_the_step_taken_by_hand():
    a, b = _session(), _session()
    rec = explain.explain_step(a)
    c = b.config
    _, grads = b.net.loss_and_grads(b.X_train, b.Y_train, b.loss, l1=c["l1"], l2=c["l2"])
    b.optimizer.step(grads)
    for ours, theirs in zip(a.net.params, b.net.params):
        np.testing.assert_array_equal(ours, theirs)
    for p, q in zip(rec.params_after, a.net.params):
        np.testing.assert_array_equal(p, q)
    assert (a.steps, a.version, a.epoch) == (b.steps + 1, b.version + 1, b.epoch)
    assert rec.n == a.X_train.shape[0] and rec.version == a.version and rec.steps == a.steps


def test_the_record_keeps_before_grads_and_state():
    s = _session(optimizer="adam")
    before = [p.copy() for p in s.net.params]
    state = [{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in d.items()} for d in s.optimizer.state]
    rec = explain.explain_step(s)
    for p, q in zip(rec.params_before, before):
        np.testing.assert_array_equal(p, q)
    net = MLP.from_dict(s.net.to_dict())
    for p, q in zip(net.params, before):
        p[...] = q
    loss, grads = net.loss_and_grads(s.X_train, s.Y_train, s.loss)
    assert rec.loss == loss == rec.trace.loss
    for g, h in zip(rec.grads, grads):
        np.testing.assert_array_equal(g, h)
    assert [d["step"] for d in rec.state_before] == [d["step"] for d in state]
    assert [d["step"] for d in rec.state_after] == [d["step"] + 1 for d in state]
    np.testing.assert_array_equal(rec.state_before[0]["exp_avg"], state[0]["exp_avg"])
    np.testing.assert_array_equal(rec.state_after[0]["exp_avg"], s.optimizer.state[0]["exp_avg"])
    assert rec.loss_after == pytest.approx(s.net.loss(s.X_train, s.Y_train, s.loss), rel=1e-15)
    assert rec.loss_before_eval == rec.loss  # no dropout: the same number either way


@pytest.mark.parametrize("config", OPTIMIZERS, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
def test_update_detail_reproduces_every_weight_bit_for_bit(config):
    s = Session({"dataset": "quadrants", **config})
    for step in range(3):  # the first step creates the buffers; later ones use them
        rec = explain.explain_step(s)
        for i, p in enumerate(rec.params_after):
            for idx in np.ndindex(p.shape):
                q = explain.update_detail(rec, i, idx)
                assert q["w_new"] == q["w_after"] == p[idx], (step, i, idx, q)


def test_update_detail_names_the_quantities_of_each_rule():
    q = explain.update_detail(explain.explain_step(_session(optimizer="adam")), 0, (0, 0))
    assert {"g", "m_old", "m", "v_old", "v", "m_hat", "v_hat", "w_new"} <= set(q)
    s = Session({"dataset": "xor", "optimizer": "sgd", "momentum": 0.9})
    q = explain.update_detail(explain.explain_step(s), 0, (0, 0))
    assert q["buf_old"] is None and q["buf"] == q["g"]  # the first buffer is the gradient itself


def test_a_training_point_is_a_row_of_the_batch():
    s = _session(dataset="quadrants")
    rec = explain.explain_step(s)
    i = 7
    t = explain.sample_trace(rec, ("train", i))
    assert t.in_batch and t.split == "train" and t.index == i
    a = s.X_train[i]
    for l in range(len(rec.sizes) - 1):
        W, b = rec.params_before[2 * l], rec.params_before[2 * l + 1]
        z = a @ W + b  # the forward pass, written out
        np.testing.assert_allclose(t.z[l], z, rtol=1e-12, atol=1e-15)
        a = np.tanh(z) if l < len(rec.sizes) - 2 else np.exp(z) / np.exp(z).sum()
        np.testing.assert_allclose(t.a[l + 1], a, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(t.delta[-1], t.a[-1] - np.eye(4)[s.Y_train[i]], rtol=1e-12, atol=1e-15)
    assert t.loss == pytest.approx(-np.log(t.a[-1][s.Y_train[i]]), rel=1e-12)


def test_per_point_gradients_average_to_the_batch_gradient():
    s = _session(dataset="circle")
    rec = explain.explain_step(s)
    n = rec.n
    dW = [np.zeros_like(W) for W in rec.params_before[0::2]]
    for i in range(n):
        gW, _ = explain.sample_grads(explain.sample_trace(rec, ("train", i)))
        for acc, g in zip(dW, gW):
            acc += g / n
    for acc, g in zip(dW, rec.grads[0::2]):
        np.testing.assert_allclose(acc, g, rtol=1e-10, atol=1e-14)


def test_a_test_point_goes_through_the_same_weights_alone():
    s = _session()
    rec = explain.explain_step(s)
    t = explain.sample_trace(rec, ("test", 3))
    assert not t.in_batch
    net = MLP.from_dict(s.net.to_dict())
    for p, q in zip(net.params, rec.params_before):
        p[...] = q
    loss, grads = net.loss_and_grads(s.X_test[3:4], s.Y_test[3:4], s.loss, train=False)
    assert t.loss == loss
    gW, gb = explain.sample_grads(t)
    for ours, theirs in zip(gW, grads[0::2]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


def test_audit_uses_the_current_weights_and_changes_nothing():
    s = _session(dataset="moons")
    before = [p.copy() for p in s.net.params]
    trace = s.net.trace
    n = s.X_train.shape[0]
    dW = [np.zeros_like(W) for W in s.net.W]
    for i in range(n):
        gW, _ = explain.sample_grads(explain.audit(s, ("train", i)))
        for acc, g in zip(dW, gW):
            acc += g / n
    _, grads = MLP.from_dict(s.net.to_dict()).loss_and_grads(s.X_train, s.Y_train, s.loss, train=False)
    for acc, g in zip(dW, grads[0::2]):
        np.testing.assert_allclose(acc, g, rtol=1e-10, atol=1e-14)
    assert s.net.trace is trace
    for p, q in zip(s.net.params, before):
        np.testing.assert_array_equal(p, q)


def test_dropout_is_part_of_the_explained_step():
    s = _session(dropout=0.5)
    rec = explain.explain_step(s)
    t = explain.sample_trace(rec, ("train", 0))
    assert t.masks[0] is not None and set(np.unique(t.masks[0])) <= {0.0, 2.0}
    np.testing.assert_allclose(t.a[1], np.tanh(t.z[0]) * t.masks[0], rtol=1e-12, atol=1e-15)


def test_bad_points_are_refused():
    s = _session()
    rec = explain.explain_step(s)
    for bad in [("train", -1), ("train", 10**6), ("valid", 0), ("test", 1.5)]:
        with pytest.raises(ValueError):
            explain.sample_trace(rec, bad)


def test_a_diverging_step_changes_nothing():
    s = Session({"dataset": "sine", "optimizer": "sgd", "lr": 100.0})
    while True:  # run away until a step would overflow
        before = [p.copy() for p in s.net.params]
        state = s.optimizer.to_dict()
        try:
            explain.explain_step(s)
        except ValueError as e:
            assert "diverges" in str(e)
            break
        assert s.steps < 500, "never diverged"
    for p, q in zip(s.net.params, before):
        np.testing.assert_array_equal(p, q)
    assert s.optimizer.to_dict() == state


def test_live_check_is_the_two_point_difference_for_the_largest_gradient():
    s = _session(dataset="spiral", l2=0.01)
    c = explain.live_check(s)
    _, grads = MLP.from_dict(s.net.to_dict()).loss_and_grads(s.X_train, s.Y_train, s.loss, l2=0.01, train=False)
    weights = np.concatenate([g.ravel() for g in grads[0::2]])
    assert abs(c["analytic"]) == np.abs(weights).max()
    assert c["analytic"] == grads[c["param"]][c["index"]]
    net = MLP.from_dict(s.net.to_dict())
    flat = net.params[c["param"]]

    def loss_at(v):
        flat[c["index"]] = v
        return net.loss(s.X_train, s.Y_train, s.loss, l2=0.01)
    assert c["numeric"] == two_point(loss_at, c["w"], c["eps"])
    assert c["loss_plus"] - c["loss_minus"] == pytest.approx(2 * c["eps"] * c["numeric"], rel=1e-12)
    assert c["relative_error"] <= 1e-7


def test_full_check_is_nn_gradcheck():
    s = _session(dataset="spiral")
    r = explain.full_check(s)
    assert r["points"] == explain.check_points(s) and r["n_params"] == s.net.n_params
    ref = run_gradcheck(MLP.from_dict(s.net.to_dict()), s.X_train[:r["points"]], s.Y_train[:r["points"]], s.loss)
    assert r["relative_error"] == float(ref) and r["relative_error"] <= 1e-8
    assert (r["param"], r["index"], r["analytic"], r["numeric"]) == (*ref.worst, ref.analytic, ref.numeric)
    assert len(r["per_param"]) == len(s.net.params) and r["largest"] == max(r["per_param"]) <= 1e-8


def test_full_check_counts_relu_inputs_near_the_kink():
    s = Session({"dataset": "digits", "n": 200})
    s.step(2, until_stop=False)
    r = explain.full_check(s)
    m = r["points"]
    A, Z = s.X_train[:m], []
    for W, b in zip(s.net.params[0:-2:2], s.net.params[1:-2:2]):  # every hidden relu layer, written out
        Z.append(A @ W + b)
        A = np.maximum(Z[-1], 0)
    Z = np.concatenate([z.ravel() for z in Z])
    assert r["kink_inputs"] == Z.size and r["near_kink"] == int((np.abs(Z) < explain.KINK).sum())
    assert explain.full_check(_session())["kink_inputs"] == 0  # tanh has no kink


def test_full_check_uses_fewer_points_for_more_parameters():
    small, big = _session(), Session({"dataset": "xor", "hidden": [64, 64]})
    assert explain.check_points(small) == small.X_train.shape[0]
    assert explain.check_points(big) * big.net.n_params <= explain.CHECK_WORK
    assert explain.check_points(big) >= explain.CHECK_POINTS[0]


@pytest.mark.parametrize("dataset", ["quadrants", "spiral", "plane"])  # softmax, sigmoid and linear heads
@pytest.mark.parametrize("directions", ["weights", "random"])
def test_the_loss_surface_is_the_loss_at_each_point(directions, dataset):
    s = _session(dataset=dataset, l1=0.001, l2=0.01)
    net = s.net
    if directions == "weights":
        d1, d2 = explain.weight_direction(net, 0, (0, 1)), explain.weight_direction(net, 2, (3, 0))
    else:
        d1, d2 = explain.random_directions(net, np.random.default_rng(1))
    ts, L = explain.loss_surface(net, s.X_train, s.Y_train, s.loss, d1, d2, 2.0, res=9, l1=0.001, l2=0.01)
    assert L.shape == (9, 9) and ts[0] == -2.0 and ts[-1] == 2.0
    for jb, ia in [(0, 0), (4, 4), (8, 2), (3, 7)]:
        twin = MLP.from_dict(net.to_dict())
        for p, q, a, b in zip(twin.params, net.params, d1, d2):
            p[...] = q + ts[ia] * a + ts[jb] * b
        assert L[jb, ia] == pytest.approx(twin.loss(s.X_train, s.Y_train, s.loss, l1=0.001, l2=0.01), rel=1e-12)
    assert L[4, 4] == pytest.approx(net.loss(s.X_train, s.Y_train, s.loss, l1=0.001, l2=0.01), rel=1e-12)


def test_the_loss_surface_of_the_largest_network_stays_within_its_work_bound():
    big = Session({"dataset": "digits", "hidden": [limits.MAX_WIDTH_DIGITS] * limits.MAX_HIDDEN_LAYERS})
    m, res = explain.surface_points(big), explain.SURFACE_RES
    assert 1 <= m < big.X_train.shape[0]
    assert res * res * big.net.n_params * (m + 1) <= explain.SURFACE_COST
    small = _session(dataset="spiral")
    assert explain.surface_points(small) == small.X_train.shape[0]


def test_random_directions_are_scaled_like_the_weights_and_orthogonal():
    s = _session(dataset="moons")
    d1, d2 = explain.random_directions(s.net, np.random.default_rng(0))
    for d, p in zip(d1, s.net.params):
        assert np.linalg.norm(d) == pytest.approx(np.linalg.norm(p), rel=1e-12)
    f1, f2 = np.concatenate([d.ravel() for d in d1]), np.concatenate([d.ravel() for d in d2])
    assert abs(f1 @ f2) <= 1e-9 * (f1 @ f1)
    assert np.linalg.norm(f2) == pytest.approx(np.linalg.norm(f1), rel=1e-12)
    point = [p + 0.3 * a - 0.7 * b for p, a, b in zip(s.net.params, d1, d2)]
    ab = explain.project(np.concatenate([q.ravel() for q in point])[None, :], s.net.params, d1, d2)
    np.testing.assert_allclose(ab, [[0.3, -0.7]], atol=1e-10)


def test_largest_weight_gradient_ignores_biases():
    grads = [np.array([[0.1, -0.5]]), np.array([9.0, 9.0]), np.array([[0.2], [-0.7]]), np.array([8.0])]
    assert explain.largest_weight_gradient(grads) == (2, (1, 0))


def test_optimizers_from_dict_keep_the_trial_step_exact():
    # explain_step tries a step on a copy made by optim.from_dict: it must be the real step
    s = _session(optimizer="adam")
    trial = optim.from_dict(s.optimizer.to_dict(), [p.copy() for p in s.net.params])
    _, grads = s.net.loss_and_grads(s.X_train, s.Y_train, s.loss)
    trial.step(grads)
    s.optimizer.step(grads)
    for p, q in zip(trial.params, s.net.params):
        np.testing.assert_array_equal(p, q)


def test_plane_descent_along_two_weights_is_gradient_descent_on_them_alone():
    s = _session(dataset="moons")
    net = s.net
    a, b = (0, (0, 1)), (2, (3, 0))
    path, values = explain.plane_descent(net, s.X_train, s.Y_train, s.loss, explain.weight_direction(net, *a),
                                         explain.weight_direction(net, *b), 0.5, steps=4)
    twin = MLP.from_dict(net.to_dict())
    for k in range(5):
        loss, grads = twin.loss_and_grads(s.X_train, s.Y_train, s.loss, train=False)
        assert values[k] == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(path[k], [twin.params[0][0, 1] - net.params[0][0, 1],
                                             twin.params[2][3, 0] - net.params[2][3, 0]], atol=1e-12)
        twin.params[0][0, 1] -= 0.5 * grads[0][0, 1]
        twin.params[2][3, 0] -= 0.5 * grads[2][3, 0]
    assert values[-1] < values[0]


def test_the_full_check_of_a_large_network_stays_within_its_work_bound():
    """Digits with six layers of 64 (25,610 parameters) used to take 42 s in the page: now a seeded
    sample of parameters is checked, within CHECK_COST multiply-adds, and its estimates are right."""
    s = Session({"dataset": "digits", "hidden": [64] * 6, "activation": "tanh"})
    s.step(1)
    r = explain.full_check(s)
    assert r["checked"] < r["n_params"] == s.net.n_params
    assert 4 * r["checked"] * r["points"] * r["n_params"] <= explain.CHECK_COST
    assert r["largest"] < 1e-7  # tanh is smooth: the sampled estimates agree with backprop
    assert sum(e is not None for e in r["per_param"]) >= 2
    small = explain.full_check(Session({"dataset": "xor"}))
    assert small["checked"] == small["n_params"]  # a small network is checked whole


def test_a_loss_too_large_for_finite_differences_is_said_so():
    s = Session({"dataset": "sine", "hidden": [8]})
    assert not explain.full_check(s)["too_large"] and not explain.live_check(s)["too_large"]
    s.net.flat[...] *= 1e100  # the kind of weights a diverged run used to be "restored" to
    s.refresh_metrics()
    r, c = explain.full_check(s), explain.live_check(s)
    assert r["loss"] > 1e150 and r["too_large"] and c["too_large"]
    assert r["rounding"] == pytest.approx(1.1e-16 * r["loss"] / 1e-4)


@pytest.mark.parametrize("config, epochs", [({}, 0), ({}, 50), ({}, 150), ({"dataset": "moons"}, 30),
                                            ({"dataset": "sine"}, 40), ({"dataset": "digits", "n": 200}, 5)])
def test_the_landscape_offers_a_rate_that_descends_and_one_that_overshoots(config, epochs):
    """Found on the plane itself: the good rate's 15 steps stay on the plot and end lower, the
    overshooting one's end higher than they started or leave the plot (the truth: running them)."""
    s = Session(config)
    s.step(epochs)
    m = explain.surface_points(s)
    X, Y = s.X_train[:m], s.Y_train[:m]
    _, grads = explain._clone(s.net).backprop(X, Y, s.loss, 0.0, 0.0, train=False)
    a = explain.largest_weight_gradient(grads)
    grads[a[0]][a[1]] = 0.0
    d1, d2 = explain.weight_direction(s.net, *a), explain.weight_direction(s.net, *explain.largest_weight_gradient(grads))
    rates = explain.teaching_rates(s.net, X, Y, s.loss, d1, d2, 1.0)
    assert {"good", "overshoot"} <= set(rates) and rates["good"] < rates["overshoot"]
    path, values = explain.plane_descent(s.net, X, Y, s.loss, d1, d2, rates["good"], 15, bound=1.0)
    assert len(path) == 16 and np.abs(path).max() <= 1.0 and values[-1] < values[0]
    path, values = explain.plane_descent(s.net, X, Y, s.loss, d1, d2, rates["overshoot"], 15, bound=1.0)
    assert values[-1] > values[0] or np.abs(path[-1]).max() > 1.0


def test_a_descent_that_leaves_the_plot_stops_there_and_is_drawn_to_its_edge():
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "site"))
    from playground.logic import explain_text as et, teach_draw
    path = np.array([[0.0, 0.0], [0.5, 0.2], [-0.8, -0.4], [1.6, 0.8]])
    clipped = teach_draw.clip_path(path, 1.0)
    np.testing.assert_allclose(clipped, [[0, 0], [0.5, 0.2], [-0.8, -0.4], [1.0, 0.5]])  # on the line from (-0.8, -0.4)
    assert np.array_equal(teach_draw.clip_path(path[:3], 1.0), path[:3])
    text = et.descent_sentence(path, [0.5, 0.4, 0.6, 2.0], 3.0, 1.0)
    assert text.startswith("With learning rate 3 the path left the plotted area at step 3")
