"""The drawn test digits (tests/data/drawn_digits.json): strokes as a mouse draws them on the pad,
and the pad's pixels they make, so CPython reads them as the page does.

Each digit is {"label", "style", "strokes"}; a stroke is a list of [x, y] points in shares of the
pad's side (x right, y down), joined by straight segments, as the page's pad joins pointer moves.
"""
import json
from pathlib import Path

import numpy as np

from nn import digits

FILE = Path(__file__).resolve().parent / "data" / "drawn_digits.json"
PAD = 170          # the pad's side in CSS pixels (site/app.css #pad)
PEN = 0.085        # its pen width as a share of the side (site/playground/views/digits_view.py PEN)
EDGE = 0.25        # the pen's soft edge (a shadow) adds about a quarter pixel of ink each side, at the
#                    pad's threshold of half ink (measured: the page's 8x8 inputs of the drawn digits)


def load(path=FILE):
    """The drawn digits: a list of {"label": int, "style": str, "strokes": [[[x, y], ...], ...]}."""
    return json.loads(Path(path).read_text())["digits"]


def _segment_distance(px, py, a, b):
    """Distance of each pixel centre (px, py) to the segment a-b."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else np.clip(((px - ax) * dx + (py - ay) * dy) / length2, 0.0, 1.0)
    return np.hypot(px - (ax + t * dx), py - (ay + t * dy))


def rasterize(strokes, side=PAD, pen=PEN):
    """The pad's ink (side, side) in {0, 1}: each segment drawn with a round pen `pen * side` wide
    (and its soft edge)."""
    centres = np.arange(side) + 0.5
    px, py = np.meshgrid(centres, centres)
    ink = np.zeros((side, side), dtype=bool)
    r = pen * side / 2 + EDGE
    for stroke in strokes:
        pts = [(x * side, y * side) for x, y in stroke]
        for a, b in zip(pts, pts[1:] or pts):
            ink |= _segment_distance(px, py, a, b) <= r
    return ink.astype(np.float64)


def inputs(drawn, side=PAD):
    """The network's inputs for each drawn digit, made as the page makes them.  -> (n, 64), labels (n,)"""
    X = np.array([digits.image_to_features(digits.bitmap_to_input(rasterize(d["strokes"], side)))[0]
                  for d in drawn])
    return X, np.array([d["label"] for d in drawn])
