"""One training step, explained: every number of a real step kept, for a page to show and check.

    rec = explain_step(session)              # one real optimizer step on the whole training split
    rec.trace.Z, rec.trace.dZ, rec.grads     # the batch: forward and backward, layer by layer
    s = sample_trace(rec, ("train", 7))      # one point: its z, a, δ = ∂ℓ/∂z and its loss term ℓ
    update_detail(rec, 0, (1, 2))            # how the optimizer moved W[0][1, 2], quantity by quantity

The explained step's batch is the whole training split (one full-batch step), so its loss is the
training loss and every training point is in it. Training by epochs takes the same kind of step on
shuffled mini-batches; the explained step does not draw from that shuffle.

The loss is a mean over points, L = (1/n) Σᵢ ℓᵢ (+ penalty), so a point's own delta is
δ = ∂ℓᵢ/∂z = n · dZ[row], and the batch gradient averages aᵢ·δⱼ over the points.

For the other teaching panels: `audit` (one point through the current weights), `live_check` (the
two-point estimate for the weight with the largest gradient), `full_check` (nn.gradcheck's
four-point check of every parameter) and `loss_surface` (the loss over a plane of weights).
"""
import copy
from dataclasses import dataclass

import numpy as np

from ..core import losses, optim
from ..core.gradcheck import EPS, four_point, numeric_gradient, two_point
from ..core.mlp import Trace, forward_layers

LIVE_EPS = 1e-5          # two-point ε: truncation ε²·L‴/6 and rounding 1e-16·L/ε both ≈ 1e-10
CHECK_WORK = 100_000     # the full check uses at most this many (parameter × point) pairs ...
CHECK_POINTS = (20, 400)  # ... and this many training points: from 20 up to 400 ...
CHECK_COST = 3 * 10**8   # ... and at most this many multiply-adds (under a second in the page): a
#                          bigger network has a random sample of its parameters checked
SURFACE_RES = 41          # the loss landscape's grid: SURFACE_RES x SURFACE_RES weight sets ...
SURFACE_POINTS = 1000     # ... each on at most this many training points (the first ones) ...
SURFACE_COST = 3 * 10**8  # ... and at most this many multiply-adds in all (well under a second in
#                           the page): a bigger network's surface is the loss on fewer points
ROUNDING = 1.1e-16       # float64's relative rounding: a loss L is known to about ROUNDING·|L|
KINK = 1e-3               # a relu input z this close to 0 may be straddled by the check's nudges


@dataclass
class StepRecord:
    """Everything about one explained step (params, grads, state: lists aligned with net.params)."""

    n: int                  # points in the batch (the whole training split)
    params_before: list
    params_after: list
    grads: list             # ∂L/∂θ, penalties included: what the optimizer was given
    trace: Trace            # the batch's forward and backward pass, at params_before
    loss: float             # L at params_before, as differentiated (dropout on, if set)
    loss_after: float       # L at params_after, dropout off
    loss_before_eval: float  # L at params_before, dropout off (compare with loss_after)
    optimizer: str
    hyper: dict             # the optimizer's hyperparameters at the step
    state_before: list      # opt.state copies: {"step": t, "exp_avg": ..., ...} per parameter
    state_after: list
    notes: list             # per parameter: what the optimizer's rule noted while it ran (nn.optim)
    loss_name: str
    output: str
    activation: list
    sizes: list
    negative_slope: float   # leaky_relu's slope
    steps: int              # session.steps after the step
    version: int            # session.version after the step: stale once the session moves on
    _session: object = None


@dataclass
class SampleTrace:
    """One point through the network: lists per layer l (a[0] = x, a[-1] = ŷ)."""

    split: str
    index: int
    x: np.ndarray           # its input features (n_in,)
    target: object          # its row of Y as the loss reads it: (k,) floats, or a class label
    z: list                 # z[l] (fan_out,)
    a: list                 # a[l + 1] = f(z[l]) (after dropout, in a step that drops)
    masks: list             # dropout masks per hidden layer, or None
    delta: list             # δ[l] = ∂ℓ/∂z[l] (fan_out,)
    loss: float             # ℓ, this point's term of the mean
    in_batch: bool          # True if the point was part of the step's batch


def _clone(net, params=None):
    """A shallow copy of net with its own copy of the parameters (of `params` if given), laid out
    as the net lays them out (views of one vector, when it keeps one), and its own trace."""
    twin = copy.copy(net)
    source = net.params if params is None else params
    flat = np.concatenate([p.reshape(-1) for p in source])
    twin.params, k = [], 0
    for p in source:
        twin.params.append(flat[k:k + p.size].reshape(p.shape))
        k += p.size
    if hasattr(net, "flat"):
        twin.flat = flat
    twin.trace = Trace()
    return twin


def _split_data(session, split):
    if split == "train":
        return session.X_train, session.Y_train
    if split == "test":
        return session.X_test, session.Y_test
    raise ValueError(f"split must be 'train' or 'test', got {split!r}")


def _check_sample(session, sample):
    split, index = ("train", 0) if sample is None else sample
    X, _ = _split_data(session, split)
    if not isinstance(index, (int, np.integer)) or not 0 <= index < X.shape[0]:
        raise ValueError(f"{split} index must be 0 to {X.shape[0] - 1}, got {index!r}")
    return split, int(index)


def _state_copy(state):
    return [{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in s.items()} for s in state]


def _finite(arrays):
    return all(np.all(np.isfinite(a)) for a in arrays)


# -- the explained step ---------------------------------------------------------------------------
def explain_step(session):
    """Take one real optimizer step on the whole training split and record all of it.

    Changes the session's weights and optimizer state as any step does, and bumps session.steps
    and session.version (not the epoch). ValueError, with weights and optimizer unchanged, if
    the step diverges.
    """
    net, opt, c = session.net, session.optimizer, session.config
    before = [p.copy() for p in net.params]
    state_before = _state_copy(opt.state)
    hyper = opt.hyperparameters()
    with np.errstate(over="ignore", invalid="ignore"):
        loss, grads = net.backprop(session.X_train, session.Y_train, session.loss, c["l1"], c["l2"],
                                   train=True)
        trace = net.trace
        grads = [g.copy() for g in grads]
        ok = np.isfinite(loss) and _finite(grads)
        if ok:  # try the step on a copy first, so that a diverging one changes nothing
            trial = optim.from_dict(opt.to_dict(), [p.copy() for p in net.params])
            trial.step(grads)
            ok = _finite(trial.params)
    if not ok:
        raise ValueError(f"this step diverges (the loss or a weight becomes infinite) at learning rate "
                         f"{opt.lr:g}: lower the learning rate")
    notes = []
    session.apply_step(grads, notes)  # the page's loss and accuracy then show the weights as they now are

    def loss_of(params):
        with np.errstate(over="ignore", invalid="ignore"):
            return _clone(net, params).loss(session.X_train, session.Y_train, session.loss, l1=c["l1"], l2=c["l2"])
    return StepRecord(
        n=session.X_train.shape[0], params_before=before, params_after=[p.copy() for p in net.params],
        grads=grads, trace=trace, loss=float(loss), loss_after=float(loss_of(net.params)),
        loss_before_eval=float(loss_of(before)), optimizer=opt.name, hyper=hyper,
        state_before=state_before, state_after=_state_copy(opt.state), notes=notes, loss_name=session.loss,
        output=net.output, activation=list(net.activation), sizes=list(net.sizes),
        negative_slope=net.negative_slope, steps=session.steps, version=session.version, _session=session)


def sample_trace(rec, sample=None):
    """One point's part in the step `rec`: rows of the batch trace for a training point; a test
    point (not in the batch) goes through the same weights by itself, dropout off."""
    session = rec._session
    split, i = _check_sample(session, sample)
    if split == "test":
        return _single(_clone(session.net, rec.params_before), session, split, i, in_batch=False)
    t, n = rec.trace, rec.n
    _, Y = _split_data(session, split)
    z_out = t.Z[-1][i:i + 1]
    loss, _ = losses.loss_and_dz(rec.loss_name, rec.output, z_out, t.A[-1][i:i + 1], Y[i:i + 1])
    return SampleTrace(split, i, t.X[i].copy(), Y[i], [z[i].copy() for z in t.Z], [a[i].copy() for a in t.A],
                       [None if m is None else m[i].copy() for m in t.masks],
                       [n * dz[i] for dz in t.dZ], float(loss), True)


def audit(session, sample=None):
    """One point through the current weights, by itself, dropout off: z, a, δ and its loss ℓ."""
    split, i = _check_sample(session, sample)
    return _single(_clone(session.net, list(session.net.params)), session, split, i, in_batch=None)


def _single(net, session, split, i, in_batch):
    X, Y = _split_data(session, split)
    loss, _ = net.backprop(X[i:i + 1], Y[i:i + 1], session.loss, 0.0, 0.0, train=False)
    t = net.trace
    return SampleTrace(split, i, X[i].copy(), Y[i], [z[0] for z in t.Z], [a[0] for a in t.A],
                       [None] * len(t.masks), [dz[0] for dz in t.dZ], float(loss), in_batch)


def sample_grads(s):
    """This point's own gradient: ∂ℓ/∂W[l] = outer(a[l], δ[l]) and ∂ℓ/∂b[l] = δ[l], per layer."""
    return [np.outer(s.a[l], s.delta[l]) for l in range(len(s.z))], [d.copy() for d in s.delta]


# -- one weight's update, as the optimizer computed it ------------------------------------------
def update_detail(rec, i, idx):
    """The update of entry `idx` of parameter i, quantity by quantity, as the optimizer's own rule
    noted them while it ran (nn.optim: `note(...)` in each `_update`): {"g": ..., "m": ...,
    "w_new": ...}, each buffer's value before the step as "<name>_old" (None if it did not exist
    yet), and "w_after", what the step really left."""
    h = rec.hyper
    q = {"optimizer": rec.optimizer, "w": float(rec.params_before[i][idx]), "grad": float(rec.grads[i][idx]),
         "t": rec.state_after[i]["step"], "lr": h["lr"]}
    before = rec.state_before[i]
    cls = optim.lookup(rec.optimizer)
    for key, buffer in cls.STATE.items():
        q[buffer.note + "_old"] = _entry(before[key], idx) if key in before else None
    for name, value in rec.notes[i].items():
        q[name] = _entry(value, idx)
    cls.explained(q)
    q["w_after"] = float(rec.params_after[i][idx])
    return q


def _entry(value, idx):
    """One weight's entry of a noted array (or the number itself, for a per-parameter scalar)."""
    return float(value[idx]) if np.ndim(value) else float(value)


# -- gradient checks --------------------------------------------------------------------------------
def largest_weight_gradient(grads):
    """(parameter index, index inside it) of the weight (not bias) with the largest |∂L/∂w|."""
    best, where = -1.0, None
    for i in range(0, len(grads), 2):
        k = int(np.argmax(np.abs(grads[i])))
        v = float(np.abs(grads[i]).reshape(-1)[k])
        if v > best:
            best, where = v, (i, tuple(int(j) for j in np.unravel_index(k, grads[i].shape)))
    return where


def live_check(session, eps=LIVE_EPS, where=None):
    """Backprop against the two-point central difference [L(w+ε) − L(w−ε)] / 2ε (nn.gradcheck's
    two_point) for one weight: `where`, or the one with the largest |∂L/∂w|. Dropout off; the loss
    on the whole training split, penalties included."""
    c = session.config
    net = _clone(session.net)
    X, Y = session.X_train, session.Y_train
    _, grads = net.backprop(X, Y, session.loss, c["l1"], c["l2"], train=False)
    i, idx = where or largest_weight_gradient(grads)
    flat, j = net.params[i].reshape(-1), int(np.ravel_multi_index(idx, net.params[i].shape))
    w, seen = float(flat[j]), {}

    def loss_at(value):
        flat[j] = value
        seen[value] = net.loss(X, Y, session.loss, l1=c["l1"], l2=c["l2"])
        return seen[value]
    numeric = float(two_point(loss_at, w, eps))
    flat[j] = w
    analytic = float(grads[i][idx])
    denom = abs(analytic) + abs(numeric)
    rounding = ROUNDING * abs(float(seen[w + eps])) / eps
    return {"param": i, "index": idx, "w": w, "eps": eps, "loss_plus": float(seen[w + eps]),
            "loss_minus": float(seen[w - eps]), "numeric": numeric, "analytic": analytic,
            "relative_error": abs(analytic - numeric) / denom if denom > 0 else 0.0,
            "rounding": rounding, "too_large": bool(not rounding <= 1e-6 * max(abs(analytic), 1e-300))}


def check_points(session):
    """How many training points the full check uses: fewer for more parameters (it costs
    4 forward passes per parameter), so that it takes about a second in the page."""
    lo, hi = CHECK_POINTS
    return min(session.X_train.shape[0], max(lo, min(hi, CHECK_WORK // session.net.n_params)))


def check_parameters(session):
    """How many parameters the full check estimates: all of them, or as many as CHECK_COST allows
    (4 forward passes each, of points × n_params multiply-adds)."""
    n = session.net.n_params
    return int(min(n, max(1, CHECK_COST // (4 * check_points(session) * n))))


def full_check(session, points=None, checked=None):
    """nn.gradcheck's check (four-point central differences) of every parameter, on the first
    `points` training points (default: check_points), or of `checked` of them (default:
    check_parameters; a seeded random sample, the largest |∂L/∂w| among them): its verdict, the
    relative error of each parameter array, where analytic and numeric differ most, and whether
    the loss is too large for finite differences to tell."""
    c = session.config
    m = check_points(session) if points is None else points
    net = _clone(session.net)
    X, Y = session.X_train[:m], session.Y_train[:m]
    loss, analytic = net.loss_and_grads(X, Y, session.loss, l1=c["l1"], l2=c["l2"], train=False)
    kinked = [z for z, act in zip(net.trace.Z, net.acts) if act.kinked]
    g = _flat(analytic)
    k_max = check_parameters(session) if checked is None else min(checked, g.size)
    if k_max >= g.size:
        n = _flat(numeric_gradient(net, X, Y, session.loss, l1=c["l1"], l2=c["l2"]))
        chosen = np.arange(g.size)
    else:
        rng = np.random.default_rng(0)
        chosen = np.union1d(rng.choice(g.size, k_max - 1, replace=False), [int(np.argmax(np.abs(g)))])
        n = np.full(g.size, np.nan)
        flat = net.flat  # the clone's own vector, which its params view
        for j in chosen:
            keep = flat[j]

            def loss_at(value):
                flat[j] = value
                return net.loss(X, Y, session.loss, l1=c["l1"], l2=c["l2"])
            n[j] = four_point(loss_at, keep, EPS)
            flat[j] = keep  # restored exactly
    offsets = np.cumsum([0] + [a.size for a in analytic])
    per = []
    for i in range(len(analytic)):
        mine = chosen[(chosen >= offsets[i]) & (chosen < offsets[i + 1])]
        per.append(_relative(g[mine], n[mine]) if mine.size else None)
    gc, nc = g[chosen], n[chosen]
    k = int(chosen[np.argmax(np.abs(gc - nc))])
    i = int(np.searchsorted(offsets, k, side="right") - 1)
    where = tuple(int(v) for v in np.unravel_index(k - offsets[i], analytic[i].shape))
    known = [e for e in per if e is not None]
    rounding = ROUNDING * abs(float(loss)) / EPS  # how uncertain each estimate is from rounding alone
    return {"relative_error": _relative(gc, nc), "per_param": per, "largest": max(known),
            "largest_param": per.index(max(known)), "param": i, "index": where, "analytic": float(g[k]),
            "numeric": float(n[k]), "max_abs_error": float(abs(g[k] - n[k])), "points": m,
            "n_params": int(net.n_params), "checked": int(chosen.size), "loss": float(loss),
            "rounding": rounding, "too_large": bool(rounding > 1e-6 * max(float(np.abs(gc).max()), 1e-300)),
            "near_kink": int(sum((np.abs(z) < KINK).sum() for z in kinked)),
            "kink_inputs": int(sum(z.size for z in kinked))}


def _relative(a, b):
    """‖a − b‖ / (‖a‖ + ‖b‖), nn.gradcheck's measure (0 when both are 0)."""
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denom) if denom > 0 else 0.0


# -- the loss over a plane through the weights ------------------------------------------------------
def weight_direction(net, i, idx):
    """The unit direction along one entry of parameter i (a list shaped like net.params)."""
    d = [np.zeros_like(p) for p in net.params]
    d[i][idx] = 1.0
    return d


def random_directions(net, rng):
    """Two random directions, each parameter array scaled to that array's norm (so a step of 1
    is as large as the weights themselves; zero arrays, such as fresh biases, stay put), the
    second made orthogonal to the first."""
    def one():
        d = [rng.standard_normal(p.shape) for p in net.params]
        return [di * (np.linalg.norm(p) / max(np.linalg.norm(di), 1e-300)) for di, p in zip(d, net.params)]
    d1, d2 = one(), one()
    f1, f2 = _flat(d1), _flat(d2)
    f2 = f2 - (f2 @ f1) / (f1 @ f1) * f1
    f2 *= np.linalg.norm(f1) / np.linalg.norm(f2)
    return d1, _unflat(f2, net.params)


def _flat(arrays):
    return np.concatenate([a.reshape(-1) for a in arrays])


def _unflat(v, like):
    out, k = [], 0
    for p in like:
        out.append(v[k:k + p.size].reshape(p.shape))
        k += p.size
    return out


def project(points, center, d1, d2):
    """Coordinates (α, β) of flattened parameter vectors `points` (m, P) on the plane
    center + α·d₁ + β·d₂ (least squares).  -> (m, 2)"""
    D = np.stack([_flat(d1), _flat(d2)], axis=1)
    coef, *_ = np.linalg.lstsq(D, (np.asarray(points) - _flat(center)).T, rcond=None)
    return coef.T


def surface_points(session, res=SURFACE_RES):
    """How many training points the loss landscape uses: all of them (up to SURFACE_POINTS), or as
    many as SURFACE_COST allows: res² forward passes of points × n_params multiply-adds, plus
    res² × n_params to build the grid's weight sets."""
    n = session.net.n_params
    fit = SURFACE_COST // (res * res * n) - 1
    if fit < 1:
        raise ValueError(f"a {res} x {res} surface of {n:,} parameters exceeds SURFACE_COST on one point")
    return int(min(session.X_train.shape[0], SURFACE_POINTS, fit))


def loss_surface(net, X, Y, loss, d1, d2, span, res=SURFACE_RES, *, l1=0.0, l2=0.0):
    """L(θ + α·d₁ + β·d₂) for α, β each on `res` points over [−span, span], dropout off.

    One forward pass (mlp.forward_layers) per row of the grid: the row's `res` weight sets are
    stacked, so each layer is one matmul (res, n, fan_in) @ (res, fan_in, fan_out).
    Returns (ts, L) with ts the res values of α (and β) and L[β index, α index].
    """
    loss = losses.check_pair(net.output, loss)
    X = np.asarray(X, dtype=np.float64)
    Y = losses.targets(loss, Y, X.shape[0], net.sizes[-1])
    ts = np.linspace(-span, span, res)
    alphas = ts[:, None, None]
    L = np.empty((res, res))
    with np.errstate(over="ignore", invalid="ignore"):
        for jb, beta in enumerate(ts):
            # W (res, fan_in, fan_out) and b (res, 1, fan_out): b as a row, to broadcast over the points
            P = [_as_rows(p + beta * e2) + alphas * _as_rows(e1) for p, e1, e2 in zip(net.params, d1, d2)]
            Z, _, _ = forward_layers(X, P, net.acts, None)
            for ia, z in enumerate(Z[-1]):
                L[jb, ia] = losses.loss_value(loss, z, losses.head(net.output, z), Y)
            if l1 or l2:
                W = P[0::2]
                L[jb] += sum(l1 * np.abs(w).sum(axis=(1, 2)) + 0.5 * l2 * (w * w).sum(axis=(1, 2)) for w in W)
    return ts, L


def _as_rows(p):
    """A weight matrix as it is, a bias vector (fan_out,) as one row (1, fan_out)."""
    return p.reshape(-1, p.shape[-1])


RATE_LADDER = tuple(10.0 ** (k / 2) for k in range(-8, 9))  # 1e-4 ... 1e4, two per decade


def teaching_rates(net, X, Y, loss, d1, d2, span, steps=15, *, l1=0.0, l2=0.0):
    """Two learning rates that show the landscape's lesson on this very plane, found by trying each
    rate of RATE_LADDER for `steps` steps of plane_descent: "good", the rate whose path stays on the
    plot and ends lowest, and "overshoot", the smallest larger rate that ends higher than it started
    (or, if none does, that leaves the plot). A key is missing when no rate shows it."""
    tried = []
    for lr in RATE_LADDER:
        path, values = plane_descent(net, X, Y, loss, d1, d2, lr, steps, l1=l1, l2=l2, bound=span)
        left = bool(np.abs(path[-1]).max() > span) or not np.isfinite(values[-1])
        tried.append((lr, values[0], values[-1], left))
    found = {}
    stays = [t for t in tried if not t[3] and t[2] < t[1]]
    if stays:
        found["good"] = min(stays, key=lambda t: (t[2], t[0]))[0]
    above = [t for t in tried if t[0] > found.get("good", 0.0)]
    climbs = [t[0] for t in above if not t[3] and t[2] > t[1]] or [t[0] for t in above if t[3]]
    if climbs:
        found["overshoot"] = climbs[0]
    return found


def plane_descent(net, X, Y, loss, d1, d2, lr, steps=15, *, l1=0.0, l2=0.0, bound=None):
    """Plain gradient descent restricted to the plane θ + α·d₁ + β·d₂, from (0, 0): each step
    (α, β) −= lr·(∇L·d₁, ∇L·d₂). Along two weights' unit directions, that is gradient descent on
    those two weights alone. Returns the (steps + 1, 2) path and the loss at each point (dropout off);
    with `bound`, it stops at the first point outside |α|, |β| ≤ bound (the plotted square)."""
    twin = _clone(net)
    theta = [p.copy() for p in net.params]
    f1, f2 = _flat(d1), _flat(d2)
    ab, path, values = np.zeros(2), [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            for p, t, a, b in zip(twin.params, theta, d1, d2):
                p[...] = t + ab[0] * a + ab[1] * b
            value, grads = twin.loss_and_grads(X, Y, loss, l1=l1, l2=l2, train=False)
            path.append(ab.copy())
            values.append(float(value))
            if k == steps or not np.isfinite(value) or (bound is not None and np.abs(ab).max() > bound):
                break
            g = _flat(grads)
            ab = ab - lr * np.array([g @ f1, g @ f2])
    return np.array(path), np.array(values)
