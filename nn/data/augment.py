"""Drawings vary: the training digits changed as drawings on a pad vary, afresh each epoch.

    shapes = augment.Shapes(X_train)          # once per training set: (m, 64) inputs in [0, 1]
    X = augment.vary(shapes, rng)             # each epoch: the same digits, slanted, turned, ...

Why on the 32x32 bitmap and not on the 8x8 counts: the page reads a drawing by the data set's own
recipe (crop to the ink, scale the longer side to 32 pixels, count the ink in 4x4 blocks). That
recipe undoes where a digit is drawn and how large, but not what the pad's hand does otherwise: the
pen does not scale with the digit (a digit drawn large has thin strokes once scaled down, a small
one thick ones), hands slant and turn, shapes come wider or narrower, and the ink falls on the 4x4
grid another way. On a bitmap each of these is exact: a stroke's middle line (found by thinning)
is drawn again with a thinner or thicker pen, the slanted or turned digit is cropped and scaled by
the recipe again and its blocks counted, so a varied digit is an image the recipe could have made.
On the 8x8 counts each would be a guess (thinning a count of 9 depends on where in its block the
ink lies). Cheap enough for every epoch in the browser: the bitmaps (digits.counts_to_boxes), their
middle lines and pens are worked out once per training set (Shapes; rows of bits, so a neighbour
is a shift), and an epoch moves cells of 2 x 2 pixels, 256 per image, through one affine map and a
smooth warp, and counts them (scripts/bench_augment.py, scripts/bench_page.py --parts digits).
"""
from dataclasses import dataclass

import numpy as np

from . import digits

BOX = digits.BOX                 # the recipe's bitmap: 32 x 32
CELL = 2                         # the warp moves cells of 2 x 2 pixels (4 of them make a block)
PAD = 4                          # pixels around the bitmap that a thicker pen can reach
MARGIN = 20                      # room around the bitmap for slanted, turned corners (no ink there)
SIDE = BOX + 2 * MARGIN
CELLS = SIDE // CELL
SHARE = 0.75                     # share of the images varied each epoch; the rest are seen as drawn
SLANT = 0.3                      # x moves by up to ±0.3 of the height (a hand leaning ±17°)
TURN = 10.0                      # turned by up to ±10 degrees
WIDER = 0.4                      # the width times e^u, u in ±0.4 (0.67 to 1.5 times as wide)
PEN = (2.0, 7.0)                 # the stroke width wanted, in pixels of the 32-pixel box (the pad's pen
#                                  is 3 on a digit drawn large, 9 on one drawn small, mostly 3 to 5; the
#                                  set's are 4 to 7) ...
PENS = 5                         # ... and the pen used, the nearest of: the digit as written, or its
#                                  middle line drawn again 3, 5, 7 or 9 pixels wide
THINNING = 6                     # layers thinned at most to find a stroke's middle line (see _skeleton)
FILL = (0.85, 1.0)               # the longer side fills this share of the box (a stray flag or dot
SHIFT = 2.0                      # makes the bounding box larger than the digit), shifted by up to ±2 px
NOT_DIGITS = 0.05                # drawings that are no digit added each epoch, for each training image ...
NOT_DIGITS_MADE = 120            # ... picked from this many made once (nn.data.scribbles), and varied
NOT_DIGITS_SEED = 16             # the same ones every time, so that a run replays
WARP = 2.0                       # each of 3 x 3 points inside the box moves by up to ±2 px, the points
WARP_POINTS = 3                  # between them follow smoothly and the box's edges stay: a loop larger
#                                  than the other, a stem curved, a stroke a little off its place


ROWS = BOX + 2 * PAD               # a bitmap with room for the thickest pen: 40 rows of 40 pixels,
ROW = np.uint64((1 << ROWS) - 1)   # each row one number whose bit j is pixel j (a neighbour is a shift)


def _grow(rows, square):
    """Each bitmap's ink grown by one pixel: to the 4 neighbours, or (square) to all 8.
    (m, ROWS) rows of bits -> the same"""
    one = np.uint64(1)
    wide = rows | (rows << one) | (rows >> one)
    reach = wide if square else rows
    out = wide.copy()
    out[:, 1:] |= reach[:, :-1]
    out[:, :-1] |= reach[:, 1:]
    return out & ROW


def _shrink(rows, square):
    """What a pen one pixel thinner leaves: the pixels whose neighbours are all ink."""
    return ~_grow(~rows & ROW, square) & ROW


def _two_or_more(planes):
    """Per bit: whether at least two of the planes have it set (and whether any has)."""
    any_, two = np.zeros_like(planes[0]), np.zeros_like(planes[0])
    for p in planes:
        two |= any_ & p
        any_ |= p
    return two, any_


def _skeleton(rows):
    """The strokes' middle lines, one pixel wide (Zhang and Suen's thinning, 1984): layer by layer,
    an edge pixel goes if it has 2 to 6 ink neighbours, exactly one switch from background to ink
    going round them (so removing it cuts nothing), and it lies on the side being thinned. At most
    THINNING layers: the set's strokes are at most 12 pixels wide, and a layer goes from each side.
    (m, ROWS) rows of bits -> the same"""
    one = np.uint64(1)
    for _ in range(THINNING):
        before = rows
        for sub in (0, 1):
            up, down = np.zeros_like(rows), np.zeros_like(rows)
            up[:, 1:], down[:, :-1] = rows[:, :-1], rows[:, 1:]   # the pixel above, below
            # the 8 neighbours in order round the pixel: N, NE, E, SE, S, SW, W, NW
            n, e, s, w = up, rows >> one, down, (rows << one) & ROW
            ring = [n, n >> one, e, s >> one, s, (s << one) & ROW, w, (up << one) & ROW]
            two_ink, _ = _two_or_more(ring)
            two_blank, _ = _two_or_more([~p for p in ring])
            two_switches, a_switch = _two_or_more([~ring[k] & ring[(k + 1) % 8] for k in range(8)])
            side = ~(n & e & s) & ~(e & s & w) if sub == 0 else ~(n & e & w) & ~(n & s & w)
            # 2 to 6 ink neighbours: two of them ink, two of them not
            rows = rows & ~(two_ink & two_blank & a_switch & ~two_switches & side)
        if np.array_equal(rows, before):
            break
    return rows


def _popcount(rows):
    """Set bits in each uint64 (the classic halving sums)."""
    x = rows - ((rows >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


def _width(rows):
    """Each bitmap's stroke width in pixels, as if its ink were one bar w wide and L long: w·L
    pixels, 2·(w + L) − 4 of them on its edge, so w is the smaller root of w² − S·w + area = 0,
    with S = w + L.  (m, ROWS) -> (m,)"""
    area = _popcount(rows).sum(axis=1).astype(np.float64)
    edge = area - _popcount(_shrink(rows, square=False)).sum(axis=1)
    s = (edge + 4) / 2
    return (s - np.sqrt(np.maximum(s * s - 4 * area, 0.0))) / 2


def _pairs(a, axis):
    """Sums of neighbouring pairs along an axis (a 2 x 2 cell is two of these)."""
    a = np.moveaxis(a, axis, 0)
    return np.moveaxis(a[0::2] + a[1::2], 0, axis)


def _bit_rows(box):
    """(m, 32, 32) bool -> (m, ROWS) uint64: each row as bits, PAD empty pixels on each side."""
    rows = np.zeros((len(box), ROWS), dtype="<u8")
    packed = np.packbits(box, axis=2, bitorder="little")  # pixel j is bit j of the row's 4 bytes
    rows[:, PAD:PAD + BOX] = packed.view("<u4")[:, :, 0].astype("<u8") << np.uint64(PAD)
    return rows


def _pixels(rows):
    """(..., ROWS) uint64 rows of bits -> (..., ROWS, ROWS) uint8 pixels (0 or 1)."""
    bits = np.unpackbits(np.ascontiguousarray(rows, dtype="<u8").view(np.uint8).reshape(*rows.shape, 8),
                         axis=-1, bitorder="little")
    return bits[..., :ROWS]


class Shapes:
    """What vary() needs of a training set, worked out once: each digit's bitmap at each pen width
    (as ink per 2 x 2 cell), its stroke width, and its ink's outline points."""

    FIELDS = ("residual", "widths", "cells", "px", "py", "empty", "noisy")

    def __init__(self, X):
        self.source = X                      # the images these shapes are of (an array never changed)
        X = np.asarray(X, dtype=np.float64)
        counts = np.rint(np.clip(X, 0.0, 1.0) * 16)
        self.residual = X - counts / 16      # pixel noise on top of the counts, kept as it was
        self.noisy = np.any(self.residual != 0, axis=1)
        m = len(X)
        ink = _bit_rows(digits.counts_to_boxes(counts))
        # the pens: as written, or the middle line drawn again, cross then square: a roundish pen
        pens = [ink, _grow(_skeleton(ink), square=False)]
        for k in range(PENS - 2):
            pens.append(_grow(pens[-1], square=k % 2 == 0))
        pens = np.stack(pens, axis=1)               # (m, PENS, ROWS)
        self.widths = _width(pens.reshape(-1, ROWS)).reshape(m, PENS)
        per_cell = _pairs(_pairs(_pixels(pens), 2), 3)  # (m, PENS, ROWS / 2, ROWS / 2)
        near = (MARGIN - PAD) // CELL     # on a canvas with room around it
        cells = np.zeros((m, PENS, CELLS, CELLS), dtype=np.uint8)
        cells[:, :, near:CELLS - near, near:CELLS - near] = per_cell
        self.cells = cells.reshape(-1)       # [image, pen, cell row, cell column]
        # the leftmost and rightmost ink of each row (its lowest and highest bit), for each pen:
        # every corner of the ink's convex hull is one, so the extremes of any linear map of the
        # ink are among them
        has = pens > 0
        safe = np.where(has, pens, 1)
        with np.errstate(divide="ignore"):
            left = np.log2((safe & (~safe + np.uint64(1))).astype(np.float64))  # exact: below 2**53
            right = np.floor(np.log2(safe.astype(np.float64)))
        y = np.broadcast_to(np.arange(ROWS, dtype=np.float64), has.shape)
        px = np.concatenate([left, right], axis=2) + 0.5 - ROWS / 2
        py = np.concatenate([y, y], axis=2) + 0.5 - ROWS / 2
        # an empty row has no ink to bound: it stands in for the pen's first ink point instead
        blank = ~np.concatenate([has, has], axis=2)
        first = np.argmax(~blank, axis=2)[..., None]
        px = np.where(blank, np.take_along_axis(px, first, axis=2), px)
        py = np.where(blank, np.take_along_axis(py, first, axis=2), py)
        self.px, self.py = px, py            # (m, PENS, 2 · ROWS), relative to the box's centre
        has = has[:, 0]
        self.empty = ~has.any(axis=1)

    def of(self, X):
        """Shapes for X: these if X is their source; if X is their source with rows added after it
        (drawings added by hand), these and the new rows' own; else X's own."""
        if X is self.source:
            return self
        n = len(self.source)
        if len(X) <= n or not np.array_equal(X[:n], self.source):
            return Shapes(X)
        more, both = Shapes(X[n:]), object.__new__(Shapes)
        for name in self.FIELDS:
            setattr(both, name, np.concatenate([getattr(self, name), getattr(more, name)]))
        both.source = X
        return both


@dataclass
class Changes:
    """How each of m drawings differs: (m,) arrays, (2, m) shift, (2, m, WARP_POINTS, WARP_POINTS)
    warp (x, y), in the units of the constants above (turn in degrees, wider as the exponent of e^u)."""

    varied: np.ndarray   # bool: whether this drawing is varied at all
    pen: np.ndarray      # the stroke's width afterwards, in pixels
    slant: np.ndarray
    turn: np.ndarray
    wider: np.ndarray
    fill: np.ndarray
    shift: np.ndarray
    warp: np.ndarray

    @classmethod
    def drawn(cls, rng, m):
        """Changes at random: each uniform over its range, a share SHARE of the drawings varied."""
        u = rng.uniform
        return cls(pen=u(*PEN, m), slant=u(-SLANT, SLANT, m), turn=u(-TURN, TURN, m), wider=u(-WIDER, WIDER, m),
                   fill=u(*FILL, m), shift=u(-SHIFT, SHIFT, (2, m)),
                   warp=u(-WARP, WARP, (2, m, WARP_POINTS, WARP_POINTS)),
                   varied=rng.random(m) < SHARE)


def vary(shapes, rng, rows=None):
    """Images of a set, a share SHARE of them varied as drawn digits vary.  -> (m, 64) in [0, 1]

    shapes: the set's Shapes; rows: which of its images (None: all, in order; indices may repeat);
    rng: a numpy Generator (the session's shuffling one)."""
    rows = np.arange(len(shapes.source)) if rows is None else np.asarray(rows)
    return changed(shapes, rows, Changes.drawn(rng, len(rows)))


def changed(shapes, rows, changes):
    """The images `rows` of a set with the given changes.  -> (len(rows), 64) in [0, 1]"""
    c = changes
    picked = np.flatnonzero(c.varied & ~shapes.empty[rows])
    chosen = rows[picked]               # the images varied, by their index in the set
    pen, slant, wider, fill = c.pen[picked], c.slant[picked], np.exp(c.wider[picked]), c.fill[picked]
    turn, shift, warp = np.radians(c.turn[picked]), c.shift[:, picked], c.warp[:, picked] / CELL
    t = np.argmin(np.abs(shapes.widths[chosen] - pen[:, None]), axis=1)  # the pen nearest the width wanted
    # the hand's map, source pixel -> drawn: widen, slant (the top leans right), turn
    c, s = np.cos(turn), np.sin(turn)
    m00, m01 = c * wider, -c * slant - s
    m10, m11 = s * wider, -s * slant + c
    # the recipe on the drawn ink: its bounding box (the thicker pen widens it) scaled to fill the box
    px, py = shapes.px[chosen, t], shapes.py[chosen, t]
    qx = m00[:, None] * px + m01[:, None] * py
    qy = m10[:, None] * px + m11[:, None] * py
    x0, x1 = qx.min(axis=1) - 0.5, qx.max(axis=1) + 0.5   # pixel centres: half a pixel more each side
    y0, y1 = qy.min(axis=1) - 0.5, qy.max(axis=1) + 0.5
    scale = fill * BOX / np.maximum(x1 - x0, y1 - y0)
    room_x = np.maximum(BOX - scale * (x1 - x0), 0) / 2
    room_y = np.maximum(BOX - scale * (y1 - y0), 0) / 2
    ox = BOX / 2 + np.clip(shift[0], -room_x, room_x) - scale * (x0 + x1) / 2
    oy = BOX / 2 + np.clip(shift[1], -room_y, room_y) - scale * (y0 + y1) / 2
    # and back: a point (u, v) of the new box -> the source point it shows, in cells of the canvas
    det = m00 * m11 - m01 * m10
    k = 1 / (det * scale * CELL)
    a00, a01, a10, a11 = m11 * k, -m01 * k, -m10 * k, m00 * k
    b0 = SIDE / 2 / CELL - (a00 * ox + a01 * oy)
    b1 = SIDE / 2 / CELL - (a10 * ox + a11 * oy)
    # the new box's corners must fall on the canvas, a cell in from its edge (the warp below moves
    # a point by at most WARP pixels, one cell), else that image is kept as it was
    ends = np.array([0.0, BOX])
    cu = (a00[:, None, None] * ends + a01[:, None, None] * ends[:, None]) + b0[:, None, None]
    cv = (a10[:, None, None] * ends + a11[:, None, None] * ends[:, None]) + b1[:, None, None]
    inside = ((cu > 1) & (cu < CELLS - 1) & (cv > 1) & (cv < CELLS - 1)).all(axis=(1, 2))
    chosen, picked, t, warp = chosen[inside], picked[inside], t[inside], warp[:, inside]
    a00, a01, a10, a11, b0, b1 = a00[inside], a01[inside], a10[inside], a11[inside], b0[inside], b1[inside]
    # each new cell shows the canvas cell under its centre: 16 x 16 cells, 2 x 2 of them to a block.
    # The affine part is a sum of a table over u and one over v (one addition per cell, in float32:
    # cells are < 36 apart, so exact enough); the warp adds a smooth field, made from the moved
    # points by tent functions (0 at the box's edges), as two small matrix products
    u = (np.arange(BOX // CELL) + 0.5) * CELL
    col = ((a00[:, None] * u).astype(np.float32)[:, None, :] + (a01[:, None] * u + b0[:, None]).astype(np.float32)[:, :, None])
    row = ((a10[:, None] * u).astype(np.float32)[:, None, :] + (a11[:, None] * u + b1[:, None]).astype(np.float32)[:, :, None])
    nodes = np.linspace(0, BOX, WARP_POINTS + 2)[1:-1]
    tent = np.maximum(0.0, 1 - np.abs(u[:, None] - nodes) / (nodes[0])).astype(np.float32)  # (16, points)
    field = tent @ warp.astype(np.float32) @ tent.T        # (2, k, 16, 16): [x or y, image, v, u]
    col += field[0]
    row += field[1]
    index = row.astype(np.intp)  # rounded down: the map keeps every cell on the canvas (>= 1)
    index *= CELLS
    index += col.astype(np.intp)
    index += ((chosen * PENS + t).astype(np.intp) * CELLS * CELLS)[:, None, None]
    ink = shapes.cells[index]
    counts = _pairs(_pairs(ink, 1), 2).reshape(-1, 64)
    out = np.asarray(shapes.source, dtype=np.float64)[rows]
    out[picked] = counts / 16
    noisy = shapes.noisy[chosen]
    if noisy.any():  # pixel noise stays as it was, on top of the new counts
        out[picked[noisy]] = np.clip(out[picked[noisy]] + shapes.residual[chosen[noisy]], 0.0, 1.0)
    return out
