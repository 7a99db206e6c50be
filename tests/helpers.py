"""Small shared builders for the engine tests."""
import numpy as np

from nn import MLP

# (output head, loss, targets maker) — every pair the engine allows
PAIRS = [
    ("sigmoid", "bce"),
    ("sigmoid", "mse"),
    ("softmax", "cross_entropy"),
    ("softmax", "mse"),
    ("linear", "mse"),
]
KINKED = {"relu", "leaky_relu", "elu"}  # f or f' jumps at z = 0


def outputs_for(output):
    return {"sigmoid": 1, "softmax": 3, "linear": 2}[output]


def make_targets(output, loss, n, k, rng):
    if loss == "cross_entropy":
        return rng.integers(0, k, n)
    if output == "sigmoid":
        return (rng.random((n, k)) > 0.5).astype(float)
    if output == "softmax":  # mse against one-hot rows
        return np.eye(k)[rng.integers(0, k, n)]
    return rng.normal(size=(n, k))


def min_abs_preactivation(net, X):
    """How close any hidden pre-activation comes to 0 (a kink for relu-like activations)."""
    Z, _, _ = net.layers(X)
    return min(np.abs(z).min() for z in Z[:-1]) if len(Z) > 1 else np.inf
