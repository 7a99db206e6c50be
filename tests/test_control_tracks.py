"""The per-layer controls' grid tracks put each box over its hidden layer's column, for every
depth and width the page allows: the centres read back from the tracks are the drawing's columns."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site"))
from playground.logic.layout import control_tracks, layout  # noqa: E402


@pytest.mark.parametrize("width", [300, 374, 385, 500, 900])
@pytest.mark.parametrize("hidden", range(0, 7))
def test_boxes_centred_on_their_columns(width, hidden):
    lay = layout([2, *[8] * hidden, 1], width, 400)
    tracks = control_tracks(lay)
    if hidden == 0:
        assert tracks == "none"
        return
    sizes = [float(t.removesuffix("px")) for t in tracks.split()]
    assert len(sizes) == 2 * hidden and min(sizes) >= 0
    left, centres, boxes = 0.0, [], []
    for gap, box in zip(sizes[::2], sizes[1::2]):
        centres.append(left + gap + box / 2)
        boxes.append((left + gap, left + gap + box))
        left += gap + box
    assert centres == pytest.approx(lay.columns[1:-1], abs=0.1)
    assert all(b[1] <= c[0] + 1e-9 for b, c in zip(boxes, boxes[1:])), "boxes overlap"
    assert boxes[0][0] > lay.columns[0] and boxes[-1][1] < lay.columns[-1], "a box over the inputs or the outputs"
