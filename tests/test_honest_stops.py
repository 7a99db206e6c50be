"""Why training stopped, told truthfully: the opening spiral generalizes when it stops, a converged
run says how it does on the test split (and when it overfits), and a run that goes nowhere says so.

Independent truths: the session's own forward pass on its test split (accuracy counted here),
and losses read from the history.
"""
import re

import numpy as np
import pytest

from nn import Session
from nn.training import session as session_module


def _train_to_stop(s, most=3000):
    while s.stop is None and s.epoch < most:
        s.step(50)
    return s


def _test_accuracy(s):
    out = s.net.forward(s.X_test)
    guess = (out[:, 0] > 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)
    return float(np.mean(guess == s.y_test))


@pytest.mark.parametrize("seed", range(10))
def test_the_opening_spiral_generalizes_when_it_stops(seed):
    s = _train_to_stop(Session({"seed": seed}))  # the page's opening setup, only the seed changed
    assert s.config["dataset"] == "spiral" and s.stop is not None and s.stop.kind == "converged"
    assert _test_accuracy(s) >= 0.97
    assert "It generalizes" in s.stop.hint


def test_a_converged_message_states_train_and_test_accuracy():
    s = _train_to_stop(Session({"dataset": "moons", "seed": 3}))
    m = re.search(r"Train accuracy ([\d.]+)%, test accuracy ([\d.]+)%\.", s.stop.message)
    assert m, s.stop.message
    right_train = np.mean(s.net.forward(s.X_train)[:, 0].round() == s.y_train)
    assert float(m.group(1)) == pytest.approx(100 * right_train, abs=0.05)
    assert float(m.group(2)) == pytest.approx(100 * _test_accuracy(s), abs=0.05)


def test_an_overfitting_network_is_called_so():
    """Few noisy points and a wide network: it learns the points, not the circle."""
    found = 0
    for seed in range(6):
        s = _train_to_stop(Session({"dataset": "circle", "n": 40, "noise": 0.35, "hidden": [8, 8, 8],
                                    "seed": seed}))
        if s.stop is None or s.stop.kind != "converged":
            continue
        gap = float(np.mean((s.net.forward(s.X_train)[:, 0] > 0.5) == s.y_train)) - _test_accuracy(s)
        assert ("overfitting" in s.stop.hint) == (gap > session_module.OVERFIT_GAP), (seed, gap, s.stop.hint)
        found += "overfitting" in s.stop.hint
    assert found >= 1  # the setup does overfit, so the words were put to the test


def test_a_jumpy_run_is_stalled_with_a_lower_rate_to_try():
    s = Session({"optimizer": "adam", "lr": 1.0})
    s.step(3000)
    assert s.stop is not None and s.stop.kind == "stalled"
    losses = s.history_table()["train_loss"]
    assert min(losses) > session_module.STALL_LEVEL * losses[0]  # it really never got far below its start
    assert "too high for adam. Try 0.1." in s.stop.hint
    at = s.epoch
    s.clear_stop()  # the learner presses play: another STALL_EPOCHS before it is said again
    s.step(session_module.STALL_EPOCHS - 1)
    assert s.stop is None and s.epoch == at + session_module.STALL_EPOCHS - 1


def test_a_creeping_run_is_stalled_with_a_bigger_network_or_rate_to_try():
    s = Session({"dataset": "spiral", "hidden": []})  # a straight line cannot split a spiral
    s.step(3000)
    assert s.stop is not None and s.stop.kind == "stalled"
    assert "too small for this data, or the learning rate too low" in s.stop.hint
    recent = s.history_table()["train_loss"][-session_module.UNHEALTHY_EPOCHS:]
    assert max(recent) < session_module.JUMPY * min(recent)


def test_a_new_rate_gets_its_own_chance_before_a_stall_is_called():
    s = Session({"dataset": "spiral", "hidden": []})
    s.step(150)
    s.update({"lr": 0.02})
    s.step(session_module.STALL_EPOCHS - 1)
    assert s.stop is None
