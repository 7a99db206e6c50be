"""The opening frame, made ahead: what the page's first frame paints, as plain data.

scripts/first_paint.py runs this at build time (CPython + numpy) for the opening setup, so that
site/first-paint.js can paint the network and the output before Python has started in the page.
Every value comes from the functions the views paint with (Session.grid, nn/fast/picture.py via
tile_images, the colour maps, edge_style); tests/browser/test_first_paint.py holds the painted
canvases equal, pixel for pixel, to the first frame Python paints.
"""
import base64

import numpy as np

from nn import features

from . import colors
from .tiles import TILE, edge_style, tile_images

GRID = 80  # as app.GRID: the output picture is GRID x GRID


def _b64(a):
    """uint8 bytes as base64 text (what first-paint.js reads back into a Uint8Array)."""
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).decode("ascii")


def edge_rgba(w):
    """Each edge's colour as network_view draws it: blue positive, orange negative, alpha by |w|."""
    _, alpha = edge_style(w)
    rgba = np.where((w >= 0)[:, None], np.append(colors.PALETTE[1], 0), np.append(colors.PALETTE[0], 0))
    rgba = rgba.astype(np.uint8)
    rgba[:, 3] = np.round(alpha * 255)
    return rgba


def plane_rgba(session, grid, discretize=False):
    """The output picture with no neuron in focus, as output_view paints it.  -> (GRID, GRID, 4) uint8"""
    if session.kind == "regression":
        return colors.diverging(grid.output[..., 0], -1.0, 1.0)
    return colors.probabilities_rgba(grid.output, discretize)


def _points(session, X, y):
    rgba = colors.class_rgba(y) if session.kind == "classification" else colors.diverging(y)
    return {"x": np.asarray(X[:, :2], dtype=np.float64).reshape(-1).tolist(), "rgba": _b64(rgba)}


def opening_frame(session, grid=None):
    """The first frame of a 2-D session (no focus, no selection, test points shown), as JSON-ready
    data: sizes, the labels' texts, every edge's width and colour (layer by layer, W[l] row-major),
    the neurons' atlas, the output picture, the points in plane units and the plane's extent.
    None when the first frame is not of that kind (digits, a curve): the page then waits for Python."""
    if session.data.extent is None or session.X_train_raw.shape[1] < 2:
        return None
    grid = session.grid(GRID) if grid is None else grid
    net = session.net
    w = np.concatenate([W.reshape(-1) for W in net.W])
    widths, _ = edge_style(w)
    atlas = tile_images(session, grid)
    n_hidden = len(net.sizes) - 2
    captions = ["inputs"] + [f"{net.sizes[l]} {net.activation[l - 1]}" for l in range(1, n_hidden + 1)] + [net.output]
    (x0, x1), (y0, y1) = session.data.extent
    return {
        "sizes": list(net.sizes),
        "inputLabels": [features.LABELS.get(name, name) for name in (session.features or [])],
        "captions": captions,
        "edges": {"widths": widths.tolist(), "rgba": _b64(edge_rgba(w))},
        "atlas": {"tile": TILE, "width": int(atlas.shape[1]), "rgba": _b64(atlas)},
        "plane": {"size": GRID, "rgba": _b64(plane_rgba(session, grid))},
        "extent": [[float(x0), float(x1)], [float(y0), float(y1)]],
        "train": _points(session, session.X_train_raw, session.y_train),
        "test": _points(session, session.X_test_raw, session.y_test),
    }
