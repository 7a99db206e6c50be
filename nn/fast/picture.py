"""The forward pass over the picture grid (Session.grid): a speed path of MLP.layers.

The page evaluates every neuron on an 80x80 grid of the plane on every frame while it trains: that
pass is the largest single cost of a frame. It computes the same activations as MLP.layers, whose
readable forward is mlp.forward_layers (equal to float64 rounding; tests/test_picture.py holds
each quick function here to its readable one, to 1e-12), with two shortcuts that only a grid
allows:

- tanh layers take their weights doubled, so that tanh z = 1 − 2 / (1 + e^{2z}) costs four passes
  over the grid's values instead of six: no clamp (an overflowing e^{2z} = inf gives exactly 1,
  with the overflow warning silenced once for the whole pass), no separate doubling.
- The first layer is separable when every input feature depends on x1 alone or on x2 alone
  (x1, x2, x1², sin x2, ...; not x1x2): then z = u(x1) + v(x2), so
  e^{2z} = e^{2u} · e^{2v} needs 2 x 80 exponentials per neuron instead of 80 x 80.
  Used when every 2u and 2v lies within ±350, where those products stay finite; otherwise, and for
  other first-layer activations, the plain forward.
"""
import numpy as np

from ..core import losses

SEPARABLE_LIMIT = 350.0  # |2u|, |2v| below this: e^{2u}·e^{2v} ≤ e^700, finite in float64

# Each quick function here -> "file in nn/:qualname" of the readable function it equals (the
# page's source panel names it; tests/test_picture.py holds each pair equal).
MIRRORS = {
    "activations": "core/mlp.py:forward_layers",        # every layer, neuron-major
    "_exp_2z_separable": "core/mlp.py:forward_layers",  # the first layer's e^{2z}, z = F @ W + b
    "_tanh_from_exp_2z": "core/activations.py:tanh",
}


def separable_columns(inputs):
    """For the grid's features `inputs` (features, rows, columns; top row first, columns along
    x1), the features that vary with x1 only and with x2 only; None if some feature varies with
    both (or the data are 1-D)."""
    if inputs.ndim != 3:
        return None
    along_x1, along_x2 = [], []
    for f, image in enumerate(inputs):
        if np.array_equal(image, np.broadcast_to(image[:1, :], image.shape)):    # the same in every row
            along_x1.append(f)
        elif np.array_equal(image, np.broadcast_to(image[:, :1], image.shape)):  # the same in every column
            along_x2.append(f)
        else:
            return None
    return along_x1, along_x2


def activations(net, inputs, columns):
    """The grid's activations, neuron by neuron: [Fᵀ, a1ᵀ, ..., a_lastᵀ] (each (width, points),
    what MLP.layers(F) gives for the grid's features F, transposed), then the output (points,
    outputs). No dropout.

    inputs: the grid's features as images (features, *grid shape), C-contiguous, so Fᵀ is a view;
    columns: separable_columns(inputs). Neuron-major arrays make the matrix products and the bias
    additions run along the 6,400 points (in the browser Wᵀ @ Aᵀ takes 0.33 ms where A @ W takes
    0.57), and each neuron's image a plain slice.
    """
    A = [inputs.reshape(len(inputs), -1)]
    n_layers = len(net.sizes) - 1
    with np.errstate(over="ignore"):  # e^{2z} may overflow to inf: tanh is then exactly 1
        for l in range(n_layers):
            W, b = net.params[2 * l], net.params[2 * l + 1]
            last = l == n_layers - 1
            tanh = not last and net.activation[l] == "tanh"
            e = _exp_2z_separable(inputs, columns, W, b) if (l == 0 and tanh and columns) else None
            if tanh:
                if e is None:
                    e = (2.0 * W).T @ A[l]
                    e += 2.0 * b[:, None]
                    np.exp(e, out=e)
                A.append(_tanh_from_exp_2z(e))
                continue
            z = W.T @ A[l]
            z += b[:, None]
            A.append(losses.head(net.output, z.T) if last else net.acts[l].fastest(z))
    return A


def _exp_2z_separable(inputs, columns, W, b):
    """e^{2z} of the first layer, (width, points), as e^{2u(x1)} · e^{2v(x2)}; None where that
    could overflow."""
    along_x1, along_x2 = columns
    _, rows, cols = inputs.shape
    width = W.shape[1]
    # u along the top row (it is the same in every row), v down the first column, b with v
    u = 2.0 * (inputs[along_x1, 0, :].T @ W[along_x1]) if along_x1 else np.zeros((cols, width))
    v = 2.0 * (inputs[along_x2, :, 0].T @ W[along_x2] + b) if along_x2 else np.tile(2.0 * b, (rows, 1))
    if not (np.abs(u).max(initial=0.0) < SEPARABLE_LIMIT and np.abs(v).max(initial=0.0) < SEPARABLE_LIMIT):
        return None
    # e[neuron, row, column] = e^{2v}[row, neuron] · e^{2u}[column, neuron]
    e = np.exp(v.T)[:, :, None] * np.exp(u.T)[:, None, :]
    return e.reshape(width, -1)


def _tanh_from_exp_2z(e):
    """tanh z = 1 − 2 / (1 + e^{2z}), in place on e = e^{2z}."""
    e += 1.0
    np.divide(2.0, e, out=e)
    np.subtract(1.0, e, out=e)
    return e
