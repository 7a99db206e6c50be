"""Colour maps, as numpy: values in, RGBA uint8 images out. No browser here.

Two classes and signed values use one diverging map: orange (class 0, negative) through a pale
grey to blue (class 1, positive), the pair that colour-blind readers tell apart best. More classes
take a palette; a pixel mixes the class colours by probability and fades to grey as the network
becomes unsure, so confidence shows as saturation.
"""
import numpy as np

from nn import activations

NEUTRAL = np.array([232, 234, 238], dtype=np.float64)  # "unsure" / zero
PALETTE = np.array([
    [245, 147, 34],   # 0 orange
    [8, 119, 189],    # 1 blue
    [46, 160, 67],    # 2 green
    [214, 39, 40],    # 3 red
    [148, 103, 189],  # 4 purple
    [140, 86, 75],    # 5 brown
    [227, 119, 194],  # 6 pink
    [127, 127, 127],  # 7 grey
    [188, 189, 34],   # 8 olive
    [23, 190, 207],   # 9 cyan
], dtype=np.float64)
LUT_SIZE = 256


def _diverging_lut():
    t = np.linspace(-1.0, 1.0, LUT_SIZE)[:, None]
    ends = np.where(t < 0, PALETTE[0], PALETTE[1])
    return (NEUTRAL + (ends - NEUTRAL) * np.abs(t)).round().astype(np.uint8)


DIVERGING = _diverging_lut()  # (256, 3): index 0 is −1 (orange), 255 is +1 (blue)
# The same map as whole opaque RGBA pixels, one uint32 each: a pixel is then written by one take.
_DIVERGING_PIXELS = np.ascontiguousarray(
    np.column_stack([DIVERGING, np.full(LUT_SIZE, 255, np.uint8)])).view(np.uint32)[:, 0]


def hex_color(rgb):
    return "#%02x%02x%02x" % tuple(int(v) for v in rgb)


def class_color(k):
    """CSS colour of class k (for points, legends)."""
    return hex_color(PALETTE[k % len(PALETTE)])


def class_rgba(labels):
    """Opaque RGBA of each class label.  (n,) int -> (n, 4) uint8"""
    rgb = PALETTE[np.asarray(labels) % len(PALETTE)]
    return np.column_stack([rgb, np.full(len(rgb), 255.0)]).astype(np.uint8)


def one_class_rgba(p, k, out=None):
    """The probability p (...) of class k alone: grey at 0, class k's full colour at 1."""
    out = np.empty(np.shape(p) + (4,), np.uint8) if out is None else out
    out[..., :3] = (NEUTRAL + (PALETTE[k % len(PALETTE)] - NEUTRAL) * np.asarray(p)[..., None]).round()
    out[..., 3] = 255
    return out


def diverging(values, lo=-1.0, hi=1.0, out=None):
    """Values mapped onto orange–grey–blue with lo → orange, hi → blue.  (...) -> (..., 4) uint8"""
    t = np.subtract(values, lo, dtype=np.float64)
    t *= (LUT_SIZE - 1) / (hi - lo)
    np.maximum(t, 0, out=t)  # (np.clip and np.take are several times slower in the browser)
    np.minimum(t, LUT_SIZE - 1, out=t)
    pixels = _DIVERGING_PIXELS[t.astype(np.intp, order="C")]
    if out is None:
        return pixels.view(np.uint8).reshape(pixels.shape + (4,))
    out.view(np.uint32).reshape(pixels.shape)[...] = pixels
    return out


def neuron_range(activation, values):
    """The value range a neuron's heatmap spans: the activation's own where it is bounded,
    else symmetric around 0 up to the largest |value| on the grid (so the shape always shows)."""
    lo, hi = neuron_ranges(activation, np.asarray(values, dtype=np.float64)[None])
    return float(lo[0]), float(hi[0])


def neuron_ranges(activation, values):
    """neuron_range of each of k neurons at once: values (k, ...) -> lo (k,), hi (k,)."""
    k = len(values)
    bounds = activations.ACTIVATIONS[activation].bounds
    if bounds is not None:
        return np.full(k, bounds[0]), np.full(k, bounds[1])
    if values.size == 0:
        return np.full(k, -1.0), np.full(k, 1.0)
    m = np.abs(values).max(axis=tuple(range(1, values.ndim)))
    m[~(m > 1e-12)] = 1.0
    return -m, m


def probabilities_rgba(P, discretize=False, out=None):
    """The decision map for class probabilities P (..., k); k = 1 means sigmoid's P(class 1).

    Each pixel mixes class colours by probability, faded towards grey by uncertainty
    (confidence = how far the top probability is above chance). discretize paints the most
    likely class only, in a lighter tint.
    """
    P = np.asarray(P, dtype=np.float64)
    if P.shape[-1] == 1:
        p = P[..., 0]
        if discretize:
            return diverging(np.where(p > 0.5, 0.6, -0.6), out=out)
        return diverging(2.0 * p - 1.0, out=out)
    k = P.shape[-1]
    out = np.empty(P.shape[:-1] + (4,), np.uint8) if out is None else out
    colours = PALETTE[np.arange(k) % len(PALETTE)]
    if discretize:
        rgb = NEUTRAL + (colours[np.argmax(P, axis=-1)] - NEUTRAL) * 0.6
    else:
        top = P.max(axis=-1, keepdims=True)
        confidence = (top - 1.0 / k) / (1.0 - 1.0 / k)
        rgb = NEUTRAL + ((P @ colours) - NEUTRAL) * confidence
    out[..., :3] = rgb.round()
    out[..., 3] = 255
    return out
