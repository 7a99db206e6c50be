"""Optimizers and schedules without torch: hand-worked values, JSON round trips, bad input."""
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn import optim, schedules

# One configuration per optimizer with every state buffer in use.
FULL = {
    "sgd": dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "rmsprop": dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.01),
    "adam": dict(lr=0.01, amsgrad=True, weight_decay=0.01),
    "adamw": dict(lr=0.01, amsgrad=True),
    "adagrad": dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
    "nadam": dict(lr=0.01, weight_decay=0.01, momentum_decay=0.01),
}
SHAPES = [(3, 2), (2,), ()]


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=s) for s in SHAPES]
    c = [rng.uniform(-1, 1, size=s) for s in SHAPES]

    def grads(ps):  # gradient of sum(sin(p)·c + p²/4): depends on the current params
        return [np.cos(p) * ci + p / 2 for p, ci in zip(ps, c)]

    return params, grads


def _one(value):
    return np.array([value], dtype=np.float64)


# --- first steps worked out by hand -------------------------------------------------------------

def test_sgd_momentum_first_step_uses_the_gradient_itself():
    # b₁ = g = 0.5 (not zeros, not (1 − τ)·g);  θ = 1 − 0.1·0.5 = 0.95
    # b₂ = 0.9·0.5 + (1 − 0.5)·0.5 = 0.7;       θ = 0.95 − 0.1·0.7 = 0.88
    p = _one(1.0)
    opt = optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    opt.step([_one(0.5)])
    assert opt.state[0]["momentum_buffer"][0] == 0.5
    assert p[0] == pytest.approx(0.95, rel=1e-15)
    opt.step([_one(0.5)])
    assert opt.state[0]["momentum_buffer"][0] == pytest.approx(0.7, rel=1e-15)
    assert p[0] == pytest.approx(0.88, rel=1e-15)
    assert opt.state[0]["step"] == 2


def test_nadam_first_step_by_hand():
    # t = 1, ψ = 0.004: μ₁ = 0.9·(1 − ½·0.96^0.004) ≈ 0.450073, μ₂ = 0.9·(1 − ½·0.96^0.008) ≈ 0.450147
    # m = 0.1·0.5 = 0.05;  v = 0.001·0.25;  v̂ = 0.25, √v̂ = 0.5
    # θ = 1 − 0.1·(1 − μ₁)/(1 − μ₁)·0.5/0.5 − 0.1·μ₂/(1 − μ₁μ₂)·0.05/0.5 ≈ 0.894355
    mu1, mu2 = 0.9 * (1 - 0.5 * 0.96**0.004), 0.9 * (1 - 0.5 * 0.96**0.008)
    p = _one(1.0)
    opt = optim.NAdam([p], lr=0.1)
    opt.step([_one(0.5)])
    denom = 0.5 + 1e-8
    assert p[0] == pytest.approx(1 - 0.1 * 0.5 / denom - 0.1 * mu2 / (1 - mu1 * mu2) * 0.05 / denom, rel=1e-14)
    assert p[0] == pytest.approx(0.894355, abs=1e-6)
    assert opt.state[0]["mu_product"] == pytest.approx(mu1, rel=1e-15)


def test_sgd_nesterov_first_step():
    # b₁ = g = 0.5;  step along g + μ·b₁ = 0.5 + 0.9·0.5 = 0.95;  θ = 1 − 0.1·0.95 = 0.905
    p = _one(1.0)
    optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True).step([_one(0.5)])
    assert p[0] == pytest.approx(0.905, rel=1e-15)


def test_adam_first_step_moves_by_lr():
    # m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025;  m̂ = 0.5, v̂ = 0.25, √v̂ = 0.5
    # θ = 1 − 0.1·0.5 / (0.5 + 1e-8) ≈ 0.9: the first Adam step has size lr whatever |g| is
    p = _one(1.0)
    opt = optim.Adam([p], lr=0.1)
    opt.step([_one(0.5)])
    assert opt.state[0]["exp_avg"][0] == pytest.approx(0.05, rel=1e-15)
    assert opt.state[0]["exp_avg_sq"][0] == pytest.approx(0.00025, rel=1e-12)
    assert p[0] == pytest.approx(1 - 0.1 * 0.5 / (0.5 + 1e-8), rel=1e-15)
    assert p[0] == pytest.approx(0.9, rel=1e-7)


def test_amsgrad_takes_the_max_of_the_raw_second_moment():
    # g = 1 then 0, β = (0.9, 0.999).  Raw v: 0.001 then 0.000999; the max stays 0.001.
    # Step 2 divides by √(0.001 / (1 − 0.999²)) + ε = √0.50025… (max of raw v, corrected after).
    # Taking the max of the *corrected* v (1 then 0.49975) would divide by 1 instead.
    p = _one(0.0)
    opt = optim.Adam([p], lr=0.1, amsgrad=True)
    opt.step([_one(1.0)])
    after_first = p[0]
    opt.step([_one(0.0)])
    m = 0.9 * 0.1  # m₂
    denom = math.sqrt(0.001 / (1 - 0.999**2)) + 1e-8
    expected = after_first - 0.1 / (1 - 0.9**2) * m / denom
    assert opt.state[0]["max_exp_avg_sq"][0] == pytest.approx(0.001, rel=1e-12)
    assert p[0] == pytest.approx(expected, rel=1e-12)


def test_adam_weight_decay_is_l2_but_adamw_is_decoupled():
    # g = 0, θ = 1, lr = 0.1, λ = 0.5.
    # Adam: g ← g + λθ = 0.5, so the first step is ≈ lr: θ ≈ 0.9.
    # AdamW: θ ← θ·(1 − lr·λ) = 0.95, and m = v = 0 leaves it there exactly.
    p = _one(1.0)
    optim.Adam([p], lr=0.1, weight_decay=0.5).step([_one(0.0)])
    assert p[0] == pytest.approx(0.9, rel=1e-7)
    q = _one(1.0)
    optim.AdamW([q], lr=0.1, weight_decay=0.5).step([_one(0.0)])
    assert q[0] == 0.95


def test_rmsprop_first_step_has_no_bias_correction():
    # v = 0.01·g²; √v = 0.1·|g|; θ −= lr·g / (0.1·|g| + ε) ≈ 10·lr = 0.1 (not lr as in Adam)
    p = _one(1.0)
    optim.RMSprop([p], lr=0.01).step([_one(0.5)])
    assert p[0] == pytest.approx(1 - 0.01 * 0.5 / (math.sqrt(0.01 * 0.25) + 1e-8), rel=1e-15)
    assert p[0] == pytest.approx(0.9, rel=1e-6)


def test_adagrad_lr_decay_starts_from_lr():
    # step 1: clr = lr;  s = 0.25;  θ = 1 − 0.1·0.5/0.5 ≈ 0.9
    # step 2: clr = 0.1 / (1 + 0.5) ;  s = 0.5;  θ −= clr·0.5/√0.5
    p = _one(1.0)
    opt = optim.Adagrad([p], lr=0.1, lr_decay=0.5)
    opt.step([_one(0.5)])
    assert p[0] == pytest.approx(1 - 0.1 * 0.5 / (0.5 + 1e-10), rel=1e-15)
    first = p[0]
    opt.step([_one(0.5)])
    assert p[0] == pytest.approx(first - 0.1 / 1.5 * 0.5 / (math.sqrt(0.5) + 1e-10), rel=1e-15)


# --- behaviour shared by all optimizers ---------------------------------------------------------

@pytest.mark.parametrize("name", optim.NAMES)
def test_updates_in_place_and_leaves_grads_alone(name):
    params, grads = _problem()
    ids = [id(p) for p in params]
    before = [p.copy() for p in params]
    opt = optim.make(name, params, **FULL[name])
    for _ in range(3):
        g = grads(params)
        g_before = [x.copy() for x in g]
        opt.step(g)
        for x, y in zip(g, g_before):
            np.testing.assert_array_equal(x, y)
    assert [id(p) for p in opt.params] == ids
    assert all(not np.array_equal(p, b) for p, b in zip(params, before))
    assert all(isinstance(v, np.ndarray) and v.shape == p.shape
               for s, p in zip(opt.state, params) for k, v in s.items() if k not in optim.SCALAR_STATE)
    assert [s["step"] for s in opt.state] == [3, 3, 3]


@pytest.mark.parametrize("name", optim.NAMES)
def test_maximize_is_a_step_along_minus_the_gradient(name):
    a, grads = _problem()
    b = [p.copy() for p in a]
    up = optim.make(name, a, maximize=True, **FULL[name])
    down = optim.make(name, b, **FULL[name])
    for _ in range(5):
        up.step(grads(a))
        down.step([-g for g in grads(b)])
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("name", optim.NAMES)
def test_round_trip_through_json_continues_bit_identically(name):
    params, grads = _problem()
    opt = optim.make(name, params, **FULL[name])
    for _ in range(5):
        opt.step(grads(params))
    text = json.dumps(opt.to_dict())
    copies = [p.copy() for p in params]
    again = optim.from_dict(json.loads(text), copies)
    assert type(again) is type(opt) and again.hyperparameters() == opt.hyperparameters()
    for _ in range(10):
        opt.step(grads(params))
        again.step(grads(copies))
    for ours, theirs in zip(params, copies):
        np.testing.assert_array_equal(ours, theirs)
    assert json.dumps(again.to_dict()) == json.dumps(opt.to_dict())


@pytest.mark.parametrize("name", optim.NAMES)
def test_changing_lr_between_steps_keeps_state(name):
    params, grads = _problem()
    opt = optim.make(name, params, **FULL[name])
    opt.step(grads(params))
    buffers = {k: v for k, v in opt.state[0].items() if k not in optim.SCALAR_STATE}
    opt.lr = opt.lr / 2
    opt.step(grads(params))
    assert opt.hyperparameters()["lr"] == FULL[name]["lr"] / 2
    assert opt.state[0]["step"] == 2
    assert all(opt.state[0][k] is v for k, v in buffers.items())


def test_defaults_and_hyperparameters_are_json_safe():
    p = [np.zeros(2)]
    assert optim.SGD(p).hyperparameters() == dict(
        lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False)
    assert optim.RMSprop(p).hyperparameters() == dict(
        lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
        maximize=False)
    assert optim.Adam(p).hyperparameters() == dict(
        lr=1e-3, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.0, amsgrad=False, maximize=False)
    assert optim.AdamW(p).hyperparameters()["weight_decay"] == 1e-2
    assert optim.Adagrad(p).hyperparameters() == dict(
        lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10,
        maximize=False)
    opt = optim.Adam(p, lr=np.float32(0.5), betas=[np.float64(0.8), 0.9])
    json.dumps(opt.to_dict())
    assert opt.betas == (0.8, 0.9)


def test_make_is_case_insensitive():
    assert isinstance(optim.make("AdamW", [np.zeros(1)]), optim.AdamW)
    assert isinstance(optim.make("RMSPROP", [np.zeros(1)]), optim.RMSprop)
    assert optim.NAMES == ("sgd", "rmsprop", "adam", "adamw", "adagrad", "nadam")


def test_state_is_created_as_pytorch_creates_it():
    p = [np.ones(2)]
    assert optim.Adam(p).state == [{"step": 0}]
    assert optim.SGD(p, momentum=0.9).state == [{"step": 0}]
    np.testing.assert_array_equal(optim.Adagrad(p, initial_accumulator_value=0.3).state[0]["sum"],
                                  [0.3, 0.3])
    opt = optim.RMSprop(p, momentum=0.5, centered=True)
    opt.step([np.ones(2)])
    assert set(opt.state[0]) == {"step", "square_avg", "momentum_buffer", "grad_avg"}


def test_turning_momentum_on_mid_run_starts_from_the_gradient():
    p = _one(1.0)
    opt = optim.SGD([p], lr=0.1)
    opt.step([_one(1.0)])
    assert "momentum_buffer" not in opt.state[0]
    opt.momentum = 0.9
    opt.step([_one(0.5)])
    assert opt.state[0]["momentum_buffer"][0] == 0.5


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=5), st.floats(0, 10))
def test_plain_sgd_is_theta_minus_lr_times_g(values, lr):
    g = np.array(values)
    p = np.linspace(-1, 1, g.size)
    expected = p - lr * g
    optim.SGD([p], lr=lr).step([g])
    np.testing.assert_array_equal(p, expected)


# --- bad input ----------------------------------------------------------------------------------

BAD_HYPERPARAMETERS = [
    ("sgd", dict(lr=-0.1), "lr"),
    ("sgd", dict(lr=float("nan")), "lr"),
    ("sgd", dict(lr="0.1"), "lr"),
    ("sgd", dict(lr=True), "lr"),
    ("sgd", dict(momentum=-0.5), "momentum"),
    ("sgd", dict(weight_decay=-1), "weight_decay"),
    ("sgd", dict(dampening=float("inf")), "dampening"),
    ("sgd", dict(nesterov=True), "nesterov"),
    ("sgd", dict(nesterov=True, momentum=0.9, dampening=0.1), "nesterov"),
    ("sgd", dict(nesterov=1, momentum=0.9), "nesterov"),
    ("sgd", dict(maximize="yes"), "maximize"),
    ("rmsprop", dict(alpha=-0.1), "alpha"),
    ("rmsprop", dict(eps=-1e-8), "eps"),
    ("rmsprop", dict(momentum=-1), "momentum"),
    ("rmsprop", dict(centered=None), "centered"),
    ("adam", dict(betas=(1.0, 0.999)), r"betas\[0\]"),
    ("adam", dict(betas=(0.9, -0.1)), r"betas\[1\]"),
    ("adam", dict(betas=(0.9,)), "betas"),
    ("adam", dict(betas=0.9), "betas"),
    ("adam", dict(eps=-1.0), "eps"),
    ("adamw", dict(weight_decay=-0.01), "weight_decay"),
    ("adamw", dict(amsgrad="no"), "amsgrad"),
    ("adagrad", dict(lr_decay=-0.1), "lr_decay"),
    ("adagrad", dict(initial_accumulator_value=-1), "initial_accumulator_value"),
    ("adagrad", dict(eps=-1.0), "eps"),
]


@pytest.mark.parametrize("name, kwargs, what", BAD_HYPERPARAMETERS)
def test_bad_hyperparameters_raise(name, kwargs, what):
    with pytest.raises(ValueError, match=what):
        optim.make(name, [np.zeros(2)], **kwargs)


def test_bad_hyperparameter_set_as_attribute_raises_at_step():
    opt = optim.Adam([np.zeros(2)])
    opt.lr = -1.0
    with pytest.raises(ValueError, match="lr must be a finite number >= 0"):
        opt.step([np.zeros(2)])


def test_unknown_name_and_keyword():
    with pytest.raises(ValueError, match="unknown optimizer 'adamax'; allowed: sgd, rmsprop"):
        optim.make("adamax", [np.zeros(1)])
    with pytest.raises(ValueError, match="unknown optimizer"):
        optim.make(None, [np.zeros(1)])
    with pytest.raises(ValueError, match="unknown hyperparameter.*beta1; allowed: lr, betas"):
        optim.make("adam", [np.zeros(1)], beta1=0.9)
    with pytest.raises(ValueError, match="momentum"):
        optim.make("adam", [np.zeros(1)], momentum=0.9)


@pytest.mark.parametrize("params, what", [
    ([], "non-empty"),
    (np.zeros(3), "non-empty list"),
    ([np.zeros(3, dtype=np.float32)], r"params\[0\] is float32"),
    ([np.zeros(2), np.arange(3)], r"params\[1\] is int64"),
    ([[0.0, 1.0]], r"params\[0\] is list"),
])
def test_bad_params_raise(params, what):
    with pytest.raises(ValueError, match=what):
        optim.SGD(params)


def test_grads_must_match_params():
    opt = optim.SGD([np.zeros((2, 3)), np.zeros(3)])
    with pytest.raises(ValueError, match="expected a list of 2 gradients, got 1"):
        opt.step([np.zeros((2, 3))])
    with pytest.raises(ValueError, match=r"grads\[1\] has shape \(4,\) but params\[1\] has "):
        opt.step([np.zeros((2, 3)), np.zeros(4)])
    with pytest.raises(ValueError, match=r"grads\[0\] has shape \(3, 2\)"):
        opt.step([np.zeros((3, 2)), np.zeros(3)])
    with pytest.raises(ValueError, match="expected a list of 2 gradients"):
        opt.step(np.zeros(3))
    assert [s["step"] for s in opt.state] == [0, 0]


def test_non_finite_gradients_are_not_the_optimizers_business():
    p = np.zeros(2)
    optim.SGD([p], lr=0.1).step([np.array([np.inf, 1.0])])
    assert p[0] == -np.inf and p[1] == -0.1


def test_from_dict_rejects_mismatches():
    params, grads = _problem()
    opt = optim.make("adam", params)
    opt.step(grads(params))
    d = json.loads(json.dumps(opt.to_dict()))
    with pytest.raises(ValueError, match="state for 3 parameters but 2 were given"):
        optim.from_dict(d, params[:2])
    what = r"state\[0\]\['exp_avg'\] has shape \(3, 2\) but params\[0\] has shape \(2, 3\)"
    with pytest.raises(ValueError, match=what):
        optim.from_dict(d, [np.zeros((2, 3))] + params[1:])
    bad = json.loads(json.dumps(d))
    bad["state"][1]["momentum_buffer"] = [0.0, 0.0]
    with pytest.raises(ValueError, match="unknown state buffer 'momentum_buffer'.*allowed: exp"):
        optim.from_dict(bad, params)
    with pytest.raises(ValueError, match="needs the keys"):
        optim.from_dict({"name": "adam"}, params)
    with pytest.raises(ValueError, match="unknown optimizer 'adamax'"):
        optim.from_dict(dict(d, name="adamax"), params)


def test_from_dict_handles_empty_and_scalar_params():
    params = [np.zeros((0, 3)), np.array(2.0)]
    opt = optim.Adam(params)
    opt.step([np.zeros((0, 3)), np.array(1.0)])
    again = optim.from_dict(json.loads(json.dumps(opt.to_dict())), [p.copy() for p in params])
    assert again.state[0]["exp_avg"].shape == (0, 3)
    assert again.state[1]["exp_avg"].shape == ()


# --- schedules ----------------------------------------------------------------------------------

def _lrs(sched, n):
    return [sched.get_last_lr()] + [(sched.step(), sched.get_last_lr())[1] for _ in range(n)]


def test_schedules_by_hand():
    opt = optim.SGD([np.zeros(1)], lr=1.0)
    assert _lrs(schedules.StepLR(opt, step_size=2, gamma=0.5), 5) == [1, 1, 0.5, 0.5, 0.25, 0.25]
    opt.lr = 1.0
    assert _lrs(schedules.ExponentialLR(opt, gamma=0.5), 3) == [1, 0.5, 0.25, 0.125]
    opt.lr = 1.0
    lrs = _lrs(schedules.CosineAnnealingLR(opt, T_max=4, eta_min=0.2), 8)
    # halfway down at T_max/2, eta_min at T_max, back to base_lr at 2·T_max
    assert lrs[2] == pytest.approx(0.6, rel=1e-15) and lrs[4] == pytest.approx(0.2, rel=1e-15)
    assert lrs[8] == pytest.approx(1.0, rel=1e-14)
    opt.lr = 1.0
    lrs = _lrs(schedules.LinearLR(opt, start_factor=0.25, total_iters=3), 5)
    assert lrs == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0, 1.0], rel=1e-15)
    assert opt.lr == lrs[-1]


def test_constant_schedule_changes_nothing():
    opt = optim.SGD([np.zeros(1)], lr=0.3)
    for name in (None, "constant", "CONSTANT"):
        sched = schedules.make(name, opt)
        assert _lrs(sched, 3) == [0.3] * 4 and sched.last_epoch == 3


def test_construction_counts_as_epoch_zero():
    opt = optim.SGD([np.zeros(1)], lr=0.3)
    sched = schedules.make("linear", opt)
    assert sched.last_epoch == 0 and sched.base_lr == 0.3
    assert opt.lr == pytest.approx(0.1, rel=1e-15)


@pytest.mark.parametrize("name, kwargs", [
    ("step", dict(step_size=3, gamma=0.5)), ("exponential", dict(gamma=0.9)),
    ("cosine", dict(T_max=4, eta_min=0.01)), ("linear", dict(start_factor=0.1, total_iters=6)),
    ("constant", {}),
])
def test_schedule_round_trip(name, kwargs):
    opt = optim.SGD([np.zeros(1)], lr=0.1)
    sched = schedules.make(name, opt, **kwargs)
    for _ in range(5):
        sched.step()
    d = json.loads(json.dumps(sched.to_dict()))
    opt2 = optim.from_dict(json.loads(json.dumps(opt.to_dict())), [np.zeros(1)])
    again = schedules.from_dict(d, opt2)
    assert opt2.lr == opt.lr and again.last_epoch == 5 and again.get_last_lr() == opt.lr
    assert _lrs(again, 20) == _lrs(sched, 20)


@pytest.mark.parametrize("name, kwargs, what", [
    ("step", dict(step_size=0), "step_size must be an integer >= 1"),
    ("step", dict(step_size=2.5), "step_size"),
    ("step", dict(step_size=2, gamma=0), "gamma must be a finite number > 0"),
    ("step", {}, "missing required argument.*step_size"),
    ("exponential", {}, "missing required argument.*gamma"),
    ("exponential", dict(gamma=float("nan")), "gamma"),
    ("exponential", dict(gamma=0.9, T_max=3), "unknown argument.*T_max; allowed: gamma"),
    ("cosine", dict(T_max=0), "T_max"),
    ("cosine", {}, "missing required argument.*T_max"),
    ("cosine", dict(T_max=10, eta_min=-0.1), "eta_min"),
    ("linear", dict(start_factor=0), r"start_factor must be in \(0, 1\]"),
    ("linear", dict(start_factor=1.5), "start_factor"),
    ("linear", dict(end_factor=1.5), r"end_factor must be in \[0, 1\]"),
    ("linear", dict(total_iters=0), "total_iters"),
    ("constant", dict(gamma=0.5), "unknown argument.*allowed: none"),
    ("warmup", {}, "unknown schedule 'warmup'; allowed: constant, step, exponential, cosine"),
])
def test_bad_schedule_arguments_raise(name, kwargs, what):
    opt = optim.SGD([np.zeros(1)], lr=0.1)
    with pytest.raises(ValueError, match=what):
        schedules.make(name, opt, **kwargs)
    assert opt.lr == 0.1


def test_schedule_needs_an_optimizer_with_lr():
    with pytest.raises(ValueError, match="needs a finite number lr"):
        schedules.StepLR(object(), step_size=1)
    with pytest.raises(ValueError, match="needs the keys"):
        schedules.from_dict({"name": "step"}, optim.SGD([np.zeros(1)]))
