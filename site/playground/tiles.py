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


def tile_images(session, grid):
    """(TILE, TILE * neurons, 4) uint8: every neuron's image, inputs first, outputs last."""
    tiles = []

    def sample(v):
        v = np.asarray(v)
        if v.ndim == 1:  # one input: a strip, the value along x1
            idx = np.linspace(0, v.size - 1, TILE).round().astype(int)
            return np.broadcast_to(v[idx], (TILE, TILE))
        return v[STEP // 2::STEP, STEP // 2::STEP][:TILE, :TILE]

    for v in grid.inputs:
        tiles.append(colors.diverging(sample(v), *colors.neuron_range("linear", v)))
    for act, layer in zip(session.net.activation, grid.hidden):
        for v in layer:
            tiles.append(colors.diverging(sample(v), *colors.neuron_range(act, v)))
    out = grid.output
    for k in range(out.shape[-1]):
        v = sample(out[..., k])
        if session.kind == "regression":
            tiles.append(colors.diverging(v))
        elif out.shape[-1] == 1:
            tiles.append(colors.probabilities_rgba(v[..., None]))
        else:
            tiles.append(colors.one_class_rgba(v, k))
    return np.ascontiguousarray(np.concatenate(tiles, axis=1))
