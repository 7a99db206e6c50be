"""Pictures of the teaching panels, as numpy: where neurons sit, pulses along edges, glow by size,
the loss landscape's image with contour lines. No browser here; the panels hand the arrays over.
"""
import numpy as np

from .layout import Layout

MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 78, 28, 14
MAX_RADIUS = 14.0
LABEL_ROOM = 86           # pixels right of a neuron kept for its numbers
LABELLED = 12             # columns of at most this many neurons have their numbers beside them ...
LABEL_PITCH = 28          # ... two lines each, so they are spread this far apart if the height allows

# the loss landscape: low = pale yellow, high = deep blue-violet (readable in grey, too)
RAMP = np.array([[255, 247, 214], [253, 205, 120], [236, 128, 94], [171, 69, 126], [86, 36, 120], [30, 18, 64]],
                dtype=np.float64)


def step_height(sizes):
    """A canvas height (px) that fits the tallest column without wasting room."""
    return int(min(420, max(230, 70 + 40 * max(sizes))))


def step_layout(sizes, width, height):
    """The explained step's network: circles in columns, room for numbers right of each."""
    tallest = max(sizes)
    usable = height - MARGIN_TOP - MARGIN_BOTTOM
    r = max(2.0, min(MAX_RADIUS, usable / tallest / 2.6))
    pitch = min(usable / max(tallest - 1, 1), 3.4 * r) if tallest > 1 else 0.0
    x_left, x_right = MARGIN_X + r, width - LABEL_ROOM
    step = (x_right - x_left) / (len(sizes) - 1)
    columns = tuple(x_left + l * step for l in range(len(sizes)))
    mid = MARGIN_TOP + usable / 2

    def spaced(n):  # a labelled column beside wide ones (digits' ten outputs): room for its numbers
        return min(usable / max(n - 1, 1), max(pitch, LABEL_PITCH)) if n <= LABELLED else pitch
    nodes = tuple(tuple((columns[l], mid + (i - (n - 1) / 2) * spaced(n)) for i in range(n))
                  for l, n in enumerate(sizes))
    return Layout(width, height, 2 * r, columns, nodes)


def edge_segments(lay):
    """(E, 4) segments of every edge, in the order of W[0].ravel(), W[1].ravel(), ..."""
    seg = [lay.edge(l, i, j) for l in range(len(lay.nodes) - 1)
           for i in range(len(lay.nodes[l])) for j in range(len(lay.nodes[l + 1]))]
    return np.array(seg, dtype=np.float64).reshape(-1, 4)


def edge_layers(lay):
    """(E,) the weight layer of each edge."""
    return np.concatenate([np.full(len(lay.nodes[l]) * len(lay.nodes[l + 1]), l) for l in range(len(lay.nodes) - 1)])


def pulse(lay, seg, layers, p, backward=False):
    """Where a signal is at progress p (0..1 across the whole network), and which columns it has
    reached: dots (m, 2) on the edges it is travelling along, and the reached flags per column."""
    cols = np.array(lay.columns)
    x = cols[0] + p * (cols[-1] - cols[0]) if not backward else cols[-1] - p * (cols[-1] - cols[0])
    reached = cols <= x + 1e-9 if not backward else cols >= x - 1e-9
    x0, x1 = seg[:, 0], seg[:, 2]
    on = (x0 <= x) & (x <= x1)
    t = (x - x0[on]) / np.maximum(x1[on] - x0[on], 1e-9)
    dots = np.column_stack([x0[on] + t * (x1[on] - x0[on]), seg[on, 1] + t * (seg[on, 3] - seg[on, 1])])
    return dots, reached


def glow(values):
    """0..1 per value: √(|v| / max|v|), so small-but-nonzero still shows."""
    m = np.abs(np.asarray(values, dtype=np.float64))
    top = m.max() if m.size else 0.0
    return np.sqrt(m / top) if top > 0 else np.zeros_like(m)


def ramp(t):
    """0..1 onto RAMP.  (...) -> (..., 3) float"""
    t = np.clip(np.asarray(t, dtype=np.float64), 0.0, 1.0) * (len(RAMP) - 1)
    k = np.minimum(t.astype(int), len(RAMP) - 2)
    f = (t - k)[..., None]
    return RAMP[k] * (1 - f) + RAMP[k + 1] * f


def _upsample(L, scale):
    """Bilinear upsampling of a (res, res) grid to ((res − 1)·scale + 1)² cells."""
    res = L.shape[0]
    u = np.linspace(0, res - 1, (res - 1) * scale + 1)
    i = np.minimum(u.astype(int), res - 2)
    f = u - i
    rows = L[i] * (1 - f)[:, None] + L[i + 1] * f[:, None]
    return rows[:, i] * (1 - f)[None, :] + rows[:, i + 1] * f[None, :]


def landscape_rgba(L, scale=5, levels=14):
    """The loss grid L[β, α] (β up) as an image: colour by log L, with contour lines where the
    log-loss crosses one of `levels` evenly spaced levels.  -> (H, W, 4) uint8, top row = highest β"""
    logL = np.log(np.maximum(np.where(np.isfinite(L), L, np.nan), 1e-12))
    lo, hi = np.nanmin(logL), np.nanmax(logL)
    logL = np.where(np.isnan(logL), hi, logL)
    span = hi - lo if hi > lo else 1.0
    t = _upsample((logL - lo) / span, scale)[::-1]
    band = np.floor(t * levels)
    line = np.zeros(t.shape, bool)
    line[:, 1:] |= band[:, 1:] != band[:, :-1]
    line[1:, :] |= band[1:, :] != band[:-1, :]
    rgb = ramp(t)
    rgb[line] = rgb[line] * 0.62
    out = np.empty(t.shape + (4,), np.uint8)
    out[..., :3] = rgb.round()
    out[..., 3] = 255
    return out, (float(np.exp(lo)), float(np.exp(hi)))


def plane_to_canvas(ab, span, size):
    """(α, β) in [−span, span]² to canvas pixels of a size x size square (β up).  (m, 2) -> (m, 2)"""
    ab = np.asarray(ab, dtype=np.float64).reshape(-1, 2)
    return np.column_stack([(ab[:, 0] + span) / (2 * span) * size, (span - ab[:, 1]) / (2 * span) * size])


def loss_curve(loss, output, target, yhat, n=120):
    """The point's loss as a function of its prediction: (x, ℓ(x), marker x, x label), or None
    when the prediction is not one number (mse over several outputs)."""
    yhat = np.ravel(yhat)
    if loss == "cross_entropy":
        c = int(target)
        x = np.linspace(0.004, 1.0, n)
        return x, -np.log(x), float(yhat[c]), f"ŷ of the point's class ({c})"
    y = np.ravel(target)
    if len(y) != 1:
        return None
    y = float(y[0])
    if loss == "bce":
        x = np.linspace(0.004, 0.996, n)
        return x, -(y * np.log(x) + (1 - y) * np.log(1 - x)), float(yhat[0]), "ŷ"
    x = np.linspace(0.0, 1.0, n) if output == "sigmoid" else np.linspace(y - 2.0, y + 2.0, n)
    return x, (x - y) ** 2, float(yhat[0]), "ŷ"


def runs(mask):
    """[(first, last)] index ranges where a boolean array is True."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(m[1:] != m[:-1])
    return [(int(a), int(b) - 1) for a, b in zip(edges[0::2], edges[1::2])]


ACTIVATION_Z = 5.0  # the activation explorer plots z from −ACTIVATION_Z to ACTIVATION_Z ...


def plot_range(*curves, lo=-ACTIVATION_Z, hi=ACTIVATION_Z, pad=0.08):
    """A y range that shows the curves (clipped to [lo, hi]) and 0..1, with a margin: by default as
    wide as the explorer's z range, so an unbounded curve (linear) is drawn whole, never cut flat."""
    a = min(0.0, *(float(np.min(c)) for c in curves))
    b = max(1.0, *(float(np.max(c)) for c in curves))
    a, b = max(a, lo), min(b, hi)
    m = (b - a) * pad
    return a - m, b + m


def clip_path(path, span):
    """A plane path cut where it first leaves the square |α|, |β| ≤ span: its last point moved onto
    the border along its last segment (so the trail ends at the plot's edge, never off it)."""
    P = np.asarray(path, dtype=np.float64)
    outside = np.flatnonzero(np.abs(P).max(axis=1) > span)
    if not len(outside) or outside[0] == 0:
        return P
    k = outside[0]
    a, b = P[k - 1], P[k]
    d = b - a
    # the largest t in [0, 1] keeping a + t·d inside, per coordinate that moves
    t = min((np.sign(d[i]) * span - a[i]) / d[i] for i in range(2) if d[i] != 0 and abs(b[i]) > span)
    return np.vstack([P[:k], a + t * d])
