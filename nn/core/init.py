"""Weight initialisation with PyTorch's formulas (`torch.nn.init`) and gains.

A weight matrix W has shape (fan_in, fan_out). The gain compensates for how much an activation
shrinks or grows the signal (`torch.nn.init.calculate_gain`):

    xavier_uniform   U(−a, a),  a = gain·√(6 / (fan_in + fan_out))
    xavier_normal    N(0, σ²),  σ = gain·√(2 / (fan_in + fan_out))
    kaiming_uniform  U(−a, a),  a = gain·√(3 / fan_in)
    kaiming_normal   N(0, σ²),  σ = gain / √fan_in
    uniform          U(−a, a),  a = 1 / √fan_in        (torch.nn.Linear's own default)
"""
import math

import numpy as np

NAMES = ("xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "uniform")
ALIASES = {"glorot_uniform": "xavier_uniform", "glorot_normal": "xavier_normal",
           "he_uniform": "kaiming_uniform", "he_normal": "kaiming_normal"}


def gain(activation: str, negative_slope: float = 0.01) -> float:
    """torch's calculate_gain; relu-like activations it does not list (elu, softplus, silu,
    gelu) take relu's √2, and sine (like linear) takes 1."""
    if activation in ("linear", "sigmoid", "softmax", "sine"):
        return 1.0
    if activation == "tanh":
        return 5.0 / 3.0
    if activation == "leaky_relu":
        return math.sqrt(2.0 / (1.0 + negative_slope**2))
    return math.sqrt(2.0)  # relu, elu, softplus, silu, gelu


def canonical(name: str) -> str:
    """The init's canonical name ("he_normal" is kaiming_normal); ValueError if unknown."""
    key = ALIASES.get(name, name)
    if key not in NAMES:
        raise ValueError(f"unknown init {name!r}; allowed: {', '.join(NAMES)} "
                         f"(or {', '.join(ALIASES)})")
    return key


def weights(name: str, fan_in: int, fan_out: int, g: float, rng: np.random.Generator) -> np.ndarray:
    """A (fan_in, fan_out) float64 matrix drawn by init `name` with gain g."""
    name = canonical(name)
    shape = (fan_in, fan_out)
    if name == "xavier_uniform":
        a = g * math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-a, a, shape)
    if name == "xavier_normal":
        return rng.normal(0.0, g * math.sqrt(2.0 / (fan_in + fan_out)), shape)
    if name == "kaiming_uniform":
        a = g * math.sqrt(3.0 / fan_in)
        return rng.uniform(-a, a, shape)
    if name == "kaiming_normal":
        return rng.normal(0.0, g / math.sqrt(fan_in), shape)
    a = 1.0 / math.sqrt(fan_in)  # uniform
    return rng.uniform(-a, a, shape)
