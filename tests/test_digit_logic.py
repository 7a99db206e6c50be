"""Digits mode's pure logic against independent truths (scikit-learn, values by hand)."""
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "site"))
from playground.logic import colors, digit_logic as dl  # noqa: E402


def test_confusion_matrix_matches_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    np.testing.assert_array_equal(dl.confusion_matrix(y, p), metrics.confusion_matrix(y, p, labels=range(10)))


def test_mistakes_most_confident_first():
    P = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.3, 0.7]])
    y = np.array([0, 0, 1, 0])
    assert dl.mistakes(P, y) == [(1, 1, 0.8), (3, 1, 0.7)]
    assert dl.mistakes(P, y, limit=1) == [(1, 1, 0.8)]


def test_images_are_crisp_blocks():
    x = np.zeros(64)
    x[0], x[63] = 1.0, 0.5
    img = dl.grey_rgba(x)
    assert img.shape == (24, 24, 4)
    assert np.all(img[:3, :3, 0] == 30) and np.all(img[3:6, :3, 0] == 255)  # full ink, blank
    assert np.all(img[21:, 21:, 0] == round(255 - 112.5))


def test_weight_images_show_sign_on_one_scale():
    W1 = np.zeros((64, 2))
    W1[0, 0], W1[1, 1] = 2.0, -1.0
    imgs = dl.weight_images(W1)
    assert imgs.shape == (2, 24, 24, 4)
    np.testing.assert_array_equal(imgs[0, 0, 0, :3], colors.PALETTE[1])          # +max: blue
    assert imgs[1, 0, 3, 0] > imgs[1, 0, 3, 2]                                     # negative: orange side
    assert abs(int(imgs[1, 0, 3, 0]) - colors.NEUTRAL[0]) < abs(int(colors.PALETTE[0][0]) - colors.NEUTRAL[0]) + 1


def test_atlas_and_tiles():
    tiles = dl.class_tiles(np.full(10, 0.1))
    assert dl.atlas(tiles).shape == (24, 240, 4)
    assert dl.value_tiles(np.array([0.0, 1.0]), -1, 1).shape == (2, 24, 24, 4)


def test_the_pad_names_a_digit_only_when_the_network_is_sure():
    assert dl.guess_text(None) == "Draw a digit on the pad"
    p = np.full(10, 0.02)
    p[3] = 0.82
    assert dl.guess_text(p) == "The network reads: 3 (82%)"
    p = np.full(10, 0.07)
    p[4] = 0.37
    assert dl.guess_text(p) == "Not sure (maybe 4, 37%)"


def test_the_calibration_figure_is_written_to_three_decimals():
    assert dl.calibration_text(0.01234).startswith("Calibration on the test set: ECE 0.012.")


# -- the pad by keyboard -------------------------------------------------------------------------
ARROWS = list(dl.KEY_MOVES)


@given(st.lists(st.tuples(st.sampled_from(ARROWS + ["a", "Enter", "Tab"]), st.booleans()), max_size=80))
def test_the_keyboard_pen_walks_the_grid_of_its_steps_and_stays_on_the_pad(presses):
    """Followed key by key, the pen is where the presses add up to (each arrow one step, a fifth
    with Shift), cut at the pad's edges; other keys are not moves."""
    at = dl.KEY_START
    for key, fine in presses:
        to = dl.key_move(at, key, fine)
        if key not in ARROWS:
            assert to is None
            continue
        dx, dy = {"ArrowLeft": (-1, 0), "ArrowRight": (1, 0), "ArrowUp": (0, -1), "ArrowDown": (0, 1)}[key]
        step = dl.KEY_STEP / 5 if fine else dl.KEY_STEP
        want = (min(1, max(0, at[0] + dx * step)), min(1, max(0, at[1] + dy * step)))
        assert to == pytest.approx(want, abs=1e-6)
        assert all(0 <= v <= 1 for v in to)
        at = to


def test_twelve_steps_down_from_the_start_is_a_stroke_of_three_fifths():
    at = dl.KEY_START
    for _ in range(12):
        at = dl.key_move(at, "ArrowDown")
    assert at == pytest.approx((0.5, 0.8))
    assert dl.key_move((0.0, 1.0), "ArrowLeft") == (0.0, 1.0) and dl.key_move((0.0, 1.0), "ArrowDown") == (0.0, 1.0)
