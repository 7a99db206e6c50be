"""Write tests/data/drawn_digits.json: 100 digits drawn as a mouse draws them on the pad, 10 of each,
in the styles people use, and a contact sheet of them as a PNG to look at.

    python scripts/make_drawn_digits.py [--out tests/data/drawn_digits.json] [--sheet /tmp/drawn-digits.png]

Each digit starts as a few control points per stroke in a box one unit tall (x right, y down),
written the way the strokes go on paper (a 0 counter-clockwise from the top, a 9's loop then its
tail). A sample then varies as hands do: a smooth curve through the points, a slant, a small
rotation, a wider or narrower shape, a slight wobble, its size (normal, or small) and its place on
the pad (centred, or off to a side). The seed is fixed, so the file is made again byte for byte.
Prints one JSON object: the file, the count per digit and style.
"""
import argparse
import json
import math
import struct
import sys
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import drawn  # noqa: E402

SEED = 16
STEP = 0.07   # the distance between recorded points, in shares of the pad: a mouse moved at a
#               steady hand's speed reports a point every 10 to 20 pixels of a 170-pixel pad


def arc(cx, cy, rx, ry, start, stop, n=10):
    """Points on an ellipse from angle `start` to `stop` (degrees; 90 is the top, y grows down)."""
    return [(cx + rx * math.cos(math.radians(a)), cy - ry * math.sin(math.radians(a)))
            for a in np.linspace(start, stop, n)]


def line(*points):
    return list(points)


# digit -> {style: strokes (each a list of control points)}; corners are kept where the
# control points repeat (a 7's elbow), curves are smoothed through the rest
STYLES = {
    0: {"oval": [arc(0, 0.5, 0.3, 0.5, 100, 470, 16)],
        "round, closed with overlap": [arc(0, 0.5, 0.36, 0.48, 80, 455, 16)]},
    1: {"one stroke": [line((0, 0), (0, 1))],
        "with flag": [line((-0.22, 0.24), (0, 0), (0, 0), (0, 1))],
        "with flag and base": [line((-0.22, 0.24), (0, 0), (0, 0), (0, 1)), line((-0.22, 1), (0.22, 1))],
        "slanted stroke": [line((0.12, 0), (-0.12, 1))]},
    2: {"round": [arc(0, 0.3, 0.3, 0.28, 160, -30, 8) + [(-0.3, 1), (-0.3, 1), (0.34, 1)]],
        "curved neck": [arc(0, 0.28, 0.28, 0.27, 165, -10, 7) + [(0.1, 0.65), (-0.3, 1), (-0.3, 1), (0.32, 0.98)]]},
    3: {"round": [arc(0, 0.26, 0.27, 0.25, 150, -90, 9) + arc(0, 0.75, 0.32, 0.25, 90, -155, 9)[1:]],
        "flat top": [[(-0.28, 0), (0.28, 0), (0.28, 0), (-0.04, 0.42), (-0.04, 0.42)]
                     + arc(0, 0.71, 0.31, 0.29, 95, -150, 9)]},
    4: {"open": [line((-0.22, 0), (-0.22, 0), (-0.3, 0.6), (-0.3, 0.6), (0.36, 0.6)), line((0.16, 0.12), (0.16, 1))],
        "closed": [line((0.14, 0), (0.14, 0), (-0.34, 0.64), (-0.34, 0.64), (0.36, 0.64)), line((0.14, 0), (0.14, 1))]},
    5: {"one stroke and bar": [[(-0.22, 0), (-0.22, 0), (-0.26, 0.45), (-0.26, 0.45)] + arc(0, 0.69, 0.3, 0.27, 125, -150, 10),
                               line((-0.22, 0), (0.3, 0))],
        "bar first": [[(0.3, 0.02), (-0.2, 0), (-0.2, 0), (-0.24, 0.43), (-0.24, 0.43)] + arc(0, 0.7, 0.3, 0.27, 130, -145, 10)]},
    6: {"round": [[(0.22, 0.02), (-0.05, 0.15), (-0.26, 0.5)] + arc(0, 0.72, 0.27, 0.27, 190, 520, 14)],
        "straight back": [[(0.15, 0), (-0.2, 0.45)] + arc(0, 0.72, 0.26, 0.26, 160, 500, 14)]},
    7: {"plain": [line((-0.3, 0), (0.3, 0), (0.3, 0), (-0.06, 1))],
        "crossbar": [line((-0.3, 0), (0.3, 0), (0.3, 0), (-0.06, 1)), line((-0.12, 0.52), (0.26, 0.52))],
        "curved stem": [[(-0.3, 0.05), (0.3, 0), (0.3, 0), (0.1, 0.4), (0.0, 1)]]},
    8: {"one stroke": [[(0.24, 0.13), (0, 0), (-0.24, 0.13), (-0.18, 0.35), (0, 0.48), (0.26, 0.66), (0.24, 0.9),
                        (0, 1), (-0.25, 0.9), (-0.26, 0.66), (0, 0.48), (0.18, 0.32), (0.24, 0.13)]],
        "two loops": [arc(0, 0.24, 0.2, 0.24, 90, 450, 12), arc(0, 0.73, 0.27, 0.26, 90, 450, 12)]},
    9: {"straight tail": [arc(0, 0.27, 0.27, 0.26, 10, 370, 12) + [(0.27, 0.27), (0.27, 0.27), (0.24, 1)]],
        "curved tail": [arc(0, 0.27, 0.26, 0.26, 10, 370, 12) + [(0.26, 0.27), (0.26, 0.27), (0.22, 0.8), (0.05, 1), (-0.2, 0.92)]]},
}


def _smooth(points):
    """A Catmull-Rom curve through the control points; a point given twice is a corner."""
    pts = np.asarray(points, dtype=np.float64)
    pieces, start = [], 0
    for k in range(len(pts) - 1):
        if np.allclose(pts[k], pts[k + 1]):
            pieces.append(pts[start:k + 1])
            start = k + 1
    pieces.append(pts[start:])
    out = []
    for piece in pieces:
        if len(piece) < 2:
            continue
        p = np.vstack([2 * piece[0] - piece[1], piece, 2 * piece[-1] - piece[-2]])
        for i in range(1, len(p) - 2):
            t = np.linspace(0, 1, 12, endpoint=False)[:, None]
            p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
            out.extend(0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                              + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3))
        out.append(piece[-1])
    return np.array(out)


def _resample(curve, step):
    """Points every `step` along the curve, its corners kept (the mouse moves of one stroke)."""
    seg = np.hypot(*np.diff(curve, axis=0).T)
    s = np.concatenate([[0], np.cumsum(seg)])
    if s[-1] == 0:
        return curve[:1]
    n = max(2, math.ceil(s[-1] / step) + 1)
    at = np.linspace(0, s[-1], n)
    return np.column_stack([np.interp(at, s, curve[:, 0]), np.interp(at, s, curve[:, 1])])


def _sample(rng, strokes, size, centre):
    """One drawing: the style's strokes slanted, turned, stretched, wobbled, sized and placed."""
    slant = rng.uniform(-0.08, 0.28)                      # most hands lean right
    turn = math.radians(rng.uniform(-7, 7))
    wide = rng.uniform(0.85, 1.2)
    phase, amp = rng.uniform(0, 2 * math.pi, 4), rng.uniform(0.006, 0.016)
    out = []
    for stroke in strokes:
        curve = _smooth(stroke)
        x, y = curve[:, 0] * wide, curve[:, 1] - 0.5
        x = x - slant * y
        x, y = x * math.cos(turn) - y * math.sin(turn), x * math.sin(turn) + y * math.cos(turn)
        t = np.linspace(0, 1, len(x))
        x = x + amp * (np.sin(7 * t + phase[0]) + np.sin(13 * t + phase[1]))
        y = y + amp * (np.sin(5 * t + phase[2]) + np.sin(11 * t + phase[3]))
        px, py = centre[0] + size * x, centre[1] + size * y
        out.append(_resample(np.column_stack([px, py]), STEP))
    return out


def _fits(strokes, margin=0.04):
    allp = np.vstack(strokes)
    return allp.min() >= margin and allp.max() <= 1 - margin


def make(seed=SEED):
    """10 drawings of each digit: the styles in turn; eight of normal size near the centre, one
    small and one off to a side (sizes are the digit's height as a share of the pad)."""
    rng = np.random.default_rng(seed)
    result = []
    for label, styles in STYLES.items():
        names = list(styles)
        for k in range(10):
            style = names[k % len(names)]
            for _ in range(100):
                if k == 8:   # small, somewhere on the pad
                    size, centre = rng.uniform(0.25, 0.35), rng.uniform(0.25, 0.75, 2)
                elif k == 9:  # off-centre
                    size = rng.uniform(0.42, 0.52)
                    centre = 0.5 + rng.choice([-1, 1], 2) * rng.uniform(0.12, 0.2, 2)
                else:
                    size, centre = rng.uniform(0.55, 0.78), 0.5 + rng.uniform(-0.06, 0.06, 2)
                strokes = _sample(rng, styles[style], size, centre)
                if _fits(strokes):
                    break
            else:
                raise RuntimeError(f"no placement of a {label} ({style}) fits on the pad")
            note = " (small)" if k == 8 else " (off-centre)" if k == 9 else ""
            result.append({"label": label, "style": style + note,
                           "strokes": [[[round(float(x), 3), round(float(y), 3)] for x, y in s] for s in strokes]})
    return result


def write_png(path, rgb):
    """(h, w, 3) uint8 as a PNG file (zlib alone)."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[r].tobytes() for r in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                          + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def contact_sheet(drawings, side=drawn.PAD, gap=6):
    """Each digit as the pad shows it, one row per label, and under it the 8x8 the network reads."""
    from nn import digits
    cols, rows = 10, -(-len(drawings) // 10)
    cell_h = side + side // 2 + gap
    sheet = np.full((rows * cell_h + gap, cols * (side + gap) + gap, 3), 200, dtype=np.uint8)
    for k, d in enumerate(drawings):
        r, c = divmod(k, cols)
        top, left = gap + r * cell_h, gap + c * (side + gap)
        ink = drawn.rasterize(d["strokes"], side)
        sheet[top:top + side, left:left + side] = (255 - 230 * ink)[:, :, None].astype(np.uint8)
        img = digits.bitmap_to_input(ink) / 16
        small = np.kron(img, np.ones((side // 16, side // 16)))
        h = small.shape[0]
        sheet[top + side:top + side + h, left:left + h] = (255 - 230 * small)[:, :, None].astype(np.uint8)
    return sheet


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=drawn.FILE)
    parser.add_argument("--sheet", type=Path, default=Path("/tmp/drawn-digits.png"))
    args = parser.parse_args()
    drawings = make()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    about = ("Digits drawn as a mouse draws them on the pad: strokes of [x, y] points in shares of the pad's side "
             "(x right, y down). Made by scripts/make_drawn_digits.py.")
    text = json.dumps({"about": about, "digits": drawings}, separators=(",", ":"))
    args.out.write_text(text.replace('{"label"', '\n{"label"') + "\n")
    write_png(args.sheet, contact_sheet(drawings))
    print(json.dumps({"file": str(args.out), "sheet": str(args.sheet),
                      "styles": Counter(f"{d['label']}: {d['style'].split(' (')[0]}" for d in drawings)}))


if __name__ == "__main__":
    main()
