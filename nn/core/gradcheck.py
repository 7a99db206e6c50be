"""The gradient check: backpropagation against central differences, parameter by parameter.

The textbook estimate for a weight w is the two-point central difference

    ĝ = [L(w + ε) − L(w − ε)] / 2ε                                      error ≈ ε²·L‴/6

but when activations are large (relu on wide inputs) so is L‴, and the ε² error shows at 1e-9.
So the check uses the four-point central difference, exact for polynomials up to degree 4:

    ĝ = [−L(w + 2ε) + 8·L(w + ε) − 8·L(w − ε) + L(w − 2ε)] / 12ε         error ≈ ε⁴·L⁽⁵⁾/30

with ε = 1e-4, where rounding (≈ 1e-16·L/ε) stays near 1e-12. The verdict is the relative
error of the whole gradient, ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖).
"""
import numpy as np

from . import losses

EPS = 1e-4


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


def two_point(loss_at, w, eps):
    """[L(w + ε) − L(w − ε)] / 2ε for loss_at, the loss as a function of one weight's value."""
    return (loss_at(w + eps) - loss_at(w - eps)) / (2.0 * eps)


def four_point(loss_at, w, eps):
    """[−L(w + 2ε) + 8·L(w + ε) − 8·L(w − ε) + L(w − 2ε)] / 12ε."""
    near = loss_at(w + eps) - loss_at(w - eps)
    far = loss_at(w + 2 * eps) - loss_at(w - 2 * eps)
    return (8.0 * near - far) / (12.0 * eps)


def numeric_gradient(net, X, Y, loss=None, *, l1=0.0, l2=0.0, eps=EPS, params=None, formula=four_point):
    """Central-difference estimates of dL/dθ for each parameter array (dropout off)."""
    estimates = []
    for i in range(len(net.params)) if params is None else params:
        p = net.params[i]
        g = np.zeros_like(p)
        flat, gflat = p.reshape(-1), g.reshape(-1)
        for j in range(flat.size):
            keep = flat[j]

            def loss_at(value):
                flat[j] = value
                return net.loss(X, Y, loss, l1=l1, l2=l2)
            gflat[j] = formula(loss_at, keep, eps)
            flat[j] = keep  # restored exactly: the same float goes back
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
