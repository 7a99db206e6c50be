"""Input features computed from the raw inputs x1, x2 (as in TensorFlow Playground).

    Z = transform(X, ("x1", "x2", "x1*x2"))     # X (n, 2) or (n, 1) -> Z (n, 3) float64

With one raw input (n, 1), only features of x1 are allowed: see available(1).
"""
import numpy as np

NAMES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
LABELS = {"x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁x₂",
          "sin(x1)": "sin x₁", "sin(x2)": "sin x₂"}
DEFAULT = ("x1", "x2")

_FORMULAS = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
_ONLY_X1 = ("x1", "x1^2", "sin(x1)")


def available(n_inputs):
    """The feature names usable with 1 or 2 raw inputs."""
    if n_inputs not in (1, 2):
        raise ValueError(f"features need 1 or 2 raw inputs, got {n_inputs!r}")
    return _ONLY_X1 if n_inputs == 1 else NAMES


def check(names, n_inputs=2):
    """Validate a feature selection; returns it as a tuple."""
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise ValueError(f"feature names must be a sequence of names such as ('x1', 'x2'), "
                         f"got {names!r}")
    names = tuple(names)
    allowed = available(n_inputs)
    if not names:
        raise ValueError(f"choose at least one feature from: {', '.join(allowed)}")
    for name in names:
        if name not in allowed:
            why = "unknown feature" if name not in NAMES else "with one input, feature"
            raise ValueError(f"{why} {name!r} is not allowed; allowed: {', '.join(allowed)}")
    if len(set(names)) != len(names):
        raise ValueError(f"feature names must not repeat, got {names}")
    return names


def transform(X, names=DEFAULT):
    """Raw inputs X (n, 2) or (n, 1) -> features (n, len(names)) float64, in `names` order."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] not in (1, 2):
        raise ValueError(f"X must have shape (n, 2) or (n, 1), got {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinity")
    names = check(names, X.shape[1])
    x1 = X[:, 0]
    x2 = X[:, 1] if X.shape[1] == 2 else None
    return np.column_stack([_FORMULAS[name](x1, x2) for name in names]).reshape(len(X), len(names))
