"""How far to trust a reading: whether the network's confidence means what it says, and when it
is not sure.

    ece = calibration.expected_calibration_error(P, y)   # P: (n, k) probabilities, y: (n,) classes
    calibration.reading(p)                                # (class, its probability, sure or not)

Calibration: sort the predictions into bins by their top probability (the confidence), e.g. all
those between 0.9 and 1.0. If the network is calibrated, the ones it gives 0.95 are right 95% of
the time. The expected calibration error is the gap between how sure it was and how often it was
right, bin by bin, weighted by how many predictions fall in each (Guo et al., "On calibration of
modern neural networks", 2017):

    ECE = Σ_b (n_b / n) · |accuracy_b − confidence_b|      bins ((b − 1)/B, b/B], b = 1 … B

Not sure: the top probability below NOT_SURE (one half). On calibrated outputs a reading given
less than half is more often wrong than right, so the page says "not sure" instead of naming a
digit. For drawings unlike any digit to get such low readings, the network must have seen some:
in digits mode it is trained on scribbles with random labels (nn.data.scribbles), so that on them
its best answer is to spread its bets.
"""
import numpy as np

BINS = 10
NOT_SURE = 0.5


def expected_calibration_error(P, y, bins=BINS):
    """ECE of probabilities P (n, k) for true classes y (n,), with `bins` equal-width bins of the
    top probability.  -> float in [0, 1]"""
    P, y = np.asarray(P, dtype=np.float64), np.asarray(y)
    if P.ndim != 2 or y.shape != (P.shape[0],) or not len(y):
        raise ValueError(f"P must be (n, k) probabilities and y (n,) classes, n >= 1; got {P.shape} and {y.shape}")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins must be a whole number >= 1, got {bins!r}")
    confidence = P.max(axis=1)
    right = P.argmax(axis=1) == y
    edges = np.arange(bins + 1) / bins       # b/B exactly as written, so 0.7 falls in (0.6, 0.7]
    b = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    gap = np.abs(np.bincount(b, right, minlength=bins) - np.bincount(b, confidence, minlength=bins))
    return float(gap.sum() / len(y))  # Σ_b n_b/n · |Σ right/n_b − Σ confidence/n_b|, with n_b cancelled


def reading(p):
    """What a drawing reads as: (class, its probability, whether the network is sure)."""
    p = np.asarray(p, dtype=np.float64).reshape(-1)
    k = int(np.argmax(p))
    return k, float(p[k]), bool(p[k] >= NOT_SURE)
