"""A multi-layer perceptron, with backpropagation written out layer by layer.

Samples are rows. Layer l computes

    Z[l] = A[l] @ W[l] + b[l]          A[0] = X,  W[l]: (fan_in, fan_out)
    A[l+1] = f(Z[l])                   the last layer's f is the output head

and backpropagation runs the same chain the other way, four lines a layer:

    dW[l] = A[l].T @ dZ[l]     db[l] = dZ[l].sum(0)     dA = dZ[l] @ W[l].T     dZ[l-1] = dA · f'(Z[l-1])

`loss_and_grads` keeps every one of these in `net.trace`, so a page can draw them. The forward pass
is one function of the parameters, `forward_layers`, so other weights (or many weight sets stacked)
go through the same code.
Computing gradients and applying them are separate acts: only an optimizer changes weights.
"""
import math
from dataclasses import dataclass, field

import numpy as np

from . import activations, init as inits, losses, serialize

# nn.limits' hard limits, for API users (the config keeps to the page's smaller ones)
from ..limits import ENGINE_MAX_HIDDEN_LAYERS as MAX_HIDDEN_LAYERS, ENGINE_MAX_HIDDEN_WIDTH as MAX_HIDDEN_WIDTH
from ..limits import ENGINE_MAX_IO_WIDTH as MAX_IO_WIDTH


@dataclass(slots=True)  # slots: one is made for every mini-batch, and that is quicker without a __dict__
class Trace:
    """Every intermediate of the last `loss_and_grads`, layer by layer (index l = layer l)."""

    X: np.ndarray = None
    Z: list = field(default_factory=list)      # pre-activations      (n, fan_out)
    A: list = field(default_factory=list)      # A[0] = X, A[l+1] = f(Z[l]) after dropout
    masks: list = field(default_factory=list)  # dropout masks (scaled by 1/(1−p)), or None
    out: np.ndarray = None                     # the head's output     (n, k)
    data_loss: float = 0.0                     # the loss without penalties
    penalty: float = 0.0                       # l1·Σ|W| + ½·l2·ΣW²
    loss: float = 0.0                          # data_loss + penalty
    dZ: list = field(default_factory=list)     # dL/dZ[l]
    dW: list = field(default_factory=list)
    db: list = field(default_factory=list)


def _check_X(X, n_in):
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"inputs must be numbers, shape (n, {n_in})") from None
    if X.ndim == 1 and n_in == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"inputs must have shape (n, {n_in}), got {X.shape}")
    if X.shape[0] == 0:  # a mean over no samples is NaN: say so instead
        raise ValueError(f"inputs have no rows; at least one sample is needed, shape (n ≥ 1, {n_in})")
    if not np.all(np.isfinite(X)):
        raise ValueError("inputs contain NaN or inf")
    return X


def _check_penalties(l1, l2):
    if not (np.isfinite(l1) and np.isfinite(l2) and l1 >= 0 and l2 >= 0):
        raise ValueError(f"l1 and l2 must be finite and ≥ 0, got l1={l1}, l2={l2}")


def forward_layers(X, params, acts, output, dropout=0.0, rng=None):
    """The forward pass, layer by layer: the lists Z and A (A[0] = X), and the dropout masks.

        Z[l] = A[l] @ W[l] + b[l]      A[l+1] = f(Z[l]), the output head for the last layer

    params [W1, b1, W2, ...]: W (fan_in, fan_out), b (fan_out,), then Z and A are (n, width).
    Or s weight sets stacked: W (s, fan_in, fan_out), b (s, 1, fan_out), then (s, n, width).
    acts: the hidden layers' Activations; output: the head's name, or None to end at the logits.
    dropout p > 0 drops each hidden activation with probability p (masks drawn from rng) and
    scales the kept ones by 1/(1−p); otherwise the masks are None.
    """
    Z, A, masks = [], [X], []
    n_layers = len(params) // 2
    for l in range(n_layers):
        z = A[l] @ params[2 * l]
        z += params[2 * l + 1]  # in place: no second (n, width) array
        Z.append(z)
        if l == n_layers - 1:
            A.append(z if output is None else losses.head(output, z))
            break
        a = acts[l].fastest(z)  # the speed path where there is one (nn/fast/tanh.py), equal to f
        mask = None
        if dropout > 0.0:
            mask = (rng.random(a.shape) >= dropout) / (1.0 - dropout)
            a = a * mask
        masks.append(mask)
        A.append(a)
    return Z, A, masks


class MLP:
    """Dense layers `sizes` = [inputs, hidden..., outputs], e.g. MLP([2, 8, 8, 1])."""

    def __init__(self, sizes, activation="tanh", output="sigmoid", init="xavier_uniform", seed=0,
                 *, bias_init=0.0, dropout=0.0, negative_slope=0.01):
        self.sizes = self._check_sizes(sizes, output)
        n_hidden = len(self.sizes) - 2
        names = [activation] * n_hidden if isinstance(activation, str) else list(activation)
        if len(names) != n_hidden:
            raise ValueError(f"got {len(names)} activations for {n_hidden} hidden layers; "
                             "give one name, or one per hidden layer")
        self.negative_slope = float(negative_slope)
        if not 0.0 <= self.negative_slope < 1.0:
            raise ValueError(f"negative_slope must be in [0, 1), got {negative_slope}")
        self.acts = [activations.get(a, self.negative_slope) for a in names]
        self.activation = [a.name for a in self.acts]
        losses.check_pair(output, None)
        self.output = output
        self.init = inits.canonical(init)
        self.dropout = float(dropout)
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.bias_init = float(bias_init)
        if not np.isfinite(self.bias_init):
            raise ValueError("bias_init must be a finite number")
        self.seed = int(seed)
        self.rng = np.random.default_rng(self.seed)  # weights first, then dropout masks

        arrays = []
        for l, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            f_name = self.activation[l] if l < n_hidden else output
            g = inits.gain(f_name, self.negative_slope)
            arrays.append(inits.weights(self.init, fan_in, fan_out, g, self.rng))
            arrays.append(np.full(fan_out, self.bias_init))
        # All parameters live in one vector `flat`; params are views of it, [W1, b1, W2, ...].
        # Optimizers then update the vector in one call, and a snapshot is one copy.
        self.flat = np.concatenate([a.reshape(-1) for a in arrays])
        self.params = self.views(self.flat)
        self.trace = Trace()

    @staticmethod
    def _check_sizes(sizes, output):
        sizes = list(sizes)
        if len(sizes) < 2 or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in sizes):
            raise ValueError(f"sizes must be a list of whole numbers [inputs, hidden..., outputs], got {sizes!r}")
        sizes = [int(s) for s in sizes]
        hidden = sizes[1:-1]
        if len(hidden) > MAX_HIDDEN_LAYERS:
            raise ValueError(f"{len(hidden)} hidden layers; allowed: 0 to {MAX_HIDDEN_LAYERS}")
        if any(not 1 <= w <= MAX_HIDDEN_WIDTH for w in hidden):
            raise ValueError(f"hidden widths {hidden}; each must be 1 to {MAX_HIDDEN_WIDTH}")
        for what, w in (("inputs", sizes[0]), ("outputs", sizes[-1])):
            if not 1 <= w <= MAX_IO_WIDTH:
                raise ValueError(f"{what} = {w}; allowed: 1 to {MAX_IO_WIDTH}")
        if output == "softmax" and sizes[-1] < 2:
            raise ValueError("a softmax output needs at least 2 outputs (one per class)")
        return sizes

    # -- the parameters, named -------------------------------------------------------------
    @property
    def W(self):
        """The weight matrices, W[l] of shape (fan_in, fan_out) (live views of params)."""
        return self.params[0::2]

    @property
    def b(self):
        """The bias vectors, b[l] of shape (fan_out,) (live views of params)."""
        return self.params[1::2]

    def views(self, vector):
        """Arrays shaped like params, [W1, b1, W2, ...], viewing consecutive parts of `vector`."""
        shapes = [(a, b) if k == 0 else (b,) for a, b in zip(self.sizes[:-1], self.sizes[1:]) for k in (0, 1)]
        out, offset = [], 0
        for shape in shapes:
            size = math.prod(shape)
            out.append(vector[offset:offset + size].reshape(shape))
            offset += size
        return out

    @property
    def n_params(self):
        return sum(p.size for p in self.params)

    # -- forward ------------------------------------------------------------------------------
    def layers(self, X, train=False):
        """Forward through every layer: the lists Z and A (A[0] = X), and the dropout masks.

        With train=True, hidden activations are dropped with probability `dropout` and the kept
        ones scaled by 1/(1−p) (inverted dropout), so nothing changes at test time.
        """
        return forward_layers(X, self.params, self.acts, self.output,
                              self.dropout if train else 0.0, self.rng)

    def forward(self, X):
        """The network's output for inputs X (n, inputs): probabilities, or values.  -> (n, outputs)"""
        return self.layers(_check_X(X, self.sizes[0]))[1][-1]

    # -- loss and backpropagation ---------------------------------------------------------------
    def loss_and_grads(self, X, Y, loss=None, *, l1=0.0, l2=0.0, train=True):
        """The mean loss on (X, Y) and its gradient for every parameter, aligned with `params`.

        loss: "bce" (sigmoid output), "cross_entropy" (softmax, integer labels) or "mse";
        None picks the output's own. l1, l2 add l1·Σ|W| + ½·l2·ΣW² over weights (not biases).
        train=True applies dropout. Every intermediate is kept in `self.trace`.
        """
        loss = losses.check_pair(self.output, loss)
        _check_penalties(l1, l2)
        X = _check_X(X, self.sizes[0])
        Y = losses.targets(loss, Y, X.shape[0], self.sizes[-1])
        return self.backprop(X, Y, loss, l1, l2, train)

    def backprop(self, X, Y, loss, l1=0.0, l2=0.0, train=True, with_loss=True, out=None):
        """`loss_and_grads` for inputs and targets already checked (a session checks its data
        once, not on every mini-batch): X (n, inputs) float64, Y as `losses.targets` shapes it.

        with_loss=False skips the loss's value (returned as NaN); the gradient does not need it,
        and a session that measures the loss once an epoch saves the work on every mini-batch.
        out: arrays shaped like params to write the gradients into (a session passes views of
        one vector, which its optimizer then updates in one call); by default new arrays."""
        Z, A, masks = self.layers(X, train=train)
        if with_loss:
            data_loss, dz = losses.loss_and_dz(loss, self.output, Z[-1], A[-1], Y)
        else:
            data_loss, dz = math.nan, losses.dz(loss, self.output, Z[-1], A[-1], Y)

        params, acts = self.params, self.acts
        n_layers = len(Z)
        dZ, grads = [None] * n_layers, [None] * (2 * n_layers)
        dst = out if out is not None else grads        # None entries: numpy makes new arrays
        for l in range(n_layers - 1, -1, -1):
            dZ[l] = dz
            grads[2 * l] = np.matmul(A[l].T, dz, out=dst[2 * l])         # dW = Aᵀ dZ
            grads[2 * l + 1] = np.add.reduce(dz, 0, out=dst[2 * l + 1])  # db = Σ_rows dZ (dz.sum(0) less its wrapper)
            if l == 0:
                break
            da = dz @ params[2 * l].T                  # dA = dZ Wᵀ
            f_of_z, mask = A[l], masks[l - 1]
            if mask is not None:
                da = da * mask
                f_of_z = acts[l - 1].f(Z[l - 1])       # f' wants the value before dropout
            dz = da * acts[l - 1].df(Z[l - 1], f_of_z)  # dZ = dA · f'(Z)

        penalty = 0.0
        if l1 or l2:
            penalty = self.penalty(l1, l2)
            for l, W in enumerate(self.W):
                grads[2 * l] += l1 * np.sign(W) + l2 * W  # d/dW of the penalty

        loss_value = data_loss + penalty
        self.trace = Trace(X=X, Z=Z, A=A, masks=masks, out=A[-1], data_loss=data_loss, penalty=penalty,
                           loss=loss_value, dZ=dZ, dW=grads[0::2], db=grads[1::2])
        return loss_value, grads

    def loss(self, X, Y, loss=None, *, l1=0.0, l2=0.0):
        """The mean loss (plus penalties) on (X, Y), without dropout and without gradients."""
        loss = losses.check_pair(self.output, loss)
        _check_penalties(l1, l2)
        X = _check_X(X, self.sizes[0])
        Y = losses.targets(loss, Y, X.shape[0], self.sizes[-1])
        Z, A, _ = self.layers(X)
        return losses.loss_value(loss, Z[-1], A[-1], Y) + self.penalty(l1, l2)

    def penalty(self, l1=0.0, l2=0.0):
        """l1·Σ|W| + ½·l2·ΣW² over the weights (biases are not penalised)."""
        if not (l1 or l2):
            return 0.0
        return float(sum(l1 * np.abs(W).sum() + 0.5 * l2 * (W * W).sum() for W in self.W))

    # -- save and load (the saved form is nn/serialize.py's) -----------------------------------
    def to_dict(self, optimizer=None):
        """A JSON-safe dict of the architecture, weights, random state (and optimizer state);
        `MLP.from_dict(json.loads(json.dumps(d)))` is bit-identical."""
        return serialize.to_dict(self, optimizer)

    @classmethod
    def from_dict(cls, d):
        """The network saved by `to_dict`; ValueError naming what is wrong in a damaged dict."""
        return serialize.from_dict(cls, d)

    def __repr__(self):
        acts = ",".join(self.activation) or "-"
        return f"MLP({self.sizes}, activation={acts}, output={self.output}, params={self.n_params})"
