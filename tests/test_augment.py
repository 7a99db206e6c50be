"""nn.data.augment and nn.data.scribbles: the training digits varied as drawings vary, each
change checked against plain geometry, and the drawings that are no digit."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nn import Session, digits
from nn.data import augment, scribbles

IMAGES, LABELS = digits.load()


def only(shapes, **given):
    """Every image of `shapes` varied in the given ways alone: others off (the pen as it is, the
    ink filling the box, centred)."""
    m = len(shapes.source)
    plain = dict(varied=np.ones(m, bool), pen=shapes.widths[:, 0].copy(), slant=np.zeros(m), turn=np.zeros(m),
                 wider=np.zeros(m), fill=np.ones(m), shift=np.zeros((2, m)), warp=np.zeros((2, m, augment.WARP_POINTS, augment.WARP_POINTS)))
    for key, value in given.items():
        plain[key] = np.broadcast_to(np.asarray(value, dtype=plain[key].dtype), plain[key].shape).copy()
    return augment.changed(shapes, np.arange(m), augment.Changes(**plain))


def image(rows):
    """An 8x8 image from text: digits are counts (g = 16), '.' is 0."""
    return np.array([[0 if c == "." else int(c, 17) for c in r] for r in rows], dtype=np.float64)


BAR = image(["...gg...", "...gg...", "...gg...", "...gg...", "...gg...", "...gg...", "...gg...", "...gg..."])


# -- the bitmaps behind the counts ------------------------------------------------------------------

def test_the_bitmap_of_every_digit_has_its_counts():
    boxes = digits.counts_to_boxes(IMAGES)
    np.testing.assert_array_equal(np.stack([digits.count_blocks(b) for b in boxes]).reshape(-1, 64), IMAGES)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 16), min_size=64, max_size=64))
def test_the_bitmap_of_any_counts_has_them(counts):
    box = digits.counts_to_boxes(np.array([counts]))[0]
    np.testing.assert_array_equal(digits.count_blocks(box).ravel(), counts)


def _grow_plain(ink, square):
    """One pixel of growth, written as the definition: a pixel is ink if a neighbour is."""
    out = ink.copy()
    h, w = ink.shape
    for r in range(h):
        for c in range(w):
            near = [(r + dr, c + dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)
                    if (square or dr == 0 or dc == 0) and 0 <= r + dr < h and 0 <= c + dc < w]
            out[r, c] = any(ink[p] for p in near)
    return out


@pytest.mark.parametrize("square", [False, True])
def test_a_pen_one_pixel_thicker_or_thinner_is_the_definitions(square):
    rng = np.random.default_rng(3)
    box = rng.random((3, 32, 32)) < 0.3
    rows = augment._bit_rows(box)
    grown, shrunk = augment._pixels(augment._grow(rows, square)), augment._pixels(augment._shrink(rows, square))
    for k in range(3):
        ink = np.zeros((augment.ROWS, augment.ROWS), dtype=bool)
        ink[augment.PAD:-augment.PAD, augment.PAD:-augment.PAD] = box[k]
        np.testing.assert_array_equal(grown[k], _grow_plain(ink, square))
        np.testing.assert_array_equal(shrunk[k], ~_grow_plain(~ink, square))


def test_bits_are_counted():
    x = np.array([[0, 1, 2**36 - 1, 0b1011000110]], dtype=np.uint64)
    np.testing.assert_array_equal(augment._popcount(x), [[0, 1, 36, 5]])


def _bar(width, height=28):
    box = np.zeros((1, 32, 32), dtype=bool)
    box[0, 2:2 + height, 14:14 + width] = True
    return box


@pytest.mark.parametrize("width", [2, 4, 6, 9])
def test_a_strokes_width_is_measured(width):
    """A bar `width` pixels wide and 28 tall: its measured width is within half a pixel."""
    assert abs(augment._width(augment._bit_rows(_bar(width)))[0] - width) <= 0.5


@pytest.mark.parametrize("width", [3, 6, 9])
def test_the_middle_line_of_a_bar_is_one_pixel_wide_and_whole(width):
    line = augment._pixels(augment._skeleton(augment._bit_rows(_bar(width))))[0].astype(bool)
    rows = np.flatnonzero(line.any(axis=1))
    per_row = line.sum(axis=1)[rows]
    assert np.all(per_row == 1)                       # one pixel wide ...
    assert np.all(np.diff(rows) == 1)                 # ... unbroken from top to bottom ...
    assert len(rows) >= 28 - width                    # ... and about as long as the bar
    cols = np.flatnonzero(line.any(axis=0))
    assert cols.min() >= augment.PAD + 14 and cols.max() <= augment.PAD + 14 + width - 1  # inside it


def test_the_middle_line_of_a_ring_is_a_ring():
    """Thinning never cuts a stroke: a thick ring stays one closed loop around its hole."""
    yy, xx = np.mgrid[:32, :32] + 0.5
    r = np.hypot(yy - 16, xx - 16)
    line = augment._pixels(augment._skeleton(augment._bit_rows(((r > 8) & (r < 14))[None])))[0].astype(bool)
    line = line[augment.PAD:-augment.PAD, augment.PAD:-augment.PAD]
    assert line[16, :16].any() and line[16, 16:].any() and line[:16, 16].any() and line[16:, 16].any()
    assert not line[12:20, 12:20].any()                # the hole stays empty
    # every pixel of the loop has two ink neighbours at least (8-connected): no end, no break
    neighbours = sum(np.roll(np.roll(line, dy, 0), dx, 1) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                     if (dy, dx) != (0, 0))
    assert np.all(neighbours[line] >= 2)


def test_the_pens_are_the_digit_as_written_and_its_middle_line_ever_wider():
    shapes = augment.Shapes(IMAGES[:200] / 16)
    w = shapes.widths
    assert np.all(np.diff(w[:, 1:], axis=1) > 0)      # 3, 5, 7, 9 pixels: each wider than the last
    assert np.median(w[:, 1]) < 4 and np.median(w[:, 4]) > 9


def test_added_images_get_their_shapes_and_the_rest_are_kept():
    X = IMAGES[:40] / 16
    first = augment.Shapes(X[:30])
    both, whole = first.of(X), augment.Shapes(X)
    assert first.of(X[:30]) is not first and first.of(first.source) is first
    for name in augment.Shapes.FIELDS:
        np.testing.assert_array_equal(getattr(both, name), getattr(whole, name), err_msg=name)
    assert both.source is X


# -- each way a drawing varies ----------------------------------------------------------------------

def _centroid_columns(img):
    """The ink's mean column in the top half and in the bottom half of an 8x8 image."""
    img = img.reshape(8, 8)
    cols = np.arange(8)
    top, bottom = img[:4].sum(axis=0), img[4:].sum(axis=0)
    return (top @ cols) / top.sum(), (bottom @ cols) / bottom.sum()


def test_without_changes_a_digit_comes_back_as_drawn():
    X = IMAGES[:200] / 16
    out = only(augment.Shapes(X))
    # the recipe crops and scales again: the same image, to within the cells a 2 x 2 step moves
    assert np.abs(out - X).sum(axis=1).mean() < 0.15 * X.sum(axis=1).mean()


def _by_geometry(box, M, side=256):
    """The recipe on a bitmap mapped by the 2x2 matrix M (drawn = M · source, about the centre),
    computed directly: each pixel of a fine canvas looks up the source pixel it came from."""
    q = (np.arange(side) + 0.5) / side * 96 - 48          # the canvas spans 96 source pixels
    qx, qy = np.meshgrid(q, q)
    inv = np.linalg.inv(M)
    px = inv[0, 0] * qx + inv[0, 1] * qy + 16
    py = inv[1, 0] * qx + inv[1, 1] * qy + 16
    inside = (px >= 0) & (px < 32) & (py >= 0) & (py < 32)
    canvas = np.zeros((side, side))
    canvas[inside] = box[py[inside].astype(int), px[inside].astype(int)]
    return digits.bitmap_to_input(canvas).reshape(64) / 16


@pytest.mark.parametrize("way, value, M", [
    ("slant", 0.3, [[1, -0.3], [0, 1]]),                  # x moves by −0.3·y: the top (y < 0) goes right
    ("slant", -0.25, [[1, 0.25], [0, 1]]),
    ("turn", 10.0, [[math.cos(math.radians(10)), -math.sin(math.radians(10))],
                    [math.sin(math.radians(10)), math.cos(math.radians(10))]]),  # clockwise on screen (y down)
    ("wider", 0.25, [[math.exp(0.25), 0], [0, 1]]),
    ("wider", -0.25, [[math.exp(-0.25), 0], [0, 1]]),
])
def test_each_change_is_the_geometry_it_names(way, value, M):
    """Slanted, turned or widened, then cropped and scaled by the recipe: the same image as the
    recipe on the exactly mapped bitmap, but for the cells a 2 x 2 step moves along the edges.
    (A wrong sign or a change left out is 0.37 to 0.9 apart by this measure; these are 0.11-0.15.)"""
    X = IMAGES[:60] / 16
    shapes = augment.Shapes(X)
    out = only(shapes, **{way: value})
    boxes = digits.counts_to_boxes(IMAGES[:60])
    exact = np.array([_by_geometry(b, np.array(M, dtype=float)) for b in boxes])
    assert np.abs(out - exact).sum() < 0.2 * exact.sum()
    # and a bar leant or turned: the top's ink right of the bottom's (positive values) by as much
    if way != "wider":
        bar = BAR.reshape(1, 64) / 16
        box = digits.counts_to_boxes(BAR.reshape(1, 64))[0]
        lean = [np.subtract(*_centroid_columns(img)) for img in
                (only(augment.Shapes(bar), **{way: value})[0], _by_geometry(box, np.array(M, dtype=float)))]
        assert abs(lean[0] - lean[1]) < 0.2 and np.sign(lean[0]) == np.sign(value) and abs(lean[0]) > 0.4


def test_a_thicker_pen_adds_ink_and_a_thinner_one_takes_it():
    X = IMAGES[:100] / 16
    shapes = augment.Shapes(X)
    plain = only(shapes).sum()
    thicker = only(shapes, pen=30.0).sum()   # the widest pen (the recipe then scales the fatter digit down)
    thinner = only(shapes, pen=2.0).sum()    # the thinnest: the middle line, 3 pixels wide
    assert thinner < 0.75 * plain and thicker > 1.2 * plain


def test_a_varied_digit_is_an_image_the_recipe_could_make():
    """Whole counts 0..16 whose ink, on its longer side, spans at least FILL's share of the box."""
    X = IMAGES[:300] / 16
    out = augment.vary(augment.Shapes(X), np.random.default_rng(7))
    counts = out * 16
    np.testing.assert_array_equal(counts, np.rint(counts))
    assert out.min() >= 0 and out.max() <= 1
    for img in counts.reshape(-1, 8, 8):
        rows, cols = np.flatnonzero(img.any(axis=1)), np.flatnonzero(img.any(axis=0))
        assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 >= 8 * augment.FILL[0] - 1


def test_a_share_are_varied_and_the_rest_kept():
    X = IMAGES[:1000] / 16
    out = augment.vary(augment.Shapes(X), np.random.default_rng(1))
    changed = np.any(out != X, axis=1).mean()
    assert abs(changed - augment.SHARE) < 0.05  # 1000 draws: the share to within 3.5 standard errors


def test_pixel_noise_stays_on_a_varied_digit():
    rng = np.random.default_rng(2)
    X = np.clip(IMAGES[:50] / 16 + rng.normal(0, 0.02, (50, 64)), 0, 1)
    shapes = augment.Shapes(X)
    out = augment.vary(shapes, np.random.default_rng(3))
    assert np.any(out * 16 != np.rint(out * 16))  # not whole counts: the noise is on them
    np.testing.assert_allclose(shapes.residual, X - np.rint(X * 16) / 16)


def test_rows_may_repeat_and_come_in_any_order():
    X = IMAGES[:20] / 16
    shapes = augment.Shapes(X)
    out = augment.vary(shapes, np.random.default_rng(4), rows=[3, 3, 0])
    assert out.shape == (3, 64)


# -- in a session ---------------------------------------------------------------------------------

def test_a_varied_run_replays_from_its_seed():
    a, b = Session({"dataset": "digits", "n": 300}), Session({"dataset": "digits", "n": 300})
    a.step(3)
    b.step(3)
    np.testing.assert_array_equal(a.net.flat, b.net.flat)
    c = Session({"dataset": "digits", "n": 300, "augment": False})
    c.step(3)
    assert not np.array_equal(a.net.flat, c.net.flat)


def test_a_session_varies_the_digits_and_adds_drawings_that_are_none():
    s = Session({"dataset": "digits", "n": 400})
    X, Y = s._varied()
    n = len(s.y_train)
    k = round(augment.NOT_DIGITS * n)
    assert X.shape == (n + k, 64) and len(Y) == n + k
    np.testing.assert_array_equal(Y[:n], s.y_train)
    assert set(np.unique(Y[n:])) <= set(range(10))
    s.step(1)
    assert s.seen_last_epoch == n  # the training split's samples; the scribbles come on top


def test_augment_is_for_the_digits_only():
    with pytest.raises(ValueError, match="augment = true is not allowed for spiral; allowed: false"):
        Session({"dataset": "spiral", "augment": True})
    s = Session({"dataset": "moons"})
    before = s.config
    with pytest.raises(ValueError, match="applies to the digits only"):
        s.update({"augment": True})
    assert s.config == before
    s.update({"dataset": "digits"})
    assert s.config["augment"] is True        # digits bring it on (their preset) ...
    s.update({"dataset": "spiral"})
    assert s.config["augment"] is False       # ... and take it with them
    s.update({"dataset": "digits", "augment": False})
    assert s.config["augment"] is False


# -- drawings that are no digit ---------------------------------------------------------------------

def test_scribbles_are_inputs_made_by_the_recipe():
    X = scribbles.make(np.random.default_rng(0), 50)
    assert X.shape == (50, 64) and X.min() >= 0 and X.max() <= 1
    counts = X * 16
    np.testing.assert_array_equal(counts, np.rint(counts))
    for img in counts.reshape(-1, 8, 8):  # cropped and scaled: the longer side fills the box
        rows, cols = np.flatnonzero(img.any(axis=1)), np.flatnonzero(img.any(axis=0))
        assert max(rows[-1] - rows[0], cols[-1] - cols[0]) == 7


def test_a_line_is_never_steep_enough_to_be_a_one():
    for k in range(40):
        (stroke,), _ = scribbles._line(np.random.default_rng(k))
        dx, dy = stroke[1] - stroke[0]
        assert abs(math.degrees(math.atan2(dy, dx))) <= scribbles.STEEPEST + 1e-9
