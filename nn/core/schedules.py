"""Learning-rate schedules (StepLR, ExponentialLR, CosineAnnealingLR, LinearLR) as PyTorch has them.

A schedule changes `optimizer.lr` once per epoch and nothing else:

    opt = optim.SGD(net.params, lr=0.1)
    sched = CosineAnnealingLR(opt, T_max=50)
    for epoch in range(100):
        ...                        # opt.step(grads) for every batch
        sched.step()               # sets opt.lr for the next epoch

Like torch.optim.lr_scheduler (the default, chainable form), each step multiplies or adds to the
optimizer's *current* lr, so a change you make to `opt.lr` by hand carries on through the
schedule; `base_lr` is the lr the optimizer had when the schedule was attached. Construction
counts as epoch 0 and may already set the lr (LinearLR starts at start_factor·lr).

"constant" (or None) in `make` gives `Constant`, which never changes the lr. It is *not*
torch's ConstantLR (which scales the lr by a factor for a few epochs).
"""

import inspect
import math
import numbers


class Schedule:
    """Base class: owns `last_epoch` and sets `optimizer.lr` on every `step()`."""

    name = "schedule"
    ARGUMENTS = ()  # constructor keywords, in signature order

    def __init__(self, optimizer, **arguments):
        self._bind(optimizer, arguments)
        self.base_lr = float(optimizer.lr)
        self.last_epoch = 0
        optimizer.lr = self._first_lr(self.base_lr)
        self._last_lr = float(optimizer.lr)

    def step(self):
        """Advance one epoch and set optimizer.lr from its current value."""
        self.last_epoch += 1
        self.optimizer.lr = self._next_lr(float(self.optimizer.lr))
        self._last_lr = float(self.optimizer.lr)

    def get_last_lr(self):
        """The lr this schedule set most recently (a float)."""
        return self._last_lr

    def to_dict(self):
        """JSON-safe snapshot: name, arguments, base_lr, last_epoch and last_lr."""
        return {
            "name": self.name,
            "arguments": {key: _plain(getattr(self, key)) for key in self.ARGUMENTS},
            "base_lr": self.base_lr,
            "last_epoch": self.last_epoch,
            "last_lr": self._last_lr,
        }

    def __repr__(self):
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.ARGUMENTS)
        return f"{type(self).__name__}({args}, last_epoch={self.last_epoch})"

    def _bind(self, optimizer, arguments):
        lr = getattr(optimizer, "lr", None)
        if not isinstance(lr, numbers.Real) or isinstance(lr, bool) or not math.isfinite(lr):
            raise ValueError(f"{self.name}: the optimizer needs a finite number lr, got {lr!r}")
        self.optimizer = optimizer
        for key, value in arguments.items():
            setattr(self, key, value)
        self._validate()

    def _validate(self):
        pass

    def _first_lr(self, lr):
        return lr

    def _next_lr(self, lr):
        raise NotImplementedError


class Constant(Schedule):
    """No schedule: lr stays whatever the optimizer has."""

    name = "constant"

    def __init__(self, optimizer):
        super().__init__(optimizer)

    def _next_lr(self, lr):
        return lr


class StepLR(Schedule):
    """Multiply lr by gamma every step_size epochs: lr_e = base_lr · γ^⌊e / step_size⌋."""

    name = "step"
    ARGUMENTS = ("step_size", "gamma")

    def __init__(self, optimizer, step_size, gamma=0.1):
        super().__init__(optimizer, step_size=step_size, gamma=gamma)

    def _validate(self):
        _check_int(self, "step_size", 1)
        _check_positive(self, "gamma")

    def _next_lr(self, lr):
        return lr * self.gamma if self.last_epoch % self.step_size == 0 else lr


class ExponentialLR(Schedule):
    """Multiply lr by gamma every epoch: lr_e = base_lr · γ^e."""

    name = "exponential"
    ARGUMENTS = ("gamma",)

    def __init__(self, optimizer, gamma):
        super().__init__(optimizer, gamma=gamma)

    def _validate(self):
        _check_positive(self, "gamma")

    def _next_lr(self, lr):
        return lr * self.gamma


class CosineAnnealingLR(Schedule):
    """Anneal base_lr to eta_min along half a cosine: lr_e = η + (b − η)·(1 + cos(π·e/T))/2.

    Computed, like PyTorch, as a ratio of consecutive cosine terms applied to the current lr.
    Past T_max it does not stop: the lr climbs back to base_lr at 2·T_max, and so on (a period
    of 2·T_max). At e = T_max + 1 (mod 2·T_max) that ratio would divide by zero, so PyTorch adds
    the first step's rise instead; we do the same.
    """

    name = "cosine"
    ARGUMENTS = ("T_max", "eta_min")

    def __init__(self, optimizer, T_max, eta_min=0.0):
        super().__init__(optimizer, T_max=T_max, eta_min=eta_min)

    def _validate(self):
        _check_int(self, "T_max", 1)
        _check_number(self, "eta_min", 0.0)

    def _next_lr(self, lr):
        e, T, eta = self.last_epoch, self.T_max, self.eta_min
        if (e - 1 - T) % (2 * T) == 0:
            return lr + (self.base_lr - eta) * (1 - math.cos(math.pi / T)) / 2
        ratio = (1 + math.cos(math.pi * e / T)) / (1 + math.cos(math.pi * (e - 1) / T))
        return ratio * (lr - eta) + eta


class LinearLR(Schedule):
    """Scale lr linearly from start_factor·base_lr to end_factor·base_lr over total_iters epochs.

    lr_e = base_lr · (s + (f − s) · min(e, total_iters) / total_iters), applied like PyTorch as a
    ratio to the current lr; after total_iters the lr is left alone.
    """

    name = "linear"
    ARGUMENTS = ("start_factor", "end_factor", "total_iters")

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
        super().__init__(optimizer, start_factor=start_factor, end_factor=end_factor,
                         total_iters=total_iters)

    def _validate(self):
        _check_number(self, "start_factor", 0.0)
        if not 0.0 < self.start_factor <= 1.0:
            raise ValueError(f"linear: start_factor must be in (0, 1], got {self.start_factor!r}")
        _check_number(self, "end_factor", 0.0)
        if not 0.0 <= self.end_factor <= 1.0:
            raise ValueError(f"linear: end_factor must be in [0, 1], got {self.end_factor!r}")
        _check_int(self, "total_iters", 1)

    def _first_lr(self, lr):
        return lr * self.start_factor

    def _next_lr(self, lr):
        e, s, f, n = self.last_epoch, self.start_factor, self.end_factor, self.total_iters
        if e > n:
            return lr
        return lr * (1.0 + (f - s) / (n * s + (e - 1) * (f - s)))


_SCHEDULES = {cls.name: cls
              for cls in (Constant, StepLR, ExponentialLR, CosineAnnealingLR, LinearLR)}
NAMES = tuple(_SCHEDULES)


def make(name, optimizer, **arguments):
    """Attach a schedule by name (NAMES, or None for "constant"): make("cosine", opt, T_max=50)."""
    cls = _lookup(name)
    _check_arguments(cls, arguments)
    return cls(optimizer, **arguments)


def _check_arguments(cls, arguments):
    """Every argument known to `cls`, and every required one given."""
    unknown = sorted(map(str, set(arguments) - set(cls.ARGUMENTS)))
    if unknown:
        allowed = ", ".join(cls.ARGUMENTS) or "none"
        raise ValueError(
            f"{cls.name}: unknown argument(s) {', '.join(unknown)}; allowed: {allowed}"
        )
    signature = inspect.signature(cls).parameters
    missing = [k for k in cls.ARGUMENTS
               if signature[k].default is inspect.Parameter.empty and k not in arguments]
    if missing:
        raise ValueError(f"{cls.name}: missing required argument(s) {', '.join(missing)}")


def from_dict(d, optimizer):
    """Reattach a schedule from `to_dict()` output; it continues exactly where it stopped.

    The optimizer's lr is not touched: restore the optimizer from its own dict, which holds it.
    """
    keys = {"name", "arguments", "base_lr", "last_epoch", "last_lr"}
    if not isinstance(d, dict) or not keys <= set(d):
        raise ValueError(f"schedule dict needs the keys {', '.join(sorted(keys))}")
    cls = _lookup(d["name"])
    if not isinstance(d["arguments"], dict):
        raise ValueError(f"{cls.name}: arguments must be a dict, got {type(d['arguments']).__name__}")
    for key in ("base_lr", "last_lr"):
        value = d[key]
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
            raise ValueError(f"{cls.name}: {key} must be a finite number >= 0, got {value!r}")
    epoch = d["last_epoch"]
    if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral) or epoch < 0:
        raise ValueError(f"{cls.name}: last_epoch must be a whole number >= 0, got {epoch!r}")
    _check_arguments(cls, d["arguments"])
    sched = cls.__new__(cls)  # skip __init__: it would take epoch 0 again
    sched._bind(optimizer, dict(d["arguments"]))
    sched.base_lr = float(d["base_lr"])
    sched.last_epoch = int(epoch)
    sched._last_lr = float(d["last_lr"])
    return sched


# --- helpers -------------------------------------------------------------------------------------

def _lookup(name):
    if name is not None and not isinstance(name, str):
        raise ValueError(f"a schedule's name is text; allowed: {', '.join(NAMES)} (or None)")
    key = "constant" if name is None else name
    key = key.lower() if isinstance(key, str) else key
    if key not in _SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}; allowed: {', '.join(NAMES)} (or None)")
    return _SCHEDULES[key]


def _plain(x):
    """A JSON-safe Python int or float (numpy numbers are not)."""
    return int(x) if isinstance(x, numbers.Integral) else float(x)


def _check_number(sched, key, low):
    value = getattr(sched, key)
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < low:
        raise ValueError(f"{sched.name}: {key} must be a finite number >= {low:g}, got {value!r}")


def _check_positive(sched, key):
    value = getattr(sched, key)
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{sched.name}: {key} must be a finite number > 0, got {value!r}")


def _check_int(sched, key, low):
    value = getattr(sched, key)
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
        raise ValueError(f"{sched.name}: {key} must be an integer >= {low}, got {value!r}")
