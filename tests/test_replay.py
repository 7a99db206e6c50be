"""Replay: the snapshots a session keeps (a dense early window, then thinned), the read-only twin
that shows a past epoch, and going back to it. The truths: the kept epochs worked out by brute
force, and a second run of the same config stopped at epoch k (same seed, same numbers)."""
import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nn import Session, saved
from nn.training.replay import PastEpoch, Replay
from nn.training.session import DENSE_SNAPSHOTS
from nn.training.thinning import Thinning


def _expected(capacity, stride, dense, n):
    """The epochs a record of 0..n-1 keeps: all before `dense`, then the first `capacity` multiples
    of the stride; the stride doubles once a multiple of the doubled stride comes past those (a
    full record waits for an epoch that survives the halving before it halves)."""
    while True:
        later = [e for e in range(dense, n) if e % stride == 0]
        if len(later) <= capacity or not any(e % (2 * stride) == 0 for e in later[capacity:]):
            return list(range(min(dense, n))) + later[:capacity], stride
        stride *= 2


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 40), st.integers(1, 12), st.integers(0, 60), st.integers(1, 1500))
def test_the_dense_window_stays_whole_and_the_rest_is_thinned_in_bounds(capacity, stride, dense, n):
    t = Thinning(capacity, stride, dense)
    for e in range(n):
        if t.keeps(e):
            t.add(e, e)
    kept = [e for e, _ in t.entries]
    want, want_stride = _expected(capacity, stride, dense, n)
    assert kept == want and t.stride == want_stride
    assert len(t.entries) <= dense + capacity
    assert t.all()[-1][0] <= n - 1
    again = Thinning.from_parts(t.to_parts())  # the record, as a file carries it
    assert [e for e, _ in again.entries] == kept
    again.add(n, n)
    t.add(n, n)
    assert again.entries == t.entries


def test_a_record_without_a_dense_window_still_opens():
    """Files written before the dense window have no "dense": they read as a plain record."""
    t = Thinning(4, 2)
    for e in range(0, 20, 2):
        t.add(e, e)
    parts = t.to_parts()
    del parts["dense"]
    assert Thinning.from_parts(parts).entries == t.entries


def test_the_first_epochs_are_kept_one_by_one_and_memory_stays_bounded():
    s = Session({"dataset": "spiral"})
    s.step(5000, until_stop=False)
    epochs = [e for e, _ in s.snapshots.entries]
    assert epochs[:DENSE_SNAPSHOTS] == list(range(DENSE_SNAPSHOTS))
    later = epochs[DENSE_SNAPSHOTS:]
    assert len(later) <= s.config["max_snapshots"] and all(e % s.snapshots.stride == 0 for e in later)
    gaps = np.diff(later)
    assert gaps.max() == s.snapshots.stride  # evenly spread over the whole run
    per = s.net.flat.nbytes
    assert sum(w.nbytes for _, w in s.snapshots.entries) <= (DENSE_SNAPSHOTS + s.config["max_snapshots"]) * per
    assert len(s._steps_at) <= 2 * len(s.snapshots.entries) + 2


CONFIG = {"dataset": "moons", "optimizer": "adam", "lr": 0.02, "schedule": "step", "step_size": 20, "gamma": 0.5}


def _run(epochs, config=CONFIG):
    s = Session(config)
    s.step(epochs, until_stop=False)
    return s


@pytest.mark.parametrize("k", [0, 7, 63, 150])
def test_a_past_epoch_shows_what_a_run_stopped_there_had(k):
    s = _run(230)
    live = (s.net.flat.copy(), s.metrics(), s.version, s.epoch, s.steps)
    r = Replay(s)
    past = r.at(k)
    truth = _run(k)
    assert isinstance(past, PastEpoch) and past.epoch == k
    np.testing.assert_array_equal(past.net.flat, truth.net.flat)
    assert past.metrics() == truth.metrics()
    np.testing.assert_array_equal(past.grid(40).output, truth.grid(40).output)
    assert past.version != s.version and not isinstance(past.version, int)
    for e in r.epochs():  # scrubbing through everything leaves the live session as it was
        r.at(e)
    assert (s.net.flat.tolist(), s.metrics(), s.version, s.epoch, s.steps) == \
        (live[0].tolist(), *live[1:])
    assert r.at(s.epoch) is s and r.current()


def test_a_past_epoch_is_read_only():
    s = _run(40)
    past = Replay(s).at(10)
    for act in (lambda: past.step(1), lambda: past.set_weight(0, 0, 0, 1.0), lambda: past.update({"lr": 0.1}),
                lambda: past.reset(), lambda: past.go_back(3)):
        with pytest.raises(ValueError, match="read-only"):
            act()
    assert s.epoch == 40


def test_between_kept_epochs_the_one_before_is_shown():
    s = _run(400)
    r = Replay(s)
    assert r.epochs()[DENSE_SNAPSHOTS:DENSE_SNAPSHOTS + 2] == [100, 110]
    assert r.at(117).epoch == 110


@pytest.mark.parametrize("k", [5, 60, 120])
def test_going_back_gives_the_state_recorded_at_k(k):
    s = _run(230)
    s.go_back(k)
    truth = _run(k)
    np.testing.assert_array_equal(s.net.flat, truth.net.flat)
    assert (s.epoch, s.steps) == (truth.epoch, truth.steps)
    assert s.metrics() == truth.metrics()
    assert s.history_table() == truth.history_table()
    assert [e for e, _ in s.snapshots.all()] == [e for e, _ in truth.snapshots.all()]
    # snapshots hold only weights: the optimizer starts afresh, at the rate the schedule gives at k
    assert s.optimizer.lr == truth.optimizer.lr
    assert s.optimizer.to_dict()["state"] != truth.optimizer.to_dict()["state"] or k == 0
    fresh = Session(CONFIG)
    assert json.dumps(s.optimizer.to_dict()["state"]) == json.dumps(fresh.optimizer.to_dict()["state"])
    assert s.by_hand and "went back to epoch" in s.by_hand[-1] and "optimizer" in s.by_hand[-1]
    assert s.stop is None


def test_after_going_back_training_goes_on_from_k_and_replaces_the_later_epochs():
    s = _run(200)
    s.go_back(50)
    s.step(30, until_stop=False)
    assert s.epoch == 80 and s.history_table()["epoch"][-1] == 80
    assert [e for e, _ in s.snapshots.all()][-1] == 80
    assert max(e for e, _ in s.snapshots.all()) == 80  # nothing of the old epochs 81..200 is left
    # it trained: one epoch from the weights of 50 with a fresh Adam moves them
    assert not np.array_equal(s.net.flat, _run(50).net.flat)


def test_going_back_saves_and_opens_as_it_is():
    s = _run(150)
    s.go_back(30)
    again = saved.loads(saved.dumps(s))
    assert again.by_hand == s.by_hand and again.epoch == 30
    s.step(5, until_stop=False)
    again.step(5, until_stop=False)
    np.testing.assert_array_equal(s.net.flat, again.net.flat)


def test_a_session_opened_from_a_file_goes_back_with_its_step_count_estimated():
    s = saved.loads(saved.dumps(_run(120)))
    s.go_back(60)
    assert s.epoch == 60 and s.steps == _run(60).steps  # (every epoch here takes as many steps)
    assert "estimated" in s.by_hand[-1]


@pytest.mark.parametrize("bad", [-1, 2.5, True, "3"])
def test_going_back_to_a_bad_epoch_is_refused_and_changes_nothing(bad):
    s = _run(30)
    before = (s.net.flat.copy(), s.epoch, s.version)
    with pytest.raises(ValueError, match="whole number"):
        s.go_back(bad)
    assert np.array_equal(s.net.flat, before[0]) and (s.epoch, s.version) == before[1:]
    assert s.go_back(99) == 30 and s.version == before[2]  # not before now: nothing to do


def test_a_past_epoch_thinned_out_of_the_history_is_measured_again():
    s = _run(60)
    s.history.entries = [e for e in s.history.entries if e[0] != 9]  # as after 2000 epochs of thinning
    past, truth = Replay(s).at(9), _run(9)
    assert {k: v for k, v in past.metrics().items() if k != "lr"} == \
        {k: v for k, v in truth.metrics().items() if k != "lr"}


def test_the_scrubbers_words():
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site"))
    from playground.logic import replay_words as w

    assert w.position(30, 176) == "epoch 30 of 176" and w.position(176, 176) == "now"
    assert w.went_back(12, 40)[0] == "Training goes on from epoch 12: epochs 13 to 40 are replaced by the new ones."
    assert "epoch 13 is replaced" in w.went_back(12, 13)[0]
    assert "optimizer" in w.went_back(12, 40)[1] and "1,200" in w.went_back(1200, 1500)[0]
