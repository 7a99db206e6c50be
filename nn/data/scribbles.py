"""Drawings that are no digit: blobs, lines, zigzags and scribbles, as the digits' 8x8 inputs.

    X = scribbles.make(np.random.default_rng(0), 300)   # (300, 64) in [0, 1], by the digits' recipe

Why: a network trained on digits alone has never been told that anything else exists, so a
scribble comes out as some digit with any confidence at all (a blob read as "4 (100%)"). Shown
these with a random digit as their label, afresh each epoch (nn.training.session, with `augment`),
the best a network can do on them is to spread its probability evenly over the ten digits, so it
learns to say "not sure" about drawings like them ("outlier exposure": Hendrycks, Mazeika and
Dietterich, 2019). A line is never steep here: a steep line is a 1.

Each drawing is a few strokes (point lists) in a box one unit tall, drawn with a pen of random
width, then cropped, scaled to fill the 32 x 32 bitmap and counted in 4 x 4 blocks, as a drawing
on the pad is (nn.data.digits.bitmap_to_input); the pen's width scales with the drawing.
"""
import math

import numpy as np

from . import digits

KINDS = ("blob", "line", "zigzag", "scribble", "loops")
STEEPEST = 50.0   # degrees from the horizontal: a steeper line would be a 1


def _blob(rng):
    """Scribbled in: rings from the edge inwards, close enough that the pen fills between them."""
    rx, ry = rng.uniform(0.3, 0.5, 2)
    rings = np.linspace(1.0, 0.15, 5)[:, None]
    a = np.linspace(0, 2 * math.pi, 12)
    return [np.column_stack([(rx * rings * np.cos(a)).ravel(), (ry * rings * np.sin(a)).ravel()])], 0.22


def _line(rng):
    t = math.radians(rng.uniform(-STEEPEST, STEEPEST))
    return [np.array([[-math.cos(t), -math.sin(t)], [math.cos(t), math.sin(t)]]) / 2], rng.uniform(0.05, 0.15)


def _zigzag(rng):
    n = int(rng.integers(4, 9))
    x = np.linspace(-0.5, 0.5, n)
    y = np.where(np.arange(n) % 2, -0.5, 0.5) * rng.uniform(0.3, 1.0) + rng.uniform(-0.1, 0.1, n)
    pts = np.column_stack([x, y])
    return [pts[:, ::-1] if rng.random() < 0.3 else pts], rng.uniform(0.05, 0.12)


def _scribble(rng):
    """Back and forth at random: many turns, so that no few strokes of it make a digit by chance."""
    return [rng.uniform(-0.5, 0.5, (int(rng.integers(12, 24)), 2))], rng.uniform(0.04, 0.1)


def _loops(rng):
    """A pen going round and round as it moves along (a scribbled-out word)."""
    t = np.linspace(0, 2 * math.pi * rng.uniform(2, 4), 36)
    r = rng.uniform(0.15, 0.3)
    return [np.column_stack([np.linspace(-0.5, 0.5, len(t)) + r * np.cos(t), r * 2 * np.sin(t)])], \
        rng.uniform(0.04, 0.1)


MAKERS = {"blob": _blob, "line": _line, "zigzag": _zigzag, "scribble": _scribble, "loops": _loops}


def _box(strokes, pen):
    """Strokes and a pen as the recipe's 32 x 32 bitmap: the ink's bounding box (the pen's width
    included) scaled so its longer side fills the box, centred."""
    pts = np.vstack(strokes)
    lo, hi = pts.min(axis=0) - pen / 2, pts.max(axis=0) + pen / 2
    scale = digits.BOX / (hi - lo).max()
    ends = [(s - (lo + hi) / 2) * scale + digits.BOX / 2 for s in strokes]
    a = np.vstack([s[:-1] for s in ends])[:, :, None]        # every segment a-b at once: (S, 2, 1)
    d = np.vstack([s[1:] for s in ends])[:, :, None] - a
    grid = np.arange(digits.BOX) + 0.5
    p = np.stack(np.meshgrid(grid, grid)).reshape(1, 2, -1)  # pixel centres: (1, 2, 1024)
    t = np.clip(((p - a) * d).sum(axis=1) / np.maximum((d * d).sum(axis=1), 1e-12), 0.0, 1.0)
    gap = p - a - t[:, None, :] * d                          # pixel minus its nearest point of the segment
    near = np.sqrt((gap * gap).sum(axis=1)).min(axis=0)
    return (near <= pen * scale / 2).reshape(digits.BOX, digits.BOX)


def make(rng, n):
    """n drawings that are no digit, the kinds in turn, as inputs.  -> (n, 64) in [0, 1]"""
    out = np.empty((n, digits.SIDE * digits.SIDE))
    for k in range(n):
        strokes, pen = MAKERS[KINDS[k % len(KINDS)]](rng)
        out[k] = digits.count_blocks(_box(strokes, pen)).reshape(-1) / 16
    return out
