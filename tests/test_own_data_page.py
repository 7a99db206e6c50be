"""The page's pure logic around your own data: the canvas mapping that draws a point and reads a
click is one mapping both ways, the palette's names, the order of a table's chosen inputs."""
import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "site"))

from nn import datasets  # noqa: E402
from nn.data import custom, table  # noqa: E402
from playground.logic import own_data, plane  # noqa: E402

extents = st.tuples(st.floats(-10, 9), st.floats(0.5, 10), st.floats(-10, 9), st.floats(0.5, 10)).map(
    lambda t: ((t[0], t[0] + t[1]), (t[2], t[2] + t[3])))


@settings(max_examples=200, deadline=None)
@given(extents, st.floats(50, 900), st.floats(50, 900), st.floats(0, 1), st.floats(0, 1), st.booleans())
def test_a_click_reads_back_the_point_drawn_there(extent, w, h, fx, fy, curve):
    px, py = fx * w, fy * h
    p = plane.from_canvas(extent, w, h, px, py, curve)
    cx, cy = plane.to_canvas(extent, w, h, [p], curve)
    assert abs(cx[0] - px) < 1e-6 and abs(cy[0] - py) < 1e-6
    # by hand: the left edge is x_lo, the top edge the highest y shown (15% above y_hi on a curve)
    (x0, x1), (y0, y1) = extent
    top = y1 + 0.15 * (y1 - y0) if curve else y1
    assert plane.from_canvas(extent, w, h, 0, 0, curve) == (x0, top)
    assert plane.near(extent, w, h, np.array([p, [p[0] + 100 * (x1 - x0), p[1]]]), px, py, 3, curve).tolist() == [True, False]


def test_the_palette_names_classes_as_the_tests_and_learners_know_them():
    drawn = custom.edit_copy(datasets.load("xor"))
    assert [label for label, _, _ in own_data.palette(drawn)] == ["Class 0", "Class 1", "Class 2"]
    t = table.read_table("a,b,kind\n1,2,cat\n2,1,dog\n3,3,cat\n")
    named = table.choose(t, [0, 1], 2)
    assert [label for label, _, _ in own_data.palette(named)] == ["Class 0: cat", "Class 1: dog"]
    assert own_data.palette(custom.edit_copy(datasets.load("sine"))) == ()  # a curve: the click is the value
    assert own_data.value_of(named, 1) == 1 and own_data.value_of(custom.edit_copy(datasets.load("plane")), 4) == 1.0


def test_a_tables_inputs_are_ordered_across_up_then_the_rest():
    assert own_data.ordered_inputs([0, 1, 3, 4], 3, 0) == [3, 0, 1, 4]
    assert own_data.ordered_inputs([2], 2, None) == [2]
    t = table.read_table("a,b,c,kind\n1,2,3,x\n2,1,0,y\n")
    note = own_data.choice_note(t, [2, 0, 1], 3)
    assert "c across and a up, with b held at its mean" in note and "2 classes (x, y)" in note
    assert "x₁ = (a − 1.5) ÷ 0.5" in own_data.scale_text(table.choose(t, [0, 1], 3))
