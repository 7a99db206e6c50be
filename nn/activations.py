"""Activation functions, each written beside its derivative.

An activation maps a pre-activation z to a = f(z). Its derivative is given both z and the value
a = f(z) it already computed, so that tanh' is just 1 − a² and no work is done twice.
Every formula matches PyTorch's definition (`torch.nn.functional`), including softplus's switch
to the identity above 20 and gelu's tanh approximation.
"""
from typing import Callable, NamedTuple

import numpy as np

SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)
GELU_CUBIC = 0.044715
SOFTPLUS_THRESHOLD = 20.0
TANH_VIA_EXP_FROM = 1024  # elements; below this np.tanh's single call is cheaper (see tanh)  # torch: softplus(z) = z once z > 20 (exp would only add rounding)
ELU_ALPHA = 1.0


class Activation(NamedTuple):
    """f(z) and f'(z) for one activation; `df(z, a)` receives a = f(z) to reuse it."""

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray, np.ndarray], np.ndarray]
    formula: str  # f and f' in one line, as the page shows them


# Exponents are clamped where exp would overflow, rather than silenced with np.errstate:
# errstate costs ~30 µs per use in the browser, four times a small sigmoid. Past the clamp the
# value is already exact in float64 (tanh(−350) = −1) or below 1e-300 (σ(−700) ≈ 1e-304).
def sigmoid(z):
    """σ(z) = 1 / (1 + e^−z)."""
    return 1.0 / (1.0 + np.exp(-np.maximum(z, -700.0)))


def tanh(z):
    """tanh z, the fastest way for the array's size; both ways agree to ~1e-16.

    Large arrays (the 80x80 picture grid): 2σ(2z) − 1, because exp is vectorised where tanh is
    not (in the browser: 0.68 ms vs 1.5 ms on 6400x8). Small ones (a mini-batch): np.tanh, one
    call instead of six (in the browser: 6.5 µs vs 25 µs on 32x8)."""
    if z.size < TANH_VIA_EXP_FROM:
        return np.tanh(z)
    t = np.maximum(z, -350.0)  # the same ufuncs in place: one array instead of five
    t *= -2.0
    np.exp(t, out=t)
    t += 1.0
    np.divide(2.0, t, out=t)
    t -= 1.0
    return t


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
        "leaky_relu",
        lambda z: np.where(z > 0, z, s * z),
        lambda z, a: np.where(z > 0, 1.0, s),
        f"f(z) = z if z > 0 else {s:g}·z ;  f'(z) = 1 or {s:g}",
    )


ACTIVATIONS = {
    "linear": Activation("linear", lambda z: z, lambda z, a: np.ones_like(z),
                         "f(z) = z ;  f'(z) = 1"),
    "sigmoid": Activation("sigmoid", sigmoid, lambda z, a: a * (1.0 - a),
                          "f(z) = 1 / (1 + e^−z) ;  f'(z) = f(z)·(1 − f(z))"),
    "tanh": Activation("tanh", tanh, lambda z, a: 1.0 - a * a,
                       "f(z) = tanh z ;  f'(z) = 1 − tanh² z"),
    # relu'(0) is 0, as in torch
    "relu": Activation("relu", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype),
                       "f(z) = max(0, z) ;  f'(z) = 1 if z > 0 else 0"),
    "leaky_relu": leaky_relu(0.01),
    # elu' is α·e^z below 0; written as a + α it would cancel to 0 for very negative z
    "elu": Activation("elu", _elu, lambda z, a: np.where(z > 0, 1.0, ELU_ALPHA * np.exp(np.minimum(z, 0.0))),
                      "f(z) = z if z > 0 else e^z − 1 ;  f'(z) = 1 or e^z"),
    "softplus": Activation("softplus", _softplus, _softplus_prime,
                           "f(z) = log(1 + e^z) ;  f'(z) = σ(z)"),
    "silu": Activation("silu", lambda z: z * sigmoid(z), _silu_prime,
                       "f(z) = z·σ(z) ;  f'(z) = σ(z)·(1 + z·(1 − σ(z)))"),
    "gelu": Activation("gelu", _gelu_tanh, _gelu_tanh_prime,
                       "f(z) = ½z(1 + tanh(√(2/π)(z + 0.044715z³))) ;  f'(z) by the chain rule"),
    "sine": Activation("sine", np.sin, lambda z, a: np.cos(z),
                       "f(z) = sin z ;  f'(z) = cos z"),
}
ALIASES = {"swish": "silu", "identity": "linear"}
NAMES = tuple(ACTIVATIONS)


def get(name: str, negative_slope: float = 0.01) -> Activation:
    """The activation called `name` (see NAMES; "swish" is silu); leaky_relu takes its slope."""
    key = ALIASES.get(name, name) if isinstance(name, str) else name
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; allowed: {', '.join(NAMES)} (or 'swish')")
    if key == "leaky_relu":
        return leaky_relu(negative_slope)
    return ACTIVATIONS[key]
