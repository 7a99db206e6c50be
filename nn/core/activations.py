"""Activation functions, each written beside its derivative.

An activation maps a pre-activation z to a = f(z). Its derivative is given both z and the value
a = f(z) it already computed, so that tanh' is just 1 − a² and no work is done twice.
Every formula matches PyTorch's definition (`torch.nn.functional`), including softplus's switch
to the identity above 20 and gelu's tanh approximation.
"""
from typing import Callable, NamedTuple

import numpy as np

from ..fast import tanh as fast

SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)
GELU_CUBIC = 0.044715
SOFTPLUS_THRESHOLD = 20.0  # torch: softplus(z) = z once z > 20 (exp would only add rounding)
ELU_ALPHA = 1.0


class Activation(NamedTuple):
    """Everything about one activation: f(z) and f'(z), how the page writes them, and what the
    page needs to know of their shape. `df(z, a)` receives a = f(z) to reuse it."""

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray, np.ndarray], np.ndarray]
    definition: str      # f(z) written out: "1 / (1 + e^−z)"
    derivative: str      # f'(z) written out: "f(z)·(1 − f(z))"
    symbol: str          # f(z) as the explained step writes it: "σ(z)"
    applied: str         # f at a number: "σ({z})"; {zf} is the number bracketed when negative
    menu: int            # its place in the page's menu of activations
    bounds: tuple = None  # (lo, hi) that f(z) never leaves, for every z; None: unbounded
    kinked: bool = False  # f' jumps at z = 0, so a difference quotient straddling 0 misses it
    fast_f: Callable = None  # a quicker f for large arrays (nn/fast/tanh.py), held equal to f by a test

    @property
    def formula(self):
        """f and f' in one line, as the page shows them."""
        return f"f(z) = {self.definition} ;  f'(z) = {self.derivative}"

    @property
    def fastest(self):
        """f by its speed path where it has one (fast_f), else f itself: the same numbers to rounding."""
        return self.fast_f or self.f


# Exponents are clamped where exp would overflow, rather than silenced with np.errstate:
# errstate costs ~30 µs per use in the browser, four times a small sigmoid. Past the clamp the
# value is already below 1e-300 (σ(−700) ≈ 1e-304).
def sigmoid(z):
    """σ(z) = 1 / (1 + e^−z)."""
    return 1.0 / (1.0 + np.exp(-np.maximum(z, -700.0)))


def _sigmoid_prime(z, a):
    return a * (1.0 - a)  # σ' = σ(1 − σ), from a = σ(z)


def tanh(z):
    """tanh z. (nn.fast.tanh is the same, quicker on large arrays; MLP's forward pass uses it.)"""
    return np.tanh(z)


def _tanh_prime(z, a):
    return 1.0 - a * a  # tanh' = 1 − tanh², from a = tanh z


def _relu_prime(z, a):
    return (z > 0).astype(z.dtype)  # relu'(0) is 0, as in torch


def _gelu_tanh(z):
    return 0.5 * z * (1.0 + np.tanh(SQRT_2_OVER_PI * (z + GELU_CUBIC * z**3)))


def _gelu_tanh_prime(z, a):
    # d/dz ½z(1+t) with t = tanh(u), u = √(2/π)(z + 0.044715 z³)
    t = np.tanh(SQRT_2_OVER_PI * (z + GELU_CUBIC * z**3))
    du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * z * z)
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * du


def _softplus(z):
    # log(1 + e^z), and z itself past the threshold, exactly as torch does
    return np.where(z > SOFTPLUS_THRESHOLD, z, np.log1p(np.exp(np.minimum(z, SOFTPLUS_THRESHOLD))))


def _softplus_prime(z, a):
    return np.where(z > SOFTPLUS_THRESHOLD, 1.0, sigmoid(z))


def _silu_prime(z, a):
    s = sigmoid(z)
    return s * (1.0 + z * (1.0 - s))  # d/dz z·σ(z) = σ + zσ(1−σ)


def _elu(z):
    return np.where(z > 0, z, ELU_ALPHA * np.expm1(np.minimum(z, 0.0)))


def leaky_relu(negative_slope: float) -> Activation:
    """max(z, 0) + slope·min(z, 0); torch's default slope is 0.01."""
    s = float(negative_slope)
    return Activation(
        "leaky_relu", lambda z: np.where(z > 0, z, s * z), lambda z, a: np.where(z > 0, 1.0, s),
        definition=f"z if z > 0 else {s:g}·z", derivative=f"1 or {s:g}",
        symbol=f"max(z, {s:g}·z)", applied=f"max({{zf}}, {s:g}·{{zf}})", menu=2, kinked=True)


# In the order of this table: what the config and error messages list. `menu` orders the page's menu.
ACTIVATIONS = {
    "linear": Activation(
        "linear", lambda z: z, lambda z, a: np.ones_like(z),
        definition="z", derivative="1", symbol="z", applied="{z}", menu=4),
    "sigmoid": Activation(
        "sigmoid", sigmoid, _sigmoid_prime,
        definition="1 / (1 + e^−z)", derivative="f(z)·(1 − f(z))", symbol="σ(z)", applied="σ({z})",
        menu=3, bounds=(0.0, 1.0)),
    "tanh": Activation(
        "tanh", tanh, _tanh_prime,
        definition="tanh z", derivative="1 − tanh² z", symbol="tanh z", applied="tanh({z})",
        menu=0, bounds=(-1.0, 1.0), fast_f=fast.tanh),
    "relu": Activation(
        "relu", lambda z: np.maximum(z, 0.0), _relu_prime,
        definition="max(0, z)", derivative="1 if z > 0 else 0", symbol="max(0, z)", applied="max(0, {z})",
        menu=1, kinked=True),
    "leaky_relu": leaky_relu(0.01),
    # elu' is α·e^z below 0; written as a + α it would cancel to 0 for very negative z. With α = 1
    # its slope is 1 on both sides of 0: no kink
    "elu": Activation(
        "elu", _elu, lambda z, a: np.where(z > 0, 1.0, ELU_ALPHA * np.exp(np.minimum(z, 0.0))),
        definition="z if z > 0 else e^z − 1", derivative="1 or e^z", symbol="z if z > 0 else e^z − 1",
        applied="elu({z})", menu=5),
    "softplus": Activation(
        "softplus", _softplus, _softplus_prime,
        definition="log(1 + e^z)", derivative="σ(z)", symbol="log(1 + e^z)", applied="log(1 + e^{z})",
        menu=6),
    "silu": Activation(
        "silu", lambda z: z * sigmoid(z), _silu_prime,
        definition="z·σ(z)", derivative="σ(z)·(1 + z·(1 − σ(z)))", symbol="z·σ(z)", applied="{zf}·σ({zf})",
        menu=7),
    "gelu": Activation(
        "gelu", _gelu_tanh, _gelu_tanh_prime,
        definition="½z(1 + tanh(√(2/π)(z + 0.044715z³)))",
        derivative="½(1 + t) + ½z(1 − t²)·√(2/π)(1 + 3·0.044715z²), t = tanh(√(2/π)(z + 0.044715z³))",
        symbol="½z(1 + tanh(√(2/π)(z + 0.044715z³)))", applied="gelu({z})", menu=8),
    "sine": Activation(
        "sine", np.sin, lambda z, a: np.cos(z),
        definition="sin z", derivative="cos z", symbol="sin z", applied="sin({z})", menu=9,
        bounds=(-1.0, 1.0)),
}
ALIASES = {"swish": "silu", "identity": "linear"}
NAMES = tuple(ACTIVATIONS)
MENU = tuple(sorted(NAMES, key=lambda name: ACTIVATIONS[name].menu))  # the page's menu


def get(name: str, negative_slope: float = 0.01) -> Activation:
    """The activation called `name` (see NAMES; "swish" is silu); leaky_relu takes its slope."""
    key = ALIASES.get(name, name) if isinstance(name, str) else name
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; allowed: {', '.join(NAMES)} (or 'swish')")
    if key == "leaky_relu":
        return leaky_relu(negative_slope)
    return ACTIVATIONS[key]
