"""Where a point of the plane is on the output canvas, and back: one mapping for drawing the data
and for a click that adds a point, so a point lands exactly under the pointer. Pure (no js).

Two inputs: the canvas shows the extent ((x1_lo, x1_hi), (x2_lo, x2_hi)), x2 upwards. One input
(a curve of y over x): x across, y upwards with CURVE_PAD of the y range added above and below,
so the curve's ends stay on the canvas.
"""
import numpy as np

CURVE_PAD = 0.15


def y_range(extent, curve):
    """The vertical range the canvas shows."""
    lo, hi = extent[1]
    if curve:
        pad = CURVE_PAD * (hi - lo)
        return lo - pad, hi + pad
    return lo, hi


def to_canvas(extent, width, height, P, curve=False):
    """Plane points P (n, 2) (x1, x2; or x, y on a curve) -> canvas x (n,), y (n,) in CSS pixels."""
    P = np.asarray(P, dtype=np.float64).reshape(-1, 2)
    (x0, x1), (y0, y1) = extent[0], y_range(extent, curve)
    return (P[:, 0] - x0) / (x1 - x0) * width, (y1 - P[:, 1]) / (y1 - y0) * height


def from_canvas(extent, width, height, px, py, curve=False):
    """A canvas position (CSS pixels) -> the plane point (x1, x2), or (x, y) on a curve."""
    (x0, x1), (y0, y1) = extent[0], y_range(extent, curve)
    return x0 + px / width * (x1 - x0), y1 - py / height * (y1 - y0)


def near(extent, width, height, P, px, py, radius, curve=False):
    """Which plane points P (n, 2) are within `radius` CSS pixels of the canvas position."""
    cx, cy = to_canvas(extent, width, height, P, curve)
    return np.hypot(cx - px, cy - py) <= radius
