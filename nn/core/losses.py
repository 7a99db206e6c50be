"""Output heads and losses: what the last layer's z becomes, how wrong it is, and dL/dz.

The last layer's pre-activation z (n, k) is the network's *logits*. An output head turns it into
what `forward` returns: probabilities (sigmoid, softmax) or values (linear). A loss reads the
targets and returns the mean over the batch, as PyTorch's default `reduction='mean'`. Each head
and each loss is one record below (HEAD, LOSS): its function, its formula, what it goes with.

bce and cross_entropy read the logits directly, which is both stable and simple: their gradient
with respect to z is (prediction − target) / n.
"""
from functools import reduce
from typing import Callable, NamedTuple

import numpy as np

from .activations import sigmoid


def _row_max(z):
    # numpy's axis=1 reductions are slow over few columns; folding max over the columns is 3x faster
    return reduce(np.maximum, z.T)


def _row_sum(z):
    return z @ np.ones(z.shape[1])  # a BLAS matrix-vector product, 4x faster than z.sum(axis=1)


def softmax(z):
    """Row-wise e^z / Σe^z, shifted by the row max so exp never overflows.  (n, k) -> (n, k)"""
    e = np.exp(z - _row_max(z)[:, None])
    return e / _row_sum(e)[:, None]


def _logsumexp(z):
    m = _row_max(z)
    return m + np.log(_row_sum(np.exp(z - m[:, None])))


class Head(NamedTuple):
    """An output head: logits z (n, k) -> the network's output ŷ (n, k), and back."""

    name: str
    f: Callable            # z -> ŷ
    backward: Callable     # (ŷ, dL/dŷ) -> dL/dz, a Jacobian-vector product
    formula: str           # ŷ in terms of z, as the page writes it
    losses: tuple          # the losses that fit it, its default first
    yhat: str = "ŷ"        # its output in formulas (softmax's is one per class)


class Loss(NamedTuple):
    """A loss: each sample's share of the mean, and the gradient dL/dz of the mean."""

    name: str
    terms: Callable        # (z, ŷ, Y) -> each sample's share, n rows
    dz: Callable           # (head's name, z, ŷ, Y) -> dL/dz of the mean  (n, k)
    label: str             # in words, as the page's menu says it
    formula: str           # the mean over the batch, as the page writes it
    torch: str             # the PyTorch class that computes the same number


HEAD = {
    "sigmoid": Head("sigmoid", sigmoid, lambda out, d_out: d_out * out * (1.0 - out), "σ(z)", ("bce", "mse")),
    # softmax's Jacobian is diag(s) − s sᵀ per row
    "softmax": Head("softmax", softmax, lambda out, d_out: out * (d_out - (d_out * out).sum(axis=1, keepdims=True)),
                    "e^zₖ / Σⱼ e^zⱼ", ("cross_entropy", "mse"), yhat="ŷₖ"),
    "linear": Head("linear", lambda z: z, lambda out, d_out: d_out, "z", ("mse",)),
}


# -- each loss: its terms and dL/dz, for logits z (n, k), head output ŷ = out and checked targets Y
def _mse_terms(z, out, Y):
    diff = out - Y
    return diff * diff


def _mse_dz(output, z, out, Y):
    return HEAD[output].backward(out, 2.0 * (out - Y) / Y.size)  # 2(ŷ − y)/N through the head


def _bce_terms(z, out, Y):
    return np.maximum(z, 0.0) - z * Y + np.log1p(np.exp(-np.abs(z)))


def _bce_dz(output, z, out, Y):
    return (out - Y) / Y.size                      # σ(z) − y, per element


def _cross_entropy_terms(z, out, Y):
    n = z.shape[0]
    rows = np.arange(n)
    # −log p[label], read from the softmax already computed; where p underflowed to 0
    # (a logit gap over ~700), the exact logsumexp(z) − z[label] instead
    p = out[rows, Y]
    nll = -np.log(p, where=p > 0, out=np.full(n, np.inf))
    if not np.all(np.isfinite(nll)):
        bad = ~np.isfinite(nll)
        nll[bad] = _logsumexp(z[bad]) - z[rows[bad], Y[bad]]
    return nll


def _cross_entropy_dz(output, z, out, Y):
    d = out.copy()
    d[np.arange(z.shape[0]), Y] -= 1.0             # softmax(z) − onehot(y)
    return d / z.shape[0]


LOSS = {
    "mse": Loss("mse", _mse_terms, _mse_dz, "mean squared error",
                "mean((ŷ − y)²) over every element", "torch.nn.MSELoss"),
    "bce": Loss("bce", _bce_terms, _bce_dz, "binary cross-entropy",
                "mean(max(z,0) − z·y + log(1 + e^−|z|))", "torch.nn.BCEWithLogitsLoss"),
    "cross_entropy": Loss("cross_entropy", _cross_entropy_terms, _cross_entropy_dz, "cross-entropy",
                          "mean(logsumexp(z) − z[label])", "torch.nn.CrossEntropyLoss"),
}
HEADS = tuple(HEAD)
LOSSES = tuple(LOSS)
DEFAULT_LOSS = {name: head.losses[0] for name, head in HEAD.items()}
ALLOWED_LOSSES = {name: head.losses for name, head in HEAD.items()}


def head(name, z):
    """What the network outputs for logits z: probabilities or values.  (n, k) -> (n, k)"""
    return HEAD[name].f(z)


def check_pair(output, loss):
    """The loss to use with this head (its default for None); ValueError for an unknown or unfit pair."""
    if output not in HEADS:
        raise ValueError(f"unknown output {output!r}; allowed: {', '.join(HEADS)}")
    if loss is None:
        return DEFAULT_LOSS[output]
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; allowed: {', '.join(LOSSES)}")
    if loss not in ALLOWED_LOSSES[output]:
        raise ValueError(f"loss {loss!r} does not fit output {output!r}; "
                         f"with {output!r} use {' or '.join(ALLOWED_LOSSES[output])}")
    return loss


def targets(loss, Y, n, k):
    """Y checked and shaped for `loss`: class labels (n,) int for cross_entropy, else (n, k) floats."""
    Y = np.asarray(Y)
    if loss == "cross_entropy":
        if Y.ndim == 2 and Y.shape[1] == 1:
            Y = Y[:, 0]
        if Y.shape != (n,):
            raise ValueError(f"cross_entropy needs integer class labels of shape ({n},), got {Y.shape}")
        if not np.issubdtype(Y.dtype, np.integer):
            if not (np.issubdtype(Y.dtype, np.floating) and np.all(np.isfinite(Y)) and np.all(Y == np.round(Y))):
                raise ValueError("cross_entropy needs integer class labels (0, 1, 2, ...)")
            Y = Y.astype(np.int64)
        if Y.size and (Y.min() < 0 or Y.max() >= k):
            raise ValueError(f"class labels must be in 0..{k - 1} for {k} outputs; "
                             f"got values from {Y.min()} to {Y.max()}")
        return Y
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim == 1 and k == 1:
        Y = Y[:, None]
    if Y.shape != (n, k):
        raise ValueError(f"targets must have shape ({n}, {k}) to match the outputs, got {Y.shape}")
    if not np.all(np.isfinite(Y)):
        raise ValueError("targets contain NaN or inf")
    if loss == "bce" and (Y.min() < 0 or Y.max() > 1):
        raise ValueError("bce targets must lie in [0, 1] (they are probabilities or 0/1 labels)")
    return Y


def loss_terms(loss, z, out, Y):
    """Each sample's share of the loss, for logits z (n, k), head output `out` and checked targets Y:
    an array with n rows whose mean over any rows is the mean loss on those samples (so one call
    serves a train and a test split stacked together)."""
    return LOSS[loss].terms(z, out, Y)


def loss_value(loss, z, out, Y):
    """The mean loss for logits z (n, k), head output `out` and checked targets Y."""
    # a mean written sum / count: the same number as np.mean, without its Python wrapper
    terms = loss_terms(loss, z, out, Y)
    return float(terms.sum() / terms.size)


def dz(loss, output, z, out, Y):
    """dL/dz of the mean loss, for logits z (n, k), head output `out` and checked targets Y."""
    return LOSS[loss].dz(output, z, out, Y)


def loss_and_dz(loss, output, z, out, Y):
    """The mean loss and dL/dz for logits z (n, k), head output `out` and checked targets Y."""
    return loss_value(loss, z, out, Y), dz(loss, output, z, out, Y)
