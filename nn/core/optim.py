"""Optimizers: SGD, RMSprop, Adam, AdamW, Adagrad and NAdam, computed step for step as PyTorch 2.13 does.

An optimizer holds a list of parameter arrays and changes them in place; it never computes
gradients. Each `step(grads)` applies one update rule to every parameter:

    opt = Adam(net.params, lr=1e-3)
    loss, grads = net.loss_and_grads(X, Y)
    opt.step(grads)                 # net.params are the same arrays, now updated

Hyperparameters are plain attributes (`opt.lr = 0.01` between steps keeps all state) and have
PyTorch's names and defaults. `opt.state[i]` is a dict for parameter i: its own `"step"` count
and named buffers ("momentum_buffer", "exp_avg", ...), named as PyTorch names them. A buffer
appears when the rule first needs it, as in PyTorch, so before the first step most are absent.

Each optimizer class is the one record of everything about it:
- `_update`: its rule, written once. It calls `note(name, value)` on each quantity a learner
  should see; `step(grads, trace=[])` collects those per parameter (the explained step shows them).
- `SETTINGS`: what the page offers and the config checks (range, default, menu values, help).
- `STATE`: its buffers, with the symbol each goes by in the formulas.
- `formula_lines`: the rule written out for one weight, symbolic and then with the numbers.
Menus, config keys, the explained step and its text are made from these; nothing else lists them.
The page trains through `nn.fast.flat_step.FlatStep`, which runs the same `_update` once on the
vector an MLP's parameters view (a speed path, held bit-identical to `step` by a test).
"""
import math
import numbers
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


@dataclass(frozen=True)
class Setting:
    """One setting of an optimizer, as the page offers it and the config checks it.

    `lo`/`hi` are the range a learner may choose (PyTorch's own checks, in `_validate`, are wider);
    `offered` are the page's menu values (None there means "the optimizer's own default"); a
    setting with a bool default is a checkbox; one with nothing offered is config-only."""

    key: str                 # the config key
    label: str               # the page's name for it
    default: object          # this optimizer's own default (PyTorch's)
    lo: float = None
    hi: float = None
    offered: tuple = ()
    help: str = ""
    param: str = None        # the constructor keyword when it is not `key` (β₁, β₂ make `betas`)

    @property
    def kind(self):
        return "bool" if isinstance(self.default, bool) else "float"

    @property
    def shown(self):
        """Whether the page has a control for it."""
        return self.kind == "bool" or bool(self.offered)


_OPTIMIZERS = {}  # lower-case name -> class, in the order the classes are defined below


class Buffer(NamedTuple):
    """A state entry: the name its value is noted under in the rule, the words for it, and the
    range its values can take (a saved state outside it is damaged)."""

    note: str
    shown: str
    low: float = -math.inf
    high: float = math.inf


def _ignore(name, value):
    """The `note` of a step nobody explains."""


class _Notes:
    """The `note` of an explained step: keeps a copy of each quantity, by name, per parameter."""

    def __init__(self, trace):
        self.values = {}
        trace.append(self.values)

    def __call__(self, name, value):
        self.values[name] = np.array(value, dtype=np.float64)  # a copy: buffers change in place later


class Optimizer:
    """Base class: params updated in place, hyperparameters as attributes, per-parameter state."""

    name = "Optimizer"
    HYPERPARAMETERS = ()  # constructor keywords, in signature order
    SETTINGS = ()         # Setting records: what the page and the config know of it
    STATE = {}            # state entry -> Buffer(note name, words)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _OPTIMIZERS[cls.name.lower()] = cls  # defining the class is all it takes to offer it

    def __init__(self, params, **hyperparameters):
        self.params = _check_params(params, self.name)
        for key, value in hyperparameters.items():
            setattr(self, key, value)
        self._validate()
        self.state = [self._init_state(p) for p in self.params]

    def step(self, grads, trace=None):
        """Apply one update to every parameter, in place. grads: arrays shaped like params.

        trace: a list, to receive one dict per parameter of the quantities the rule noted."""
        self._validate()  # hyperparameters are attributes: they may have been set since the last step
        grads = _check_grads(grads, self.params, self.name)
        for p, g, state in zip(self.params, grads, self.state):
            if self.maximize:
                g = -g
            state["step"] += 1
            self._update(p, g, state, _ignore if trace is None else _Notes(trace))

    def hyperparameters(self):
        """The current hyperparameters as a JSON-safe dict (betas as a list)."""
        out = {}
        for key in self.HYPERPARAMETERS:
            value = getattr(self, key)
            if isinstance(value, (bool, np.bool_)):
                out[key] = bool(value)
            elif isinstance(value, (tuple, list)):
                out[key] = [float(v) for v in value]
            else:
                out[key] = float(value)
        return out

    @classmethod
    def hyperparameters_from(cls, values):
        """Constructor keywords from setting values keyed as the config keys them; a None value
        (or a missing one) leaves the optimizer's own default. Settings sharing a `param` form a
        tuple in their order (beta1, beta2 -> betas)."""
        out, pairs = {}, {}
        for s in cls.SETTINGS:
            value = values.get(s.key)
            if s.param is None:
                if value is not None:
                    out[s.key] = value
            else:
                pairs.setdefault(s.param, []).append(value)
        for param, parts in pairs.items():
            if all(v is not None for v in parts):
                out[param] = tuple(parts)
        return out

    def to_dict(self):
        """JSON-safe snapshot: name, hyperparameters and state (buffers as nested lists)."""
        state = [
            {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in s.items()}
            for s in self.state
        ]
        return {"name": self.name, "hyperparameters": self.hyperparameters(), "state": state}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{self.name}({args})"

    # Subclasses define these.
    def _validate(self):
        raise NotImplementedError

    def _init_state(self, p):
        return {"step": 0}

    def _update(self, p, g, state, note):
        raise NotImplementedError

    @staticmethod
    def explained(q):
        """Quantities the formula lines show that the rule itself does not compute (q, in place)."""

    @staticmethod
    def formula_lines(q, h, n):
        """The update of one weight, each line symbolic and then with its numbers.
        q: the weight's quantities (nn.explain.update_detail), h: the hyperparameters,
        n: the notation (n.num, n.factor for a number alone or as a factor, n.sup for exponents)."""
        raise NotImplementedError


# -- the optimizers ---------------------------------------------------------------------------------
WEIGHT_DECAY_HELP = "adds λ·w to the gradient (L2)"


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum: b = μ·b + (1 − τ)·g;  θ −= lr·b.

    The first momentum buffer is the gradient itself (not zeros, and not dampened).
    Nesterov steps along g + μ·b instead of b.
    """

    name = "SGD"
    HYPERPARAMETERS = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")
    SETTINGS = (
        Setting("momentum", "Momentum", 0.0, 0.0, 0.999, (0.0, 0.5, 0.9, 0.99), "μ: how much of the last step carries on"),
        Setting("nesterov", "Nesterov", False, help="step along g + μ·b (look ahead)"),
        Setting("dampening", "Dampening", 0.0, 0.0, 1.0, help="τ: the share of g left out of the momentum"),
        Setting("weight_decay", "Weight decay", 0.0, 0.0, 1.0, (None, 0.0001, 0.001, 0.01), WEIGHT_DECAY_HELP),
    )
    STATE = {"momentum_buffer": Buffer("buf", "momentum b")}

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False):
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)

    def _validate(self):
        _check_numbers(self, lr=0.0, momentum=0.0, dampening=None, weight_decay=0.0)
        _check_flags(self, "nesterov", "maximize")
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                f"SGD: nesterov=True requires momentum > 0 and dampening == 0, "
                f"got momentum={self.momentum!r}, dampening={self.dampening!r}"
            )

    def _update(self, p, g, state, note):
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        note("g", g)
        if self.momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                # np.array, not g.copy(): arithmetic on a 0-d array yields a numpy scalar
                buf = state["momentum_buffer"] = np.array(g, dtype=np.float64)
            else:
                buf *= self.momentum
                buf += (1 - self.dampening) * g
            note("buf", buf)
            g = (g + self.momentum * buf) if self.nesterov else buf
        note("direction", g)
        p -= self.lr * g
        note("w_new", p)

    @staticmethod
    def formula_lines(q, h, n):
        num, f = n.num, n.factor
        g, w, lr = q["g"], q["w"], q["lr"]
        if "buf" not in q:
            return [f"w ← w − lr·g = {num(w)} − {num(lr)}·{f(g)} = {num(q['w_new'])}"]
        if q["buf_old"] is None:
            lines = [f"b = g = {num(q['buf'])}   (the first momentum buffer is the gradient itself)"]
        else:
            lines = [f"b = μ·b + (1 − τ)·g = {num(h['momentum'])}·{f(q['buf_old'])} + "
                     f"{num(1 - h['dampening'])}·{f(g)} = {num(q['buf'])}"]
        if h["nesterov"]:
            return lines + [f"d = g + μ·b = {num(g)} + {num(h['momentum'])}·{f(q['buf'])} = {num(q['direction'])}",
                            f"w ← w − lr·d = {num(w)} − {num(lr)}·{f(q['direction'])} = {num(q['w_new'])}"]
        return lines + [f"w ← w − lr·b = {num(w)} − {num(lr)}·{f(q['buf'])} = {num(q['w_new'])}"]


class RMSprop(Optimizer):
    """Divide by a running RMS of the gradient: v = α·v + (1 − α)·g²;  θ −= lr·g / (√v + ε).

    ε is added after the square root, and there is no bias correction. Centered subtracts the
    squared running mean of g inside the root; momentum accumulates g / (√v + ε) first.
    """

    name = "RMSprop"
    HYPERPARAMETERS = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")
    SETTINGS = (
        Setting("alpha", "Alpha", 0.99, 0.0, 0.999999, (0.9, 0.99, 0.999), "RMSprop's smoothing constant"),
        Setting("momentum", "Momentum", 0.0, 0.0, 0.999, (0.0, 0.5, 0.9), "μ: how much of the last step carries on"),
        Setting("centered", "Centered", False, help="divide by the variance of g instead of its mean square"),
        Setting("eps", "ε", 1e-8, 1e-12, 1.0, help="added to the root, so it never divides by 0"),
        Setting("weight_decay", "Weight decay", 0.0, 0.0, 1.0, (None, 0.0001, 0.001, 0.01), WEIGHT_DECAY_HELP),
    )
    STATE = {"square_avg": Buffer("v", "v", 0.0), "grad_avg": Buffer("m", "m"),
             "momentum_buffer": Buffer("buf", "momentum b")}

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, *, maximize=False):
        super().__init__(params, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                         momentum=momentum, centered=centered, maximize=maximize)

    def _validate(self):
        _check_numbers(self, lr=0.0, alpha=0.0, eps=0.0, weight_decay=0.0, momentum=0.0)
        _check_flags(self, "centered", "maximize")

    def _update(self, p, g, state, note):
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        note("g", g)
        square_avg = _buffer(state, "square_avg", p)
        square_avg *= self.alpha
        square_avg += (1 - self.alpha) * g * g
        note("v", square_avg)
        if self.centered:
            grad_avg = _buffer(state, "grad_avg", p)
            grad_avg += (1 - self.alpha) * (g - grad_avg)  # = α·m + (1 − α)·g
            note("m", grad_avg)
            avg = np.sqrt(square_avg - grad_avg * grad_avg) + self.eps
        else:
            avg = np.sqrt(square_avg) + self.eps
        note("avg", avg)
        if self.momentum > 0:
            buf = _buffer(state, "momentum_buffer", p)
            buf *= self.momentum
            buf += g / avg
            note("buf", buf)
            p -= self.lr * buf
        else:
            p -= self.lr * (g / avg)
        note("w_new", p)

    @staticmethod
    def formula_lines(q, h, n):
        num, f = n.num, n.factor
        g, w, lr, a = q["g"], q["w"], q["lr"], h["alpha"]
        lines = [f"v = α·v + (1 − α)·g² = {num(a)}·{f(_zero(q['v_old']))} + {num(1 - a)}·{f(g)}² = {num(q['v'])}"]
        if "m" in q:
            lines.append(f"m = α·m + (1 − α)·g = {num(a)}·{f(_zero(q['m_old']))} + {num(1 - a)}·{f(g)} = {num(q['m'])}")
            lines.append(f"r = √(v − m²) + ε = √({num(q['v'])} − {f(q['m'])}²) + {num(h['eps'])} = {num(q['avg'])}")
        else:
            lines.append(f"r = √v + ε = √{num(q['v'])} + {num(h['eps'])} = {num(q['avg'])}")
        if "buf" in q:
            lines.append(f"b = μ·b + g/r = {num(h['momentum'])}·{f(_zero(q['buf_old']))} + {f(g)}/{num(q['avg'])} = "
                         f"{num(q['buf'])}")
            lines.append(f"w ← w − lr·b = {num(w)} − {num(lr)}·{f(q['buf'])} = {num(q['w_new'])}")
        else:
            lines.append(f"w ← w − lr·g/r = {num(w)} − {num(lr)}·{f(g)}/{num(q['avg'])} = {num(q['w_new'])}")
        return lines


BETA_SETTINGS = (
    Setting("beta1", "β₁", 0.9, 0.0, 0.999999, (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
            "how long m remembers the gradient", param="betas"),
    Setting("beta2", "β₂", 0.999, 0.0, 0.999999, (0.9, 0.99, 0.999, 0.9999),
            "how long v remembers the squared gradient", param="betas"),
)


class Adam(Optimizer):
    """Adaptive moments: m = β₁·m + (1 − β₁)·g;  v = β₂·v + (1 − β₂)·g²;  θ −= lr·m̂ / (√v̂ + ε).

    m̂ = m / (1 − β₁ᵗ) and v̂ = v / (1 − β₂ᵗ) undo the bias of starting from zeros.
    weight_decay adds λ·θ to the gradient (L2). AMSGrad keeps the running max of the raw v
    and bias-corrects that max afterwards, as PyTorch's code does.
    """

    name = "Adam"
    HYPERPARAMETERS = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")
    SETTINGS = (
        *BETA_SETTINGS,
        Setting("amsgrad", "AMSGrad", False, help="divide by the largest v so far"),
        Setting("eps", "ε", 1e-8, 1e-12, 1.0, help="added to the root, so it never divides by 0"),
        Setting("weight_decay", "Weight decay", 0.0, 0.0, 1.0, (None, 0.0001, 0.001, 0.01), WEIGHT_DECAY_HELP),
    )
    STATE = {"exp_avg": Buffer("m", "m"), "exp_avg_sq": Buffer("v", "v", 0.0),
             "max_exp_avg_sq": Buffer("vmax", "max v", 0.0)}
    _decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize)

    def _validate(self):
        _check_numbers(self, lr=0.0, eps=0.0, weight_decay=0.0)
        _check_flags(self, "amsgrad", "maximize")
        self.betas = _check_betas(self.betas, self.name)

    def _update(self, p, g, state, note):
        lr, (beta1, beta2), t = self.lr, self.betas, state["step"]
        if self.weight_decay != 0:
            if self._decoupled_weight_decay:
                p *= 1 - lr * self.weight_decay
                note("w_decayed", p)
            else:
                g = g + self.weight_decay * p
        note("g", g)
        exp_avg = _buffer(state, "exp_avg", p)
        exp_avg_sq = _buffer(state, "exp_avg_sq", p)
        exp_avg *= beta1
        exp_avg += (1 - beta1) * g
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * g * g
        note("m", exp_avg)
        note("v", exp_avg_sq)
        if self.amsgrad:
            max_exp_avg_sq = _buffer(state, "max_exp_avg_sq", p)
            np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
            note("vmax", max_exp_avg_sq)
            exp_avg_sq = max_exp_avg_sq
        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        note("bc1", bias_correction1)
        note("bc2", bias_correction2)
        # = lr·m̂ / (√v̂ + ε) with m̂ = m / bc1, v̂ = v / bc2, in PyTorch's order of operations
        denom = np.sqrt(exp_avg_sq) / math.sqrt(bias_correction2) + self.eps
        p -= (lr / bias_correction1) * (exp_avg / denom)
        note("w_new", p)

    @staticmethod
    def explained(q):
        """The bias-corrected moments the formula shows: m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)."""
        q["m_hat"] = q["m"] / q["bc1"]
        q["v_hat"] = q.get("vmax", q["v"]) / q["bc2"]

    @staticmethod
    def formula_lines(q, h, n):
        num, f = n.num, n.factor
        g, w, lr, t = q["g"], q["w"], q["lr"], q["t"]
        b1, b2 = h["betas"]
        lines = []
        if "w_decayed" in q:
            lines.append(f"w ← w·(1 − lr·λ) = {num(w)}·(1 − {num(lr)}·{num(h['weight_decay'])}) = "
                         f"{num(q['w_decayed'])}   (decoupled)")
            w = q["w_decayed"]
        lines.append(f"m = β₁·m + (1 − β₁)·g = {num(b1)}·{f(_zero(q['m_old']))} + {num(1 - b1)}·{f(g)} = {num(q['m'])}")
        lines.append(f"v = β₂·v + (1 − β₂)·g² = {num(b2)}·{f(_zero(q['v_old']))} + {num(1 - b2)}·{f(g)}² = {num(q['v'])}")
        v = q["v"]
        if "vmax" in q:
            lines.append(f"v_max = max(v_max, v) = max({num(_zero(q['vmax_old']))}, {num(q['v'])}) = {num(q['vmax'])}")
            v = q["vmax"]
        lines.append(f"m̂ = m / (1 − β₁ᵗ) = {f(q['m'])} / (1 − {num(b1)}{n.sup(t)}) = {num(q['m_hat'])}")
        lines.append(f"v̂ = {'v_max' if 'vmax' in q else 'v'} / (1 − β₂ᵗ) = {num(v)} / (1 − {num(b2)}{n.sup(t)}) = "
                     f"{num(q['v_hat'])}")
        lines.append(f"w ← w − lr·m̂ / (√v̂ + ε) = {num(w)} − {num(lr)}·{f(q['m_hat'])} / "
                     f"(√{num(q['v_hat'])} + {num(h['eps'])}) = {num(q['w_new'])}")
        return lines


class AdamW(Adam):
    """Adam with decoupled weight decay: θ *= 1 − lr·λ, then the Adam step (λ stays out of m, v)."""

    name = "AdamW"
    SETTINGS = (
        *BETA_SETTINGS,
        Setting("amsgrad", "AMSGrad", False, help="divide by the largest v so far"),
        Setting("eps", "ε", 1e-8, 1e-12, 1.0, help="added to the root, so it never divides by 0"),
        Setting("weight_decay", "Weight decay", 1e-2, 0.0, 1.0, (None, 0.001, 0.01, 0.1),
                "shrinks every weight by lr·λ each step (decoupled)"),
    )
    _decoupled_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize)


class Adagrad(Optimizer):
    """Per-coordinate rates from the sum of squared gradients: s += g²;  θ −= clr·g / (√s + ε).

    clr = lr / (1 + (t − 1)·lr_decay), so the first step uses lr itself.
    """

    name = "Adagrad"
    HYPERPARAMETERS = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps",
                       "maximize")
    SETTINGS = (
        Setting("lr_decay", "LR decay", 0.0, 0.0, 1.0, (0.0, 0.0001, 0.001, 0.01), "Adagrad's learning-rate decay"),
        Setting("eps", "ε", 1e-10, 1e-12, 1.0, help="added to the root, so it never divides by 0"),
        Setting("weight_decay", "Weight decay", 0.0, 0.0, 1.0, (None, 0.0001, 0.001, 0.01), WEIGHT_DECAY_HELP),
    )
    STATE = {"sum": Buffer("s", "s", 0.0)}

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, *, maximize=False):
        super().__init__(params, lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                         initial_accumulator_value=initial_accumulator_value, eps=eps,
                         maximize=maximize)

    def _validate(self):
        _check_numbers(self, lr=0.0, lr_decay=0.0, weight_decay=0.0,
                       initial_accumulator_value=0.0, eps=0.0)
        _check_flags(self, "maximize")

    def _init_state(self, p):
        # PyTorch fills the accumulator at construction, not at the first step.
        return {"step": 0, "sum": np.full_like(p, float(self.initial_accumulator_value))}

    def _update(self, p, g, state, note):
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        note("g", g)
        clr = self.lr / (1 + (state["step"] - 1) * self.lr_decay)
        note("clr", clr)
        state_sum = _buffer(state, "sum", p, fill=self.initial_accumulator_value)
        state_sum += g * g
        note("s", state_sum)
        p -= clr * (g / (np.sqrt(state_sum) + self.eps))
        note("w_new", p)

    @staticmethod
    def formula_lines(q, h, n):
        num, f = n.num, n.factor
        g, w, lr = q["g"], q["w"], q["lr"]
        lines = [f"s = s + g² = {num(q['s_old'])} + {f(g)}² = {num(q['s'])}"]
        if h["lr_decay"]:
            lines.append(f"lr_t = lr / (1 + (t − 1)·decay) = {num(lr)} / (1 + {q['t'] - 1}·{num(h['lr_decay'])}) = "
                         f"{num(q['clr'])}")
        lines.append(f"w ← w − lr_t·g / (√s + ε) = {num(w)} − {num(q['clr'])}·{f(g)} / (√{num(q['s'])} + "
                     f"{num(h['eps'])}) = {num(q['w_new'])}")
        return lines


class NAdam(Optimizer):
    """Adam with Nesterov momentum: the step looks ahead along the next momentum μₜ₊₁.

    μₜ = β₁·(1 − ½·0.96^(t·ψ)) warms the momentum up (ψ: momentum_decay);  m, v as in Adam;
    θ −= lr·(1 − μₜ)/(1 − Πμ)·g/(√v̂ + ε) + lr·μₜ₊₁/(1 − Πμ·μₜ₊₁)·m/(√v̂ + ε),  v̂ = v/(1 − β₂ᵗ).
    Πμ (mu_product) is the product of every μ so far. weight_decay adds λ·θ to the gradient, or
    with decoupled_weight_decay shrinks θ by (1 − lr·λ) first, as AdamW does.
    """

    name = "NAdam"
    HYPERPARAMETERS = ("lr", "betas", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay",
                       "maximize")
    SETTINGS = (
        *BETA_SETTINGS,
        Setting("momentum_decay", "Momentum decay", 4e-3, 0.0, 1.0, (0.0, 0.001, 0.004, 0.01, 0.1),
                "ψ: how fast the momentum warms up to β₁"),
        Setting("decoupled_weight_decay", "Decoupled decay", False, help="shrink w by lr·λ instead of adding λ·w to g"),
        Setting("eps", "ε", 1e-8, 1e-12, 1.0, help="added to the root, so it never divides by 0"),
        Setting("weight_decay", "Weight decay", 0.0, 0.0, 1.0, (None, 0.0001, 0.001, 0.01), WEIGHT_DECAY_HELP),
    )
    STATE = {"mu_product": Buffer("mu_product", "Πμ", 0.0, 1.0), "exp_avg": Buffer("m", "m"),
             "exp_avg_sq": Buffer("v", "v", 0.0)}

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                         maximize=maximize)

    def _validate(self):
        _check_numbers(self, lr=0.0, eps=0.0, weight_decay=0.0, momentum_decay=0.0)
        _check_flags(self, "decoupled_weight_decay", "maximize")
        self.betas = _check_betas(self.betas, self.name)

    def _update(self, p, g, state, note):
        lr, (beta1, beta2), t, psi = self.lr, self.betas, state["step"], self.momentum_decay
        if self.weight_decay != 0:
            if self.decoupled_weight_decay:
                p *= 1 - lr * self.weight_decay
                note("w_decayed", p)
            else:
                g = g + self.weight_decay * p
        note("g", g)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        mu_product = state["mu_product"] = state.get("mu_product", 1.0) * mu
        note("mu", mu)
        note("mu_next", mu_next)
        note("mu_product", mu_product)
        exp_avg = _buffer(state, "exp_avg", p)
        exp_avg_sq = _buffer(state, "exp_avg_sq", p)
        exp_avg += (1 - beta1) * (g - exp_avg)  # = β₁·m + (1 − β₁)·g, as torch's lerp computes it
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * g * g
        note("m", exp_avg)
        note("v", exp_avg_sq)
        v_hat = exp_avg_sq / (1 - beta2**t)
        note("v_hat", v_hat)
        denom = np.sqrt(v_hat) + self.eps
        p -= lr * (1 - mu) / (1 - mu_product) * (g / denom)
        p -= lr * mu_next / (1 - mu_product * mu_next) * (exp_avg / denom)
        note("w_new", p)

    @staticmethod
    def formula_lines(q, h, n):
        num, f = n.num, n.factor
        g, w, lr, t = q["g"], q["w"], q["lr"], q["t"]
        b1, b2 = h["betas"]
        psi = h["momentum_decay"]
        lines = []
        if "w_decayed" in q:
            lines.append(f"w ← w·(1 − lr·λ) = {num(w)}·(1 − {num(lr)}·{num(h['weight_decay'])}) = "
                         f"{num(q['w_decayed'])}   (decoupled)")
            w = q["w_decayed"]
        lines += [
            f"μₜ = β₁·(1 − ½·0.96^(t·ψ)) = {num(b1)}·(1 − ½·0.96^({t}·{num(psi)})) = {num(q['mu'])};  "
            f"μₜ₊₁ = {num(q['mu_next'])}",
            f"Πμ = Πμ·μₜ = {num(1.0 if q['mu_product_old'] is None else q['mu_product_old'])}·{num(q['mu'])} = "
            f"{num(q['mu_product'])}",
            f"m = β₁·m + (1 − β₁)·g = {num(b1)}·{f(_zero(q['m_old']))} + {num(1 - b1)}·{f(g)} = {num(q['m'])}",
            f"v = β₂·v + (1 − β₂)·g² = {num(b2)}·{f(_zero(q['v_old']))} + {num(1 - b2)}·{f(g)}² = {num(q['v'])}",
            f"v̂ = v / (1 − β₂ᵗ) = {num(q['v'])} / (1 − {num(b2)}{n.sup(t)}) = {num(q['v_hat'])}",
            f"w ← w − lr·(1 − μₜ)/(1 − Πμ)·g/(√v̂ + ε) − lr·μₜ₊₁/(1 − Πμ·μₜ₊₁)·m/(√v̂ + ε) = {num(w)} − "
            f"{num(lr)}·{num(1 - q['mu'])}/{num(1 - q['mu_product'])}·{f(g)}/(√{num(q['v_hat'])} + {num(h['eps'])}) − "
            f"{num(lr)}·{num(q['mu_next'])}/{num(1 - q['mu_product'] * q['mu_next'])}·{f(q['m'])}/"
            f"(√{num(q['v_hat'])} + {num(h['eps'])}) = {num(q['w_new'])}",
        ]
        return lines


OPTIMIZERS = dict(_OPTIMIZERS)  # lower-case name -> class: the menu's order is the order above
NAMES = tuple(OPTIMIZERS)


# -- helpers -------------------------------------------------------------------------------------
def make(name, params, **hyperparameters):
    """Build an optimizer by case-insensitive name: one of NAMES, e.g. make("adam", params)."""
    cls = lookup(name)
    unknown = sorted(set(hyperparameters) - set(cls.HYPERPARAMETERS))
    if unknown:
        raise ValueError(
            f"{cls.name}: unknown hyperparameter(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(cls.HYPERPARAMETERS)}"
        )
    return cls(params, **hyperparameters)


def from_dict(d, params):
    """Rebuild an optimizer from `to_dict()` output, bound to `params` (bit-identical resume)."""
    if not isinstance(d, dict) or not {"name", "hyperparameters", "state"} <= set(d):
        raise ValueError("optimizer dict needs the keys 'name', 'hyperparameters' and 'state'")
    opt = make(d["name"], params, **d["hyperparameters"])
    if len(d["state"]) != len(opt.params):
        raise ValueError(
            f"{opt.name}: the dict has state for {len(d['state'])} parameters "
            f"but {len(opt.params)} were given"
        )
    opt.state = [_state_from_dict(s, p, opt, i)
                 for i, (s, p) in enumerate(zip(d["state"], opt.params))]
    return opt


def lookup(name):
    """The optimizer class called `name` (case-insensitive); ValueError naming the allowed ones."""
    key = name.lower() if isinstance(name, str) else name
    if key not in _OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; allowed: {', '.join(_OPTIMIZERS)}")
    return _OPTIMIZERS[key]


def _zero(v):
    """A buffer's value before the step, for a formula: a buffer that starts at zeros is 0 then."""
    return 0.0 if v is None else v


def _buffer(state, key, like, fill=0.0):
    """The named state buffer, created (shaped like `like`) the first time the rule needs it."""
    if key not in state:
        state[key] = np.full_like(like, float(fill))
    return state[key]


def _check_params(params, who):
    is_list = not isinstance(params, (np.ndarray, str)) and hasattr(params, "__iter__")
    params = list(params) if is_list else None
    if not params:
        raise ValueError(f"{who}: params must be a non-empty list of numpy float64 arrays")
    for i, p in enumerate(params):
        if not isinstance(p, np.ndarray) or p.dtype != np.float64:
            kind = p.dtype if isinstance(p, np.ndarray) else type(p).__name__
            raise ValueError(
                f"{who}: params[{i}] is {kind}; params must be numpy float64 arrays "
                "(they are updated in place)"
            )
    return params


def _check_grads(grads, params, who):
    if isinstance(grads, (list, tuple)) and len(grads) == len(params) \
            and all(type(g) is np.ndarray and g.shape == p.shape and g.dtype == np.float64
                    for g, p in zip(grads, params)):
        return grads  # the common case, checked in one pass
    if not isinstance(grads, (list, tuple)) or len(grads) != len(params):
        count = len(grads) if isinstance(grads, (list, tuple)) else type(grads).__name__
        raise ValueError(f"{who}: expected a list of {len(params)} gradients, got {count}")
    out = []
    for i, (g, p) in enumerate(zip(grads, params)):
        g = np.asarray(g, dtype=np.float64)
        if g.shape != p.shape:
            raise ValueError(
                f"{who}: grads[{i}] has shape {g.shape} but params[{i}] has shape {p.shape}"
            )
        out.append(g)
    return out


def _check_numbers(opt, **lowest):
    """Each named attribute must be a finite real number, and >= its lowest value unless None."""
    for key, low in lowest.items():
        value = getattr(opt, key)
        ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
        if not ok or not math.isfinite(value) or (low is not None and value < low):
            allowed = "a finite number" + ("" if low is None else f" >= {low:g}")
            raise ValueError(f"{opt.name}: {key} must be {allowed}, got {value!r}")


def _check_flags(opt, *keys):
    for key in keys:
        value = getattr(opt, key)
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{opt.name}: {key} must be True or False, got {value!r}")


def _check_betas(betas, who):
    if not isinstance(betas, (tuple, list, np.ndarray)) or len(betas) != 2:
        raise ValueError(f"{who}: betas must be a pair (beta1, beta2), got {betas!r}")
    for i, b in enumerate(betas):
        ok = isinstance(b, numbers.Real) and not isinstance(b, (bool, np.bool_))
        if not ok or not 0.0 <= b < 1.0:
            raise ValueError(f"{who}: betas[{i}] must be in [0, 1), got {b!r}")
    return (float(betas[0]), float(betas[1]))


def _state_from_dict(s, p, opt, i):
    if not isinstance(s, dict) or "step" not in s:
        raise ValueError(f"{opt.name}: state[{i}] must be a dict with a 'step' count")
    step = s["step"]
    if isinstance(step, bool) or not isinstance(step, numbers.Integral) or not 0 <= step <= MAX_STEP:
        raise ValueError(f"{opt.name}: state[{i}]['step'] must be a whole number from 0 to {MAX_STEP:,}, got {step!r:.40}")
    state = {"step": int(step)}
    for key, value in s.items():
        if key == "step":
            continue
        if key not in opt.STATE:
            raise ValueError(
                f"{opt.name}: unknown state buffer {key!r} in state[{i}]; "
                f"allowed: {', '.join(opt.STATE)}"
            )
        low, high = opt.STATE[key].low, opt.STATE[key].high
        where = f"{opt.name}: state[{i}][{key!r}]"
        if key in SCALAR_STATE:
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low <= value <= high:
                raise ValueError(f"{where} must be a number from {low:g} to {high:g}, got {value!r:.40}")
            state[key] = float(value)
            continue
        try:
            a = np.array(value)
        except (TypeError, ValueError):
            a = np.array(None)
        if a.dtype.kind not in "iuf" and a.size:
            raise ValueError(f"{where} must be an array of numbers")
        a = a.astype(np.float64)
        if not np.all(np.isfinite(a) & (a >= low) & (a <= high)):
            raise ValueError(f"{where} must hold finite numbers{'' if low == -math.inf else f' >= {low:g}'}")
        if a.shape != p.shape:
            if a.size != 0 or p.size != 0:  # an empty array's .tolist() loses trailing dims
                raise ValueError(
                    f"{opt.name}: state[{i}][{key!r}] has shape {a.shape} "
                    f"but params[{i}] has shape {p.shape}"
                )
            a = a.reshape(p.shape)
        state[key] = a
    return state


MAX_STEP = 10**12  # a step count (bias corrections raise β to it)
SCALAR_STATE = ("step", "mu_product")  # state entries that are one number per parameter, not an array
