"""The gradient check: backpropagation against central differences, parameter by parameter.

For each weight w:   ĝ = [L(w + ε) − L(w − ε)] / 2ε,   error O(ε²) from the truncated series
and O(δ·L/ε) from rounding (δ ≈ 1e-16); ε = 1e-5 balances the two at about 1e-11.
The verdict is the relative error of the whole gradient, ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖).
"""
import numpy as np

from . import losses

EPS = 1e-5


class GradcheckResult(float):
    """The relative error (a float), with where analytic and numeric differ most.

    worst: (parameter index in net.params, index inside it), and analytic, numeric: the two
    values there; max_abs_error = |analytic − numeric| at that place.
    """

    def __new__(cls, relative_error, worst, analytic, numeric):
        self = super().__new__(cls, relative_error)
        self.worst, self.analytic, self.numeric = worst, analytic, numeric
        self.max_abs_error = abs(analytic - numeric)
        return self

    def __repr__(self):
        return (f"GradcheckResult({float(self):.3g}, worst={self.worst}, "
                f"analytic={self.analytic:.12g}, numeric={self.numeric:.12g})")


def numeric_gradient(net, X, Y, loss=None, *, l1=0.0, l2=0.0, eps=EPS, params=None):
    """Central-difference estimates of dL/dθ for each parameter array (dropout off)."""
    estimates = []
    for i in range(len(net.params)) if params is None else params:
        p = net.params[i]
        g = np.zeros_like(p)
        flat, gflat = p.reshape(-1), g.reshape(-1)
        for j in range(flat.size):
            keep = flat[j]
            flat[j] = keep + eps
            up = net.loss(X, Y, loss, l1=l1, l2=l2)
            flat[j] = keep - eps
            down = net.loss(X, Y, loss, l1=l1, l2=l2)
            flat[j] = keep  # restored exactly: the same float goes back
            gflat[j] = (up - down) / (2.0 * eps)
        estimates.append(g)
    return estimates


def gradcheck(net, X, Y, loss=None, *, l1=0.0, l2=0.0, eps=EPS):
    """Relative error of the whole backpropagated gradient against central differences.

    Returns a GradcheckResult: a float, plus the parameter where |g − ĝ| is largest.
    """
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps}")
    losses.check_pair(net.output, loss)
    _, analytic = net.loss_and_grads(X, Y, loss, l1=l1, l2=l2, train=False)
    numeric = numeric_gradient(net, X, Y, loss, l1=l1, l2=l2, eps=eps)
    g = np.concatenate([a.ravel() for a in analytic])
    n = np.concatenate([e.ravel() for e in numeric])
    denom = np.linalg.norm(g) + np.linalg.norm(n)
    rel = float(np.linalg.norm(g - n) / denom) if denom > 0 else 0.0
    k = int(np.argmax(np.abs(g - n)))
    offsets = np.cumsum([0] + [a.size for a in analytic])
    i = int(np.searchsorted(offsets, k, side="right") - 1)
    where = (i, tuple(int(v) for v in np.unravel_index(k - offsets[i], analytic[i].shape)))
    return GradcheckResult(rel, where, float(g[k]), float(n[k]))
