"""The real handwritten digits (UCI optdigits, 8x8), and turning a drawing into one of them.

The data: 1,797 images of 8x8 integer pixels in 0..16 and their labels 0..9, read with numpy
alone from `digits.npz` (see site/data/DIGITS-SOURCE.md for source and licence).

How the set was made, and how `bitmap_to_input` repeats it for a drawing: the ink is cropped to
its bounding box, scaled (keeping its aspect ratio, the longer side filling 32 pixels, centred)
into a 32x32 black-and-white bitmap, and the set pixels of each 4x4 block are counted: 0..16.
The set's pen strokes are thick (4 to 6 of 32 pixels): a drawing pad should use a brush about
1/7 of the digit's height (30-40 px for a 200 px tall digit). Thinner strokes give faint 8x8
images that a network trained on the set misreads (a 22 px "1" was read as a 7).

    if not is_empty(canvas):                  # canvas: (H, W) ink in [0, 1], e.g. 280x280
        img = bitmap_to_input(canvas)         # (8, 8) float64, 0..16
        x = image_to_features(img)            # (1, 64) float64, 0..1: what the network reads
"""
from numbers import Integral
from pathlib import Path

import numpy as np

N_SAMPLES = 1797
SIDE = 8
BOX = 32                      # the bitmap the set was counted from: 8 blocks of 4x4 pixels
PIXEL_NAMES = tuple(f"r{r}c{c}" for r in range(SIDE) for c in range(SIDE))
FILE_NAME = "digits.npz"
INK = 0.5                     # a bitmap pixel counts as ink when its value is >= INK


def candidate_paths():
    """Where the data file is looked for: the repository layout (<root>/site/data/), then
    nn/ and data/ unpacked side by side (as in the browser's file system), then beside nn/."""
    package = Path(__file__).resolve().parent.parent  # nn/ (this file is nn/data/digits.py)
    return [package.parent / "site" / "data" / FILE_NAME, package.parent / "data" / FILE_NAME,
            package / "data" / FILE_NAME]


def load(path=None):
    """Read the digits: images (1797, 64) uint8 in 0..16 (row-major 8x8) and labels (1797,) int64.

    path: the .npz file; None tries candidate_paths() in order.
    """
    tried = [Path(path)] if path is not None else candidate_paths()
    for p in tried:
        if p.is_file():
            with np.load(p, allow_pickle=False) as f:
                images, labels = f["images"], f["labels"]
            break
    else:
        raise FileNotFoundError(f"digits data {FILE_NAME!r} not found; tried: "
                                + ", ".join(str(p) for p in tried))
    if images.shape != (N_SAMPLES, SIDE * SIDE) or labels.shape != (N_SAMPLES,):
        raise ValueError(f"{p}: expected images (1797, 64) and labels (1797,), got "
                         f"{images.shape} and {labels.shape}")
    return images.astype(np.uint8), labels.astype(np.int64)


def image_to_features(img):
    """(8, 8), (64,) or (m, 64) images in 0..16 -> (m, 64) float64 inputs in [0, 1] (value / 16)."""
    img = np.asarray(img, dtype=np.float64)
    if img.size % (SIDE * SIDE) or img.ndim not in (1, 2):
        raise ValueError(f"images must have shape (8, 8), (64,) or (m, 64), got {img.shape}")
    return img.reshape(-1, SIDE * SIDE) / 16.0


def _check_bitmap(bitmap):
    b = np.asarray(bitmap)
    if b.ndim != 2 or 0 in b.shape:
        raise ValueError(f"bitmap must be a non-empty 2-D array (H, W), got shape {b.shape}")
    b = b.astype(np.float64)
    if not np.isfinite(b).all() or b.min() < 0.0 or b.max() > 1.0:
        raise ValueError("bitmap values must be ink amounts in [0, 1] (or bool)")
    return b >= INK


def is_empty(bitmap):
    """True when no pixel of the (H, W) bitmap reaches the ink threshold INK."""
    return not _check_bitmap(bitmap).any()


def _shrink_axis(a, n_out, axis):
    """Area resampling along one axis: each of n_out cells = mean of the input it covers.

    The ink integrated from 0 to x is piecewise linear in x (cumulative sums at whole cells,
    interpolated between), so a cell's mean is the difference of that integral at its edges.
    """
    a = np.moveaxis(a, axis, 0)
    n_in = a.shape[0]
    total = np.concatenate([np.zeros((1,) + a.shape[1:]), np.cumsum(a, axis=0)])
    edges = np.arange(n_out + 1) * n_in / n_out
    k = np.minimum(edges.astype(np.int64), n_in - 1)
    frac = (edges - k).reshape((-1,) + (1,) * (a.ndim - 1))
    integral = total[k] + frac * (total[k + 1] - total[k])
    return np.moveaxis(np.diff(integral, axis=0) * (n_out / n_in), 0, axis)


def resample(ink, shape):
    """Area resampling of a (h, w) float array to `shape`: each output pixel is the mean of
    the input area it covers (works for shrinking and enlarging)."""
    return _shrink_axis(_shrink_axis(ink, shape[0], 0), shape[1], 1)


def to_box(bitmap):
    """(H, W) ink -> (32, 32) bool: cropped to the ink, longer side scaled to 32, centred."""
    ink = _check_bitmap(bitmap)
    if not ink.any():
        raise ValueError("bitmap is empty: no pixel reaches the ink threshold 0.5 "
                         "(check digits.is_empty(bitmap) first)")
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].astype(np.float64)
    h, w = ink.shape
    scale = BOX / max(h, w)
    th, tw = max(1, round(h * scale)), max(1, round(w * scale))
    box = np.zeros((BOX, BOX), dtype=bool)
    top, left = (BOX - th) // 2, (BOX - tw) // 2
    covered = resample(ink, (th, tw))
    # a pixel is set when half of it is ink; strokes thinner than half a pixel would vanish,
    # so then half of the best-covered pixel's ink is enough
    box[top:top + th, left:left + tw] = covered >= 0.5 * min(1.0, covered.max())
    return box


def count_blocks(box):
    """(32, 32) bool -> (8, 8) int64: set pixels in each 4x4 block, 0..16."""
    return np.asarray(box, dtype=np.int64).reshape(SIDE, 4, SIDE, 4).sum(axis=(1, 3))


def bitmap_to_input(bitmap):
    """A drawing (H, W) of ink in [0, 1] (or bool), any size -> (8, 8) float64 in 0..16,
    made as the data set was made. Raises ValueError if the bitmap is empty (see is_empty)."""
    return count_blocks(to_box(bitmap)).astype(np.float64)


def counts_to_boxes(images):
    """(m, 64) block counts in 0..16 -> (m, 32, 32) bool bitmaps with exactly those counts.

    Each 4x4 block gets as many set pixels as its count, chosen where a smooth (bilinear)
    upsampling of the image is darkest, so strokes come out continuous: a bitmap the data set's
    recipe (count_blocks) turns back into the same image.
    """
    img = np.rint(np.asarray(images, dtype=np.float64)).reshape(-1, SIDE, SIDE)
    m = len(img)
    # bilinear upsampling as a matrix (pixel centres of the 32x32 grid in 8x8 block coordinates),
    # one row of block pixels at a time so that each block's 16 pixels come out side by side
    t = np.clip((np.arange(BOX) + 0.5) / 4 - 0.5, 0, SIDE - 1)
    i0 = np.minimum(t.astype(int), SIDE - 2)
    f = t - i0
    up = np.zeros((BOX, SIDE))
    up[np.arange(BOX), i0] += 1 - f
    up[np.arange(BOX), i0 + 1] += f
    blocks = np.stack([(up[r::4] @ img @ up.T).reshape(m, SIDE, SIDE, 4) for r in range(4)], axis=3)
    blocks = blocks.reshape(m, SIDE, SIDE, 16)  # [image, block row, block column, pixel in block]
    blocks = blocks - np.arange(16) / 2048
    ranked = np.sort(blocks, axis=3)[..., ::-1]
    count = img.astype(np.int64)[..., None]
    threshold = np.take_along_axis(ranked, np.maximum(count - 1, 0), axis=3)
    on = (blocks >= threshold) & (count > 0)
    return on.reshape(m, SIDE, SIDE, 4, 4).transpose(0, 1, 3, 2, 4).reshape(m, BOX, BOX)


def image_to_bitmap(img, size=256):
    """Render an 8x8 image (values 0..16) as a drawn-like (size, size) float64 bitmap of 0s and 1s:
    its 32x32 bitmap (counts_to_boxes) scaled by nearest neighbour into the middle three quarters."""
    img = np.asarray(img, dtype=np.float64).reshape(-1)
    if img.size != SIDE * SIDE or not np.isfinite(img).all() or img.min() < 0 or img.max() > 16:
        raise ValueError("image must have 64 values (8x8) in 0..16")
    if isinstance(size, bool) or not isinstance(size, Integral) or size < BOX:
        raise ValueError(f"size must be an integer >= {BOX}, got {size!r}")
    box = counts_to_boxes(img[None])[0]
    inner = round(size * 0.75)
    pick = (np.arange(inner) * BOX) // inner
    out = np.zeros((size, size))
    start = (size - inner) // 2
    out[start:start + inner, start:start + inner] = box[np.ix_(pick, pick)]
    return out
