"""nn.teaching.calibration: the expected calibration error against examples worked out by hand,
and the "not sure" rule."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nn.teaching import calibration


def test_ece_of_a_hand_worked_example():
    # five readings: top probability and whether it was right
    #   0.95 right  -> bin (0.9, 1.0]: |1 − 0.95|           = 0.05
    #   0.85 wrong  -> bin (0.8, 0.9]: |0 − 0.85|           = 0.85
    #   0.70 right  -> bin (0.6, 0.7]  (0.7 is the bin's top edge): |1 − 0.70| = 0.30
    #   0.60 right, 0.55 wrong -> bin (0.5, 0.6]: accuracy 1/2, confidence 0.575: |0.5 − 0.575| = 0.075
    # ECE = (1·0.05 + 1·0.85 + 1·0.30 + 2·0.075) / 5 = 1.35 / 5 = 0.27
    P = np.array([[0.95, 0.05], [0.85, 0.15], [0.30, 0.70], [0.60, 0.40], [0.55, 0.45]])
    y = np.array([0, 1, 1, 0, 1])
    assert calibration.expected_calibration_error(P, y) == pytest.approx(0.27, abs=1e-12)


def test_ece_with_fifteen_bins_splits_what_ten_bins_join():
    # 0.62 and 0.68 share (0.6, 0.7] of 10 bins: accuracy 1/2, confidence 0.65 -> 2/2 · 0.15 = 0.15.
    # With 15 bins they fall in (0.6, 0.667] and (0.667, 0.733]: (|1 − 0.62| + |0 − 0.68|) / 2 = 0.53
    P = np.array([[0.62, 0.38], [0.32, 0.68]])
    y = np.array([0, 0])
    assert calibration.expected_calibration_error(P, y, bins=10) == pytest.approx(0.15)
    assert calibration.expected_calibration_error(P, y, bins=15) == pytest.approx(0.53)


def test_calibrated_readings_score_zero_and_overconfident_ones_their_gap():
    # ten readings at 0.8, eight of them right: exactly as sure as they are right
    P = np.tile([0.8, 0.1, 0.1], (10, 1))
    y = np.array([0] * 8 + [1] * 2)
    assert calibration.expected_calibration_error(P, y) == pytest.approx(0.0, abs=1e-12)
    # the same readings with only half of them right: 0.8 − 0.5
    assert calibration.expected_calibration_error(P, np.array([0] * 5 + [2] * 5)) == pytest.approx(0.3)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(2, 10), st.integers(1, 20), st.integers(0, 2**32 - 1))
def test_ece_is_the_weighted_gap_bin_by_bin(n, k, bins, seed):
    """Against a plain loop over the bins, for any probabilities."""
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(k), n)
    y = rng.integers(0, k, n)
    conf, right = P.max(axis=1), P.argmax(axis=1) == y
    total = 0.0
    for b in range(bins):
        inside = (conf > b / bins) & (conf <= (b + 1) / bins)
        if inside.any():
            total += inside.sum() / n * abs(right[inside].mean() - conf[inside].mean())
    assert calibration.expected_calibration_error(P, y, bins) == pytest.approx(total, abs=1e-12)
    assert 0.0 <= total <= 1.0


@pytest.mark.parametrize("P, y, bins, words", [
    (np.ones(3), np.zeros(3), 10, "P must be"),
    (np.ones((3, 2)) / 2, np.zeros(2), 10, "P must be"),
    (np.ones((0, 2)), np.zeros(0), 10, "n >= 1"),
    (np.ones((3, 2)) / 2, np.zeros(3), 0, "bins must be"),
    (np.ones((3, 2)) / 2, np.zeros(3), True, "bins must be"),
])
def test_ece_refuses_what_it_cannot_measure(P, y, bins, words):
    with pytest.raises(ValueError, match=words):
        calibration.expected_calibration_error(P, y, bins)


def test_a_reading_is_sure_from_half_the_probability():
    assert calibration.reading([0.1, 0.7, 0.2]) == (1, pytest.approx(0.7), True)
    assert calibration.reading([0.5, 0.3, 0.2]) == (0, 0.5, True)
    assert calibration.reading([0.3, 0.3, 0.4]) == (2, pytest.approx(0.4), False)
    assert calibration.reading(np.full(10, 0.1))[2] is False
