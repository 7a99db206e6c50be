"""Where the network drawing puts things: neurons as squares in columns, edges between them.

Pure geometry in CSS pixels, so it is tested without a browser. Layer 0 is the inputs (the
chosen features), the last layer the outputs.
"""
from dataclasses import dataclass
import math

import numpy as np

MARGIN_X = 44      # room for input labels on the left
MARGIN_Y = 22      # room for layer captions on top
MAX_NODE = 38
MIN_NODE = 10


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    node: float                 # side of a neuron's square
    columns: tuple              # x of each layer's column centre
    nodes: tuple                # per layer, the (x, y) centres of its neurons

    def edge(self, l, i, j):
        """Segment from neuron i of layer l (right side) to neuron j of layer l+1 (left side)."""
        (x0, y0), (x1, y1) = self.nodes[l][i], self.nodes[l + 1][j]
        h = self.node / 2
        return x0 + h, y0, x1 - h, y1

    def edges(self, l):
        """Every edge(l, i, j) at once, i-major as the weights W[l] (n_l, n_l+1) are.  -> (n_l·n_l+1, 4)"""
        a, b = np.asarray(self.nodes[l], dtype=np.float64), np.asarray(self.nodes[l + 1], dtype=np.float64)
        h = self.node / 2
        return np.column_stack([np.repeat(a[:, 0] + h, len(b)), np.repeat(a[:, 1], len(b)),
                                np.tile(b[:, 0] - h, len(a)), np.tile(b[:, 1], len(a))])

    def node_at(self, x, y):
        """(layer, index) of the neuron under (x, y), or None."""
        h = self.node / 2 + 2
        for l, column in enumerate(self.nodes):
            for i, (cx, cy) in enumerate(column):
                if abs(x - cx) <= h and abs(y - cy) <= h:
                    return l, i
        return None

    def edge_at(self, x, y, tolerance=4.0):
        """(layer, i, j) of the edge nearest to (x, y) within `tolerance` pixels, or None."""
        best, best_d = None, tolerance
        for l in range(len(self.nodes) - 1):
            x_left, x_right = self.columns[l] + self.node / 2, self.columns[l + 1] - self.node / 2
            if not x_left - tolerance <= x <= x_right + tolerance:
                continue
            for i in range(len(self.nodes[l])):
                for j in range(len(self.nodes[l + 1])):
                    d = _distance_to_segment(x, y, *self.edge(l, i, j))
                    if d <= best_d:
                        best, best_d = (l, i, j), d
        return best


def _distance_to_segment(px, py, x0, y0, x1, y1):
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - x0) * dx + (py - y0) * dy) / length2))
    return math.hypot(px - (x0 + t * dx), py - (y0 + t * dy))


def layout(sizes, width, height):
    """Columns evenly spaced across the box; each column's neurons centred vertically."""
    if len(sizes) < 2 or any(s < 1 for s in sizes):
        raise ValueError(f"a network drawing needs at least two layers of ≥ 1 neuron, got {sizes}")
    tallest = max(sizes)
    usable = height - 2 * MARGIN_Y
    node = max(MIN_NODE, min(MAX_NODE, usable / tallest * 0.7))
    gap = (usable - tallest * node) / max(tallest - 1, 1) if tallest > 1 else 0
    gap = max(gap, 4.0)
    pitch = node + gap if tallest > 1 else 0
    pitch = min(pitch, node * 1.9)  # short columns stay compact rather than spread to the edges
    x_left, x_right = MARGIN_X + node / 2, width - node / 2 - 12
    step = (x_right - x_left) / (len(sizes) - 1)
    columns = tuple(x_left + l * step for l in range(len(sizes)))
    mid = MARGIN_Y + usable / 2
    nodes = tuple(
        tuple((columns[l], mid + (i - (n - 1) / 2) * pitch) for i in range(n))
        for l, n in enumerate(sizes)
    )
    return Layout(width, height, node, columns, nodes)


def control_tracks(lay, widest=120.0):
    """CSS grid columns that put each hidden layer's controls over its column of the drawing.

    Alternating tracks (gap, controls, gap, controls, ...) in CSS pixels; the k-th controls box
    goes in track 2k. Each box is as wide as the column pitch allows (at most `widest`), so the
    boxes never overlap and none sits over the inputs or the outputs."""
    hidden = lay.columns[1:-1]
    if not hidden:
        return "none"
    pitch = lay.columns[1] - lay.columns[0]
    width = max(8.0, min(widest, pitch - 4))
    width = round(width, 2)
    tracks, edge = [], 0.0
    for x in hidden:
        left = round(x - width / 2, 2)  # absolute edges rounded, so rounding never adds up along the row
        tracks += [max(0.0, left - edge), width]
        edge = left + width
    return " ".join(f"{t:.2f}px" for t in tracks)
