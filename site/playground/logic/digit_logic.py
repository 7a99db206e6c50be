"""Digits mode, as numpy: the confusion matrix, the gallery of mistakes, what the first layer
looks for, and the drawing pad's pixels turned into ink. No browser here."""
import numpy as np

from nn.teaching import calibration

from . import colors

SIDE = 8
TILE = 24  # an 8x8 image drawn as 24x24 pixels (each pixel a 3x3 block: crisp, not blurred)

# The pad by keyboard: the arrows move a pen, Space puts it down or lifts it. Places are shares of
# the pad's side (0 to 1 across, 0 to 1 down), so keys draw the same digit on any screen.
KEY_START = (0.5, 0.2)  # where the keyboard's pen starts: top middle, where most digits begin
KEY_STEP = 0.05         # one arrow press; with Shift, a fifth of it
KEY_MOVES = {"ArrowLeft": (-1, 0), "ArrowRight": (1, 0), "ArrowUp": (0, -1), "ArrowDown": (0, 1)}


def key_move(at, key, fine=False):
    """The pen's place after `key` (an arrow), kept on the pad; None for any other key."""
    d = KEY_MOVES.get(key)
    if d is None:
        return None
    step = KEY_STEP / 5 if fine else KEY_STEP
    return tuple(min(1.0, max(0.0, round(v + dv * step, 6))) for v, dv in zip(at, d))


def confusion_matrix(y_true, y_pred, k=10):
    """M[i, j] = how many samples of class i were predicted as j.  -> (k, k) int"""
    m = np.zeros((k, k), dtype=np.int64)
    np.add.at(m, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return m


def mistakes(P, y, limit=12):
    """The misclassified samples, most confident first: [(index, guess, confidence)]."""
    guess = np.argmax(P, axis=1)
    wrong = np.flatnonzero(guess != y)
    conf = P[wrong, guess[wrong]]
    order = np.argsort(-conf, kind="stable")[:limit]
    return [(int(wrong[i]), int(guess[wrong[i]]), float(conf[i])) for i in order]


def guess_text(p):
    """What the pad says about a drawing with probabilities p (None: nothing drawn)."""
    if p is None:
        return "Draw a digit on the pad"
    k, confidence, sure = calibration.reading(p)
    if not sure:
        return f"Not sure (maybe {k}, {confidence:.0%})"
    return f"The network reads: {k} ({confidence:.0%})"


def calibration_text(ece):
    """The test set's expected calibration error, in words."""
    return (f"Calibration on the test set: ECE {ece:.3f}. When the network is 90% sure, it is right about "
            f"90% of the time, give or take this (0 would be exact; {calibration.BINS} bins of confidence).")


def ink(alpha):
    """The pad's alpha channel (H, W) uint8 as ink in [0, 1]."""
    return np.asarray(alpha, dtype=np.float64) / 255.0


def _blocks(img8):
    """(..., 8, 8) -> (..., TILE, TILE): each pixel becomes a block, nearest neighbour."""
    r = TILE // SIDE
    return np.repeat(np.repeat(img8, r, axis=-2), r, axis=-1)


def grey_rgba(x):
    """An input image (64,) in [0, 1] as dark ink on white, (TILE, TILE, 4) uint8."""
    v = 255.0 - 225.0 * np.clip(np.asarray(x, dtype=np.float64).reshape(SIDE, SIDE), 0, 1)
    tile = _blocks(v)
    return np.dstack([tile, tile, tile, np.full_like(tile, 255.0)]).round().astype(np.uint8)


def weight_images(W1):
    """Each first-layer neuron's 64 incoming weights as an 8x8 picture on the diverging map
    (blue: this pixel's ink excites the neuron, orange: inhibits), one shared scale so the
    neurons can be compared.  (64, h) -> (h, TILE, TILE, 4)"""
    scale = float(np.abs(W1).max()) or 1.0
    imgs = _blocks(W1.T.reshape(-1, SIDE, SIDE))
    return colors.diverging(imgs, -scale, scale)


def value_tiles(values, lo, hi):
    """Flat tiles for neurons whose picture is one number (their activation for this input)."""
    v = np.broadcast_to(np.asarray(values, dtype=np.float64)[:, None, None], (len(values), TILE, TILE))
    return colors.diverging(v, lo, hi)


def class_tiles(p):
    """Output tiles: each class's probability in that class's colour."""
    return np.stack([colors.one_class_rgba(np.full((TILE, TILE), pk), k) for k, pk in enumerate(p)])


def atlas(tiles):
    """(n, TILE, TILE, 4) tiles side by side: (TILE, n * TILE, 4), one image to hand over."""
    return np.ascontiguousarray(np.concatenate(list(tiles), axis=1))
