"""Digits mode reads digits as people draw them. The page's default digits run, trained in CPython to
where it stops by itself: reads the 100 drawn test digits (tests/data/drawn_digits.json, through the
pad's recipe) right and sure, says "not sure" of blobs, lines and scribbles, stays right on the
untouched test set, and is as often right as it is sure (calibration)."""
import math

import numpy as np
import pytest

from nn import Session, digits
from nn.teaching import calibration
from tests import drawn

MAX_EPOCHS = 400


@pytest.fixture(scope="module")
def trained():
    s = Session({"dataset": "digits"})
    s.step(MAX_EPOCHS)  # the run stops by itself before this
    return s


def _ring(cx, cy, r, turns=1.0, n=24):
    t = np.linspace(0, 2 * math.pi * turns, n)
    return [(cx + r * math.cos(a), cy + r * math.sin(a)) for a in t]


# drawings that are no digit, made here (not by nn.data.scribbles): blobs scribbled in, lines, scribbles
NOT_DIGITS = {
    "round blob": [[p for k in range(6) for p in _ring(0.5, 0.5, 0.3 - 0.05 * k)]],
    "small blob off-centre": [[p for k in range(4) for p in _ring(0.3, 0.65, 0.12 - 0.03 * k)]],
    "flat blob": [[(0.5 + 0.35 * math.cos(a) * (1 - k / 6), 0.5 + 0.15 * math.sin(a) * (1 - k / 6))
                   for k in range(6) for a in np.linspace(0, 2 * math.pi, 20)]],
    "level line": [[(0.15, 0.5), (0.85, 0.52)]],
    "line at 30 degrees": [[(0.15, 0.7), (0.85, 0.3)]],
    "short dash": [[(0.4, 0.45), (0.62, 0.48)]],
    "wavy line": [[(0.1 + 0.8 * t, 0.5 + 0.08 * math.sin(6 * math.pi * t)) for t in np.linspace(0, 1, 30)]],
    "zigzag": [[(0.12, 0.4), (0.26, 0.62), (0.4, 0.38), (0.54, 0.63), (0.68, 0.37), (0.82, 0.6)]],
    "scribble": [[(0.3, 0.3), (0.7, 0.65), (0.25, 0.6), (0.72, 0.28), (0.5, 0.75), (0.35, 0.25), (0.68, 0.5),
                  (0.28, 0.45), (0.6, 0.72), (0.55, 0.22)]],
    "scribbled out": [[(0.15 + 0.7 * t + 0.1 * math.cos(a), 0.5 + 0.18 * math.sin(a))
                       for t, a in zip(np.linspace(0, 1, 60), np.linspace(0, 2 * math.pi * 7, 60))]],
    "cross-hatch": [[(0.2, 0.35), (0.8, 0.35)], [(0.2, 0.6), (0.8, 0.6)], [(0.35, 0.2), (0.3, 0.8)],
                    [(0.65, 0.2), (0.62, 0.8)]],
    "star": [[(0.5, 0.15), (0.62, 0.8), (0.15, 0.4), (0.85, 0.4), (0.38, 0.8), (0.5, 0.15)]],
}


def _inputs(strokes):
    return digits.image_to_features(digits.bitmap_to_input(drawn.rasterize(strokes)))[0]


def test_the_default_run_stops_by_itself(trained):
    assert trained.stop is not None and trained.stop.kind == "converged", trained.epoch
    print(f"stopped at epoch {trained.epoch}: {trained.stop.message}")


def test_it_stays_right_on_the_untouched_test_set(trained):
    assert trained.metrics()["test_accuracy"] >= 0.97


def test_its_confidence_is_calibrated(trained):
    P = trained.predict(trained.X_test_raw)
    ece = calibration.expected_calibration_error(P, trained.y_test)
    print(f"expected calibration error on the test set: {ece:.4f}")
    assert ece <= 0.05


def test_it_reads_digits_as_people_draw_them(trained):
    drawings = drawn.load()
    X, y = drawn.inputs(drawings)
    readings = [calibration.reading(p) for p in trained.predict(X)]
    right = [sure and k == label for (k, _, sure), label in zip(readings, y)]
    wrong = [(d["label"], d["style"], k, round(p, 2), sure) for d, (k, p, sure), ok in zip(drawings, readings, right)
             if not ok]
    print(f"read right and sure: {sum(right)} of {len(right)}; not: {wrong}")
    assert sum(right) >= 0.9 * len(right), wrong


def test_it_is_not_sure_of_drawings_that_are_no_digit(trained):
    X = np.array([_inputs(s) for s in NOT_DIGITS.values()])
    readings = {name: calibration.reading(p) for name, p in zip(NOT_DIGITS, trained.predict(X))}
    sure = {name: (k, round(p, 2)) for name, (k, p, ok) in readings.items() if ok}
    assert len(sure) <= 1, f"read as a digit: {sure}"


def test_it_is_sure_of_nearly_every_real_digit(trained):
    P = trained.predict(trained.X_test_raw)
    sure = np.mean([calibration.reading(p)[2] for p in P])
    assert sure >= 0.97


def test_the_drawn_digits_are_ten_of_each_in_the_styles_people_use():
    drawings = drawn.load()
    labels = [d["label"] for d in drawings]
    assert len(drawings) >= 100 and all(labels.count(k) == 10 for k in range(10))
    styles = {(d["label"], d["style"].split(" (")[0]) for d in drawings}
    for wanted in [(1, "one stroke"), (1, "with flag"), (1, "with flag and base"), (7, "plain"), (7, "crossbar"),
                   (4, "open"), (4, "closed"), (9, "straight tail")]:
        assert wanted in styles
    assert sum("(small)" in d["style"] for d in drawings) >= 10
    assert sum("(off-centre)" in d["style"] for d in drawings) >= 10
    points = np.vstack([np.array(s) for d in drawings for s in d["strokes"]])
    assert points.min() >= 0 and points.max() <= 1
