"""Optimizers and lr schedules against PyTorch itself: same float64 start, 200 steps, same answer.

Each step's gradient is the gradient of f(θ) = Σ sin(θ)·c + θ²·d at the *current* parameters
(numpy for ours, torch autograd for theirs), so one wrong update rule changes every later
gradient and the difference compounds instead of hiding.
"""
import inspect

import numpy as np
import pytest

from nn import optim, schedules

torch = pytest.importorskip("torch", reason="PyTorch parity needs torch (pip install -e '.[parity]')")
torch.set_num_threads(1)

TORCH = {
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "adagrad": torch.optim.Adagrad,
    "nadam": torch.optim.NAdam,
}
SHAPES = [(4, 3), (3,), (1,), ()]


@pytest.fixture(autouse=True)
def torch_scalars_in_float64():
    """torch keeps per-parameter scalars (NAdam's mu_product, every step count) in its default
    dtype, float32 unless told: the reference must compute in float64 throughout, as we do."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)
STEPS = 200

CASES = [
    ("sgd", dict(lr=0.05)),
    ("sgd", dict(lr=0.05, momentum=0.9)),
    ("sgd", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("sgd", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("sgd", dict(lr=0.05, weight_decay=0.1)),
    ("sgd", dict(lr=0.05, momentum=0.8, dampening=0.2, weight_decay=0.1)),
    ("sgd", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("rmsprop", dict(lr=0.01)),
    ("rmsprop", dict(lr=0.01, momentum=0.9)),
    ("rmsprop", dict(lr=0.01, centered=True)),
    ("rmsprop", dict(lr=0.01, centered=True, momentum=0.9)),
    ("rmsprop", dict(lr=0.01, weight_decay=0.1)),
    # eps=1e-2 caps the effective step lr/(√v + ε); with alpha=0.9 and eps=1e-6 the run turns
    # unstable near the minimum, where a 1-ulp nudge to the gradients grows to 1e-3 in our own
    # code alone (test_cases_are_well_conditioned would flag it).
    ("rmsprop", dict(lr=0.01, alpha=0.9, eps=1e-2, centered=True, momentum=0.5, weight_decay=0.1)),
    ("adam", dict(lr=0.01)),
    ("adam", dict(lr=0.01, weight_decay=0.1)),
    ("adam", dict(lr=0.01, amsgrad=True)),
    ("adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True)),
    ("adam", dict(lr=0.01, maximize=True)),
    ("adamw", dict(lr=0.01)),
    ("adamw", dict(lr=0.01, amsgrad=True)),
    ("adamw", dict(lr=0.01, betas=(0.5, 0.9), weight_decay=0.5, amsgrad=True)),
    ("adagrad", dict(lr=0.1)),
    ("adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("adagrad", dict(lr=0.1, weight_decay=0.1)),
    ("adagrad", dict(lr=0.1, initial_accumulator_value=0.5)),
    ("adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.1,
                     eps=1e-6)),
    ("nadam", dict()),
    ("nadam", dict(lr=0.01)),
    ("nadam", dict(lr=0.01, momentum_decay=0.05)),
    ("nadam", dict(lr=0.01, weight_decay=0.1)),
    ("nadam", dict(lr=0.01, maximize=True)),
    ("nadam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, momentum_decay=0.01,
                   decoupled_weight_decay=True)),
]


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    start = [rng.normal(size=s) for s in SHAPES]
    c = [rng.uniform(-1, 1, size=s) for s in SHAPES]
    d = [rng.uniform(0.1, 0.5, size=s) for s in SHAPES]
    return start, c, d


def _numpy_grads(params, c, d):
    return [np.cos(p) * ci + 2 * p * di for p, ci, di in zip(params, c, d)]


def _torch_step(opt, params, c, d):
    opt.zero_grad()
    loss = sum((torch.sin(p) * torch.tensor(ci) + p**2 * torch.tensor(di)).sum()
               for p, ci, di in zip(params, c, d))
    loss.backward()
    opt.step()


def _assert_same(ours, theirs, label):
    for i, (a, t) in enumerate(zip(ours, theirs)):
        b = t.detach().numpy()
        if not np.allclose(a, b, rtol=1e-8, atol=1e-12):
            print(f"{label} params[{i}]: ours vs torch\n{a}\n{b}")
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12, err_msg=f"{label} params[{i}]")


def _run(name, kwargs, lr_change_at=None):
    start, c, d = _problem()
    ours = [p.copy() for p in start]
    opt = optim.make(name, ours, **kwargs)
    theirs = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in start]
    ref = TORCH[name](theirs, **kwargs)
    for step in range(STEPS):
        if step == lr_change_at:
            opt.lr = opt.lr * 0.3
            for group in ref.param_groups:
                group["lr"] = group["lr"] * 0.3
        opt.step(_numpy_grads(ours, c, d))
        _torch_step(ref, theirs, c, d)
    _assert_same(ours, theirs, f"{name} {kwargs}")
    return opt, ref, theirs


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{kw}" for n, kw in CASES])
def test_optimizer_matches_torch_for_200_steps(name, kwargs):
    opt, ref, theirs = _run(name, kwargs)
    # The state the UI shows is torch's state, under torch's names.
    for state, t in zip(opt.state, theirs):
        torch_state = ref.state[t]
        assert state["step"] == int(torch_state.get("step", STEPS))
        for key, value in state.items():
            if key != "step":
                np.testing.assert_allclose(value, torch_state[key].numpy(), rtol=1e-7, atol=1e-12,
                                           err_msg=f"state {key!r}: ours vs torch")
        assert {k for k in torch_state if k != "step"} == {k for k in state if k != "step"}


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{kw}" for n, kw in CASES])
def test_cases_are_well_conditioned(name, kwargs):
    # Parity at rtol=1e-8 only means something if rounding alone cannot move the result that
    # far: torch's kernels round differently from numpy's (e.g. fused multiply-adds), so a
    # 1-ulp nudge to every gradient, in our own code, must stay far below the tolerance.
    start, c, d = _problem()
    a, b = [p.copy() for p in start], [p.copy() for p in start]
    opt_a, opt_b = optim.make(name, a, **kwargs), optim.make(name, b, **kwargs)
    for _ in range(STEPS):
        opt_a.step(_numpy_grads(a, c, d))
        opt_b.step([g * (1 + 2.0**-52) for g in _numpy_grads(b, c, d)])
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-11, atol=1e-14, err_msg="ill-conditioned case")


@pytest.mark.parametrize("name", optim.NAMES)
def test_changing_lr_mid_run_matches_torch(name):
    kwargs = next(kw for n, kw in CASES[::-1] if n == name)  # the case with every option on
    _run(name, kwargs, lr_change_at=STEPS // 2)


@pytest.mark.parametrize("name", optim.NAMES)
def test_defaults_are_torchs(name):
    ours = inspect.signature(optim._OPTIMIZERS[name]).parameters
    theirs = inspect.signature(TORCH[name]).parameters
    for key in optim._OPTIMIZERS[name].HYPERPARAMETERS:
        assert ours[key].default == theirs[key].default, f"{name}.{key}: ours vs torch"
    assert list(ours)[:len(ours) - 1] == list(theirs)[:len(ours) - 1]  # same positional order


SCHEDULE_CASES = [
    ("step", torch.optim.lr_scheduler.StepLR, dict(step_size=1, gamma=0.5)),
    ("step", torch.optim.lr_scheduler.StepLR, dict(step_size=7, gamma=0.9)),
    ("step", torch.optim.lr_scheduler.StepLR, dict(step_size=30)),
    ("exponential", torch.optim.lr_scheduler.ExponentialLR, dict(gamma=0.95)),
    ("exponential", torch.optim.lr_scheduler.ExponentialLR, dict(gamma=0.5)),
    ("exponential", torch.optim.lr_scheduler.ExponentialLR, dict(gamma=1.03)),
    ("cosine", torch.optim.lr_scheduler.CosineAnnealingLR, dict(T_max=10)),
    ("cosine", torch.optim.lr_scheduler.CosineAnnealingLR, dict(T_max=30, eta_min=0.001)),
    ("cosine", torch.optim.lr_scheduler.CosineAnnealingLR, dict(T_max=100, eta_min=0.05)),
    ("cosine", torch.optim.lr_scheduler.CosineAnnealingLR, dict(T_max=1, eta_min=0.01)),
    ("cosine", torch.optim.lr_scheduler.CosineAnnealingLR, dict(T_max=7, eta_min=0.2)),
    ("linear", torch.optim.lr_scheduler.LinearLR, dict()),
    ("linear", torch.optim.lr_scheduler.LinearLR, dict(start_factor=0.1, total_iters=10)),
    ("linear", torch.optim.lr_scheduler.LinearLR, dict(start_factor=1.0, end_factor=0.0,
                                                      total_iters=50)),
    ("linear", torch.optim.lr_scheduler.LinearLR, dict(start_factor=0.5, end_factor=0.5,
                                                      total_iters=3)),
]


def _schedule_lrs(name, cls, kwargs, lr_change_at=None):
    opt = optim.SGD([np.zeros(1)], lr=0.1)
    sched = schedules.make(name, opt, **kwargs)
    t_opt = torch.optim.SGD([torch.zeros(1, dtype=torch.float64, requires_grad=True)], lr=0.1)
    t_sched = cls(t_opt, **kwargs)
    ours, theirs = [sched.get_last_lr()], [t_sched.get_last_lr()[0]]
    for epoch in range(1, 101):
        if epoch == lr_change_at:  # a hand-made change carries on through the schedule
            opt.lr *= 0.5
            t_opt.param_groups[0]["lr"] *= 0.5
        t_opt.step()
        t_sched.step()
        sched.step()
        assert sched.last_epoch == t_sched.last_epoch == epoch
        ours.append(sched.get_last_lr())
        theirs.append(t_sched.get_last_lr()[0])
        assert opt.lr == sched.get_last_lr()
    return np.array(ours), np.array(theirs)


@pytest.mark.parametrize("name, cls, kwargs", SCHEDULE_CASES,
                         ids=[f"{n}-{kw}" for n, _, kw in SCHEDULE_CASES])
def test_schedule_matches_torch_for_100_epochs(name, cls, kwargs):
    ours, theirs = _schedule_lrs(name, cls, kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0, err_msg="lr: ours vs torch")


@pytest.mark.parametrize("name, cls, kwargs", SCHEDULE_CASES[::3],
                         ids=[f"{n}-{kw}" for n, _, kw in SCHEDULE_CASES[::3]])
def test_schedule_chains_a_manual_lr_change_like_torch(name, cls, kwargs):
    ours, theirs = _schedule_lrs(name, cls, kwargs, lr_change_at=5)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0, err_msg="lr: ours vs torch")


def test_schedule_arguments_and_defaults_are_torchs():
    for name, cls, _ in SCHEDULE_CASES:
        ours = inspect.signature(schedules._SCHEDULES[name]).parameters
        theirs = inspect.signature(cls).parameters
        for key in schedules._SCHEDULES[name].ARGUMENTS:
            assert ours[key].default == theirs[key].default, f"{name}.{key}: ours vs torch"
