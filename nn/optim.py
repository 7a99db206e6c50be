"""Optimizers: SGD, RMSprop, Adam, AdamW and Adagrad, computed step for step as PyTorch 2.13 does.

An optimizer holds a list of parameter arrays and changes them in place; it never computes
gradients. Each `step(grads)` applies one update rule to every parameter:

    opt = Adam(net.params, lr=1e-3)
    loss, grads = net.loss_and_grads(X, Y)
    opt.step(grads)                 # net.params are the same arrays, now updated

Hyperparameters are plain attributes (`opt.lr = 0.01` between steps keeps all state) and have
PyTorch's names and defaults. `opt.state[i]` is a dict for parameter i: its own `"step"` count
and named buffers ("momentum_buffer", "exp_avg", ...), named as PyTorch names them. A buffer
appears when the rule first needs it, as in PyTorch, so before the first step most are absent.
"""

import math
import numbers

import numpy as np


class Optimizer:
    """Base class: params updated in place, hyperparameters as attributes, per-parameter state."""

    name = "Optimizer"
    HYPERPARAMETERS = ()  # constructor keywords, in signature order
    BUFFERS = ()  # state buffer names this optimizer may create

    def __init__(self, params, **hyperparameters):
        self.params = _check_params(params, self.name)
        for key, value in hyperparameters.items():
            setattr(self, key, value)
        self._validate()
        self.__dict__["_changed"] = False
        self.state = [self._init_state(p) for p in self.params]
        self._flat = _shared_vector(self.params)
        if self._flat is not None:
            self._adopt_flat_state()

    def __setattr__(self, key, value):
        if key in self.HYPERPARAMETERS and not _same_float(self.__dict__.get(key), value):
            self.__dict__["_changed"] = True  # checked again before the next step
        object.__setattr__(self, key, value)

    def step(self, grads):
        """Apply one update to every parameter, in place. grads: arrays shaped like params."""
        if self.__dict__.get("_changed", True):  # a hyperparameter was reassigned since the last step
            self._validate()
            self.__dict__["_changed"] = False
        if self._flat is not None and grads is self.__dict__.get("_grads_seen"):
            return self._flat_step(self._grads_vector)  # the list checked before, viewing the same vector
        grads = _check_grads(grads, self.params, self.name)
        if self._flat is not None:
            return self._flat_step(self._grad_vector(grads))
        for p, g, state in zip(self.params, grads, self.state):
            if self.maximize:
                g = -g
            state["step"] += 1
            self._update(p, g, state)

    # Every update rule here is elementwise, so when the params are consecutive views of one
    # vector (as an MLP's are) the same rule runs once on that vector: bit-identical, and one
    # call instead of one per array (that matters in the browser, where each call costs).
    # Each parameter's state dict then holds views into the vector-sized buffers.
    def _flat_step(self, g):
        if self.maximize:
            g = -g
        flat_state = self._flat_state
        step = flat_state["step"] = flat_state["step"] + 1
        self._update(self._flat, g, flat_state)
        for state in self.state:
            state["step"] = step
        if len(flat_state) > len(self._linked) + 1:  # the rule made a buffer: view it per parameter
            self._link_views()

    def _grad_vector(self, grads):
        """The gradients as one vector: the vector they view, if they view one (a session's do,
        the same list every step), else a concatenated copy."""
        vector = _shared_vector(grads)
        if vector is not None:
            self._grads_seen, self._grads_vector = grads, vector
            return vector
        return np.concatenate([gi.reshape(-1) for gi in grads])

    def _adopt_flat_state(self):
        """Gather the per-parameter state into vector-sized buffers, and view them back."""
        keys = [k for k in self.state[0] if k != "step" and all(k in s for s in self.state)]
        self._flat_state = {"step": self.state[0]["step"]}
        for key in keys:
            self._flat_state[key] = np.concatenate([s[key].reshape(-1) for s in self.state])
        self._linked = {}
        self._link_views()

    def _link_views(self):
        for key, buf in self._flat_state.items():
            if key == "step" or self._linked.get(key) is buf:
                continue
            offset = 0
            for p, state in zip(self.params, self.state):
                state[key] = buf[offset:offset + p.size].reshape(p.shape)
                offset += p.size
            self._linked[key] = buf

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

    # Subclasses define these three.
    def _validate(self):
        raise NotImplementedError

    def _init_state(self, p):
        return {"step": 0}

    def _update(self, p, g, state):
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum: b = μ·b + (1 − τ)·g;  θ −= lr·b.

    The first momentum buffer is the gradient itself (not zeros, and not dampened).
    Nesterov steps along g + μ·b instead of b.
    """

    name = "SGD"
    HYPERPARAMETERS = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")
    BUFFERS = ("momentum_buffer",)

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

    def _update(self, p, g, state):
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        if self.momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                # np.array, not g.copy(): arithmetic on a 0-d array yields a numpy scalar
                buf = state["momentum_buffer"] = np.array(g, dtype=np.float64)
            else:
                buf *= self.momentum
                buf += (1 - self.dampening) * g
            g = (g + self.momentum * buf) if self.nesterov else buf
        p -= self.lr * g


class RMSprop(Optimizer):
    """Divide by a running RMS of the gradient: v = α·v + (1 − α)·g²;  θ −= lr·g / (√v + ε).

    ε is added after the square root, and there is no bias correction. Centered subtracts the
    squared running mean of g inside the root; momentum accumulates g / (√v + ε) first.
    """

    name = "RMSprop"
    HYPERPARAMETERS = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")
    BUFFERS = ("square_avg", "momentum_buffer", "grad_avg")

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, *, maximize=False):
        super().__init__(params, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                         momentum=momentum, centered=centered, maximize=maximize)

    def _validate(self):
        _check_numbers(self, lr=0.0, alpha=0.0, eps=0.0, weight_decay=0.0, momentum=0.0)
        _check_flags(self, "centered", "maximize")

    def _update(self, p, g, state):
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        square_avg = _buffer(state, "square_avg", p)
        square_avg *= self.alpha
        square_avg += (1 - self.alpha) * g * g
        if self.centered:
            grad_avg = _buffer(state, "grad_avg", p)
            grad_avg += (1 - self.alpha) * (g - grad_avg)  # = α·m + (1 − α)·g
            avg = np.sqrt(square_avg - grad_avg * grad_avg) + self.eps
        else:
            avg = np.sqrt(square_avg) + self.eps
        if self.momentum > 0:
            buf = _buffer(state, "momentum_buffer", p)
            buf *= self.momentum
            buf += g / avg
            p -= self.lr * buf
        else:
            p -= self.lr * (g / avg)


class Adam(Optimizer):
    """Adaptive moments: m = β₁·m + (1 − β₁)·g;  v = β₂·v + (1 − β₂)·g²;  θ −= lr·m̂ / (√v̂ + ε).

    m̂ = m / (1 − β₁ᵗ) and v̂ = v / (1 − β₂ᵗ) undo the bias of starting from zeros.
    weight_decay adds λ·θ to the gradient (L2). AMSGrad keeps the running max of the raw v
    and bias-corrects that max afterwards, as PyTorch's code does.
    """

    name = "Adam"
    HYPERPARAMETERS = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")
    BUFFERS = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    _decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize)

    def _validate(self):
        _check_numbers(self, lr=0.0, eps=0.0, weight_decay=0.0)
        _check_flags(self, "amsgrad", "maximize")
        self.betas = _check_betas(self.betas, self.name)

    def _update(self, p, g, state):
        lr, (beta1, beta2), t = self.lr, self.betas, state["step"]
        if self.weight_decay != 0:
            if self._decoupled_weight_decay:
                p *= 1 - lr * self.weight_decay
            else:
                g = g + self.weight_decay * p
        exp_avg = _buffer(state, "exp_avg", p)
        exp_avg_sq = _buffer(state, "exp_avg_sq", p)
        exp_avg *= beta1
        exp_avg += (1 - beta1) * g
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * g * g
        if self.amsgrad:
            max_exp_avg_sq = _buffer(state, "max_exp_avg_sq", p)
            np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
            exp_avg_sq = max_exp_avg_sq
        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        denom = np.sqrt(exp_avg_sq) / math.sqrt(bias_correction2) + self.eps
        p -= (lr / bias_correction1) * (exp_avg / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay: θ *= 1 − lr·λ, then the Adam step (λ stays out of m, v)."""

    name = "AdamW"
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
    BUFFERS = ("sum",)

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

    def _update(self, p, g, state):
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        clr = self.lr / (1 + (state["step"] - 1) * self.lr_decay)
        state_sum = _buffer(state, "sum", p, fill=self.initial_accumulator_value)
        state_sum += g * g
        p -= clr * (g / (np.sqrt(state_sum) + self.eps))


_OPTIMIZERS = {cls.name.lower(): cls for cls in (SGD, RMSprop, Adam, AdamW, Adagrad)}
NAMES = tuple(_OPTIMIZERS)


def make(name, params, **hyperparameters):
    """Build an optimizer by case-insensitive name: one of NAMES, e.g. make("adam", params)."""
    cls = _lookup(name)
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
    if opt._flat is not None:
        opt._adopt_flat_state()
    return opt


# --- helpers -------------------------------------------------------------------------------------

def _lookup(name):
    key = name.lower() if isinstance(name, str) else name
    if key not in _OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; allowed: {', '.join(NAMES)}")
    return _OPTIMIZERS[key]


def _shared_vector(params):
    """The 1-D array that `params` are consecutive views of, in order and covering it; else None."""
    base = params[0].base if params else None
    if base is None or len(params) < 2 or base.ndim != 1 or not base.flags.c_contiguous \
            or base.dtype != np.float64:
        return None
    start = base.__array_interface__["data"][0]
    offset = 0
    for p in params:
        if p.base is not base or not p.flags.c_contiguous \
                or p.__array_interface__["data"][0] - start != offset * base.itemsize:
            return None
        offset += p.size
    return base if offset == base.size else None


def _buffer(state, key, like, fill=0.0):
    """The named state buffer, created (shaped like `like`) the first time the rule needs it."""
    if key not in state:
        state[key] = np.full_like(like, float(fill))
    return state[key]


def _same_float(old, new):
    """Whether a hyperparameter is set to the float it already has (a constant schedule sets lr
    again every epoch): it needs no new check, it had one when it was set, or still will."""
    return type(old) is float and type(new) is float and old == new


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
    state = {"step": int(s["step"])}
    for key, value in s.items():
        if key == "step":
            continue
        if key not in opt.BUFFERS:
            raise ValueError(
                f"{opt.name}: unknown state buffer {key!r} in state[{i}]; "
                f"allowed: {', '.join(opt.BUFFERS)}"
            )
        a = np.array(value, dtype=np.float64)
        if a.shape != p.shape:
            if a.size != 0 or p.size != 0:  # an empty array's .tolist() loses trailing dims
                raise ValueError(
                    f"{opt.name}: state[{i}][{key!r}] has shape {a.shape} "
                    f"but params[{i}] has shape {p.shape}"
                )
            a = a.reshape(p.shape)
        state[key] = a
    return state
