"""The pictures inside the network drawing, as numpy: each neuron's image, each edge's style.

Every neuron's image comes from the same grid pass as the output view, sampled down to a small
tile; the tiles are packed side by side into one atlas so that one image crosses to the browser.
"""
import numpy as np

from . import colors

TILE = 20            # pixels of a neuron's image
STEP = 4             # the 80x80 grid sampled every 4th cell -> 20x20 tiles


def edge_style(w):
    """Width (px) and opacity (0..1) of an edge of weight w: both grow with |w|, then saturate."""
    m = np.minimum(np.abs(w), 3.0)
    return 0.35 + 1.7 * m, 0.18 + 0.82 * np.minimum(m / 1.5, 1.0)


class TileRanges:
    """Each tile's colour range, kept by its owner (the network view) while it cannot change: the
    input features' ranges (a max over the whole grid, slow in the browser) as long as the grid's
    inputs are the same array (Session.grid gives the same one until the plane or the features
    change), and with bounded activations only, every range until the inputs or the network's
    shape change."""

    def __init__(self):
        self._inputs = self._input_ranges = self._key = self._ranges = None

    def input_ranges(self, inputs):
        if self._inputs is not inputs:
            self._inputs, self._input_ranges = inputs, colors.neuron_ranges("linear", inputs)
        return self._input_ranges

    def __call__(self, session, grid, out):
        """lo, hi of each tile: inputs, hidden neurons, then `out` (a single output) if given."""
        acts = tuple(session.net.activation)
        key = (grid.inputs, acts, tuple(session.net.sizes), session.kind, out is None)
        fixed = all(act.bounds is not None for act in session.net.acts)  # images on fixed ranges
        if fixed and self._key is not None and self._key[0] is key[0] and self._key[1:] == key[1:]:
            return self._ranges
        ranges = [self.input_ranges(grid.inputs)]
        ranges += [colors.neuron_ranges(act, layer) for act, layer in zip(acts, grid.hidden)]
        if out is not None:
            ranges.append(colors.neuron_ranges("tanh" if session.kind == "regression" else "sigmoid", out))
        self._ranges = tuple(np.concatenate(r) for r in zip(*ranges))
        self._key = key if fixed else None
        return self._ranges


def tile_images(session, grid, ranges=None):
    """(TILE, TILE * neurons, 4) uint8: every neuron's image, inputs first, outputs last.
    ranges: the caller's TileRanges, kept from frame to frame (default: measured afresh)."""

    def sample(v):
        """(k, res, res) -> (k, TILE, TILE); 1-D data (k, res) becomes strips along x1."""
        v = np.asarray(v)
        if v.ndim == 2:
            idx = np.linspace(0, v.shape[1] - 1, TILE).round().astype(int)
            return np.broadcast_to(v[:, None, idx], (v.shape[0], TILE, TILE))
        return v[:, STEP // 2::STEP, STEP // 2::STEP][:, :TILE, :TILE]

    # inputs, hidden neurons, and a one-value output (sigmoid's P(class 1) on 0..1, a regression's
    # value on −1..1, as the output view paints them): one diverging map, each on its own range
    out = sample(np.moveaxis(grid.output, -1, 0))
    single = session.kind == "regression" or out.shape[0] == 1
    parts = [sample(grid.inputs)] + [sample(layer) for layer in grid.hidden] + ([out] if single else [])
    lo, hi = (ranges or TileRanges())(session, grid, out if single else None)
    values = np.concatenate(parts)
    n = len(values)  # each neuron's pixels as one row: the per-neuron range broadcasts along rows
    rgba = colors.diverging(values.reshape(n, -1), lo[:, None], hi[:, None]).reshape(n, TILE, TILE, 4)
    if not single:  # softmax: each class's probability in its own colour
        rgba = np.concatenate([rgba, np.stack([colors.one_class_rgba(v, k) for k, v in enumerate(out)])])
    return np.ascontiguousarray(rgba.transpose(1, 0, 2, 3)).reshape(TILE, -1, 4)  # side by side
